import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation';

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
