import type { WASIShim as WASIShimClass } from '@bytecodealliance/preview2-shim/instantiation';

/**
 * preview2-shim, loaded on first need (loadWasiShim): a core module's run (node:wasi) and a
 * component without WASI never load its ~40 modules.
 */
let WASIShim: typeof WASIShimClass | undefined;

/** Loads preview2-shim; createWasiImports and wasiInterfaceNames need it loaded. */
export async function loadWasiShim(): Promise<void> {
  WASIShim ??= (await import('@bytecodealliance/preview2-shim/instantiation')).WASIShim;
}

/** What a guest sees of the outside world through WASI. */
export interface WasiOptions {
  /** Arguments (the first is the program name). */
  args?: string[];
  /** Environment variables; none unless given. */
  env?: Record<string, string>;
  /**
   * Guest path -> host directory. None unless given. Each must be a directory that can be opened:
   * instantiate() checks them before the guest starts (WasmOtelError `invalid_preopen`).
   */
  preopens?: Record<string, string>;
}

let interfaceNames: ReadonlySet<string> | undefined;

/** The interfaces (unversioned) createWasiImports serves: preview2-shim's, as its import object names them. */
export function wasiInterfaceNames(): ReadonlySet<string> {
  interfaceNames ??= new Set(Object.keys(createWasiImports({})));
  return interfaceNames;
}

/** The getters of the stdio objects preview2-shim shares between all its import objects (stdin is made on first use: left out). */
const SHARED_STREAMS: readonly [string, string][] = [
  ['wasi:cli/stdout', 'getStdout'],
  ['wasi:cli/stderr', 'getStderr'],
  ['wasi:cli/terminal-stdout', 'getTerminalStdout'],
  ['wasi:cli/terminal-stderr', 'getTerminalStderr'],
  ['wasi:cli/terminal-stdin', 'getTerminalStdin'],
];

/**
 * Called when an instance is disposed. preview2-shim serves stdout, stderr and the terminals as
 * objects of the process, the same for every instance. jco's glue (instantiation mode) makes a
 * symbol of its own `Symbol('handle')` per instantiation, and after each call on a host resource
 * the guest borrowed it sets `resource[symbol] = undefined`: every instance that ever wrote to
 * stdout left one property on that shared object, for the life of the process (~100 bytes per
 * instance). Those properties hold undefined once the call is over, which is what the glue reads
 * for a missing one, so deleting them changes nothing for any instance, live or gone.
 */
export function forgetSharedStreamMarks(imports: Record<string, unknown>): void {
  for (const [name, getter] of SHARED_STREAMS) {
    const get = (imports[name] as Record<string, unknown> | undefined)?.[getter];
    if (typeof get !== 'function') continue;
    const stream = (get as () => unknown)();
    if (typeof stream !== 'object' || stream === null) continue;
    const marked = stream as Record<symbol, unknown>;
    for (const key of Object.getOwnPropertySymbols(marked)) {
      if (key.description === 'handle' && marked[key] === undefined) delete marked[key];
    }
  }
}

/** Thrown by our `wasi:cli/exit` to unwind the guest; carries the exit code. */
export class GuestExit extends Error {
  constructor(readonly code: number) {
    super(`guest exited with code ${code}`);
    this.name = 'GuestExit';
  }
}

/**
 * preview2-shim's WASI imports for one instance, sandboxed to the given args, env and preopens,
 * with `wasi:cli/exit` replaced: the shim's exits the whole process, which would skip flushing
 * telemetry; ours unwinds the call with GuestExit instead.
 */
export function createWasiImports(options: WasiOptions): Record<string, unknown> {
  if (WASIShim === undefined) throw new Error('internal: preview2-shim is not loaded (loadWasiShim first)');
  const shim = new WASIShim({
    sandbox: {
      args: options.args ?? ['guest'],
      env: options.env ?? {},
      preopens: options.preopens ?? {},
      enableNetwork: false,
    },
  });
  const imports = shim.getImportObject() as unknown as Record<string, unknown>;
  imports['wasi:cli/exit'] = {
    exit(status: { tag: 'ok' | 'err' }): never {
      throw new GuestExit(status?.tag === 'err' ? 1 : 0);
    },
    exitWithCode(code: number): never {
      throw new GuestExit(code & 0xff);
    },
  };
  return imports;
}
