import { WasmOtelError } from './errors.js';
import { exitCodeOf, type CallOptions } from './host-call.js';
import { exportAttribute } from '../telemetry/host-span-attributes.js';
import type { ModuleTelemetry } from './module-telemetry.js';
import type { Preview1 } from '../runtime/preview1.js';

/**
 * One instance of a core module run the way a WASI CLI (wasmtime) runs it: `run()` calls
 * `_start` (a command); `call(name)` calls an export: after `_initialize` for a reactor, and on a
 * command without `_start` (wasm-ld gives a command's other exports their own constructor and
 * destructor calls). WASI preview1 is set up before the first call, whatever is called. Every
 * call is wrapped in a host span; spans left open by a trap or `proc_exit` are closed and exported.
 */
export class ModuleInstance {
  /** WASI is set up (or not imported). */
  private wasiReady: boolean;
  /** `_initialize` ran (a reactor). */
  private initialized = false;
  /** `_start` ran (a command). */
  private started = false;

  constructor(
    readonly name: string,
    readonly instance: WebAssembly.Instance,
    private readonly telemetry: ModuleTelemetry,
    private readonly preview1: Preview1 | undefined,
  ) {
    this.wasiReady = preview1 === undefined;
  }

  get exports(): WebAssembly.Exports {
    return this.instance.exports;
  }

  /** A command exports `_start`; a reactor `_initialize` (or neither: a plain library module). */
  get kind(): 'command' | 'reactor' | 'library' {
    return this.hasExport('_start') ? 'command' : this.hasExport('_initialize') ? 'reactor' : 'library';
  }

  /** Spans the module has open. */
  get openSpanCount(): number {
    return this.telemetry.openSpanCount;
  }

  /** Names of the function exports. */
  functionExports(): string[] {
    return Object.entries(this.instance.exports)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
  }

  /**
   * Runs the command (`_start`) in a host span. Resolves to the exit code: 0 when `_start`
   * returns, else the code passed to `proc_exit`. A trap rejects with `guest_trap`; a second
   * run of the same instance with `already_started`.
   */
  async run(options: CallOptions = {}): Promise<number> {
    if (this.kind !== 'command') {
      const available = this.functionExports().filter((name) => name !== '_initialize');
      throw new WasmOtelError(
        'unknown_export',
        `${this.name} is not a WASI command (no _start export)` + (available.length > 0 ? `; use --invoke with one of: ${available.join(', ')}` : ''),
      );
    }
    this.checkNotStarted();
    this.prepareWasi();
    try {
      this.telemetry.call(() => this.start(), withExport('_start', { finalCall: true, ...options }));
      return 0;
    } catch (error) {
      const code = exitCodeOf(error);
      if (code !== undefined) return code;
      throw error;
    }
  }

  /** Calls export `name` with `args` in a host span; see invoke(). */
  async call(name: string, ...args: unknown[]): Promise<unknown> {
    return this.invoke(name, args);
  }

  /**
   * Calls export `name` in a host span (a reactor is initialized first, inside the same span),
   * with options for the host span (its name, its parent context).
   * `_initialize` itself runs once: calling it initializes the reactor (nothing more), and again
   * is refused (`already_started`), as is `_start` after it ran; `_start` resolves to undefined
   * (use `run()` for the exit code).
   */
  async invoke(name: string, args: readonly unknown[] = [], options: CallOptions = {}): Promise<unknown> {
    const fn = this.instance.exports[name];
    if (typeof fn !== 'function') {
      const available = this.functionExports();
      throw new WasmOtelError('unknown_export', `${this.name} has no function export "${name}"` + (available.length > 0 ? ` (it exports: ${available.join(', ')})` : ''));
    }
    // An exported wasm function's length is its parameter count: never a call with missing or extra ones.
    if (args.length !== (fn as (...a: unknown[]) => unknown).length) {
      const count = (fn as (...a: unknown[]) => unknown).length;
      throw new WasmOtelError('invalid_arguments', `${this.name}: ${name} takes ${count === 0 ? 'no arguments' : `${count} argument${count === 1 ? '' : 's'}`}, got ${args.length}`);
    }
    if (name === '_start' && this.kind === 'command') {
      this.checkNotStarted();
      this.prepareWasi();
      return this.telemetry.call(() => this.start(), withExport(name, options));
    }
    if (name === '_initialize' && this.kind === 'reactor') {
      if (this.initialized) throw new WasmOtelError('already_started', `${this.name}: _initialize already ran in this instance (a reactor is initialized once, before its first call)`);
      this.prepareWasi();
      return this.telemetry.call(() => this.initialize(), withExport(name, options));
    }
    this.prepareWasi();
    return this.telemetry.call(() => {
      this.initialize();
      return (fn as (...a: unknown[]) => unknown)(...args);
    }, withExport(name, options));
  }

  /** Closes every span still open (status error, close reason "dispose"). */
  dispose(): void {
    this.telemetry.dispose();
  }

  private checkNotStarted(): void {
    if (this.started) throw new WasmOtelError('already_started', `${this.name}: _start already ran in this instance (a WASI command runs once; instantiate it again)`);
  }

  /** Binds WASI to the exported memory before the first call (node:wasi needs it for any call). */
  private prepareWasi(): void {
    if (this.wasiReady) return;
    const memory = this.instance.exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new WasmOtelError('invalid_module', `${this.name} imports WASI (wasi_snapshot_preview1) but exports no memory named "memory", which WASI needs to run it`);
    }
    this.preview1!.bind(memory);
    this.wasiReady = true;
  }

  private start(): void {
    this.started = true;
    (this.instance.exports._start as () => void)();
  }

  private initialize(): void {
    if (this.initialized || this.kind !== 'reactor') return;
    this.initialized = true;
    (this.instance.exports._initialize as () => void)();
  }

  private hasExport(name: string): boolean {
    return typeof this.instance.exports[name] === 'function';
  }
}

/** The options of a call to export `name`: its host span says which export it was. */
function withExport(name: string, options: CallOptions): CallOptions {
  return { ...options, attributes: { ...exportAttribute(name), ...options.attributes } };
}
