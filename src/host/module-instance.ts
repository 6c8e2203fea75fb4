import { WasmOtelError } from './errors.js';
import { exitCodeOf, type CallOptions } from './host-call.js';
import type { ModuleTelemetry } from './module-telemetry.js';
import type { Preview1 } from '../runtime/preview1.js';

/**
 * One instance of a core module run the way a WASI CLI runs it: `run()` calls `_start` (a
 * command); `call(name)` calls an export, after `_initialize` for a reactor. Every call is
 * wrapped in a host span; spans left open by a trap or `proc_exit` are closed and exported.
 */
export class ModuleInstance {
  private initialized = false;

  constructor(
    readonly name: string,
    readonly instance: WebAssembly.Instance,
    private readonly telemetry: ModuleTelemetry,
    private readonly preview1: Preview1 | undefined,
  ) {}

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
   * returns, else the code passed to `proc_exit`. A trap rejects with `guest_trap`.
   */
  async run(options: CallOptions = {}): Promise<number> {
    if (this.kind !== 'command') {
      const available = this.functionExports().filter((name) => name !== '_initialize');
      throw new WasmOtelError(
        'unknown_export',
        `${this.name} is not a WASI command (no _start export)` + (available.length > 0 ? `; use --invoke with one of: ${available.join(', ')}` : ''),
      );
    }
    try {
      this.telemetry.call(() => this.start(), { finalCall: true, ...options });
      return 0;
    } catch (error) {
      const code = exitCodeOf(error);
      if (code !== undefined) return code;
      throw error;
    }
  }

  /** Calls export `name` with `args` in a host span (a reactor is initialized first, inside the same span). */
  async call(name: string, ...args: unknown[]): Promise<unknown> {
    return this.invoke(name, args);
  }

  /** `call()` with options for the host span (its name, its parent context). */
  async invoke(name: string, args: readonly unknown[] = [], options: CallOptions = {}): Promise<unknown> {
    const fn = this.instance.exports[name];
    if (typeof fn !== 'function') {
      const available = this.functionExports();
      throw new WasmOtelError('unknown_export', `${this.name} has no function export "${name}"` + (available.length > 0 ? ` (it exports: ${available.join(', ')})` : ''));
    }
    return this.telemetry.call(() => {
      this.initialize();
      return (fn as (...a: unknown[]) => unknown)(...args);
    }, options);
  }

  /** Closes every span still open (status error, close reason "dispose"). */
  dispose(): void {
    this.telemetry.dispose();
  }

  private start(): void {
    this.initialized = true;
    if (this.preview1) this.preview1.start(this.instance);
    else (this.instance.exports._start as () => void)();
  }

  private initialize(): void {
    if (this.initialized || this.kind !== 'reactor') return;
    this.initialized = true;
    if (this.preview1) this.preview1.initialize(this.instance);
    else (this.instance.exports._initialize as () => void)();
  }

  private hasExport(name: string): boolean {
    return typeof this.instance.exports[name] === 'function';
  }
}
