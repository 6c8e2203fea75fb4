import type { Attributes } from '@opentelemetry/api';
import type { InstanceSpanState } from '../engine/index.js';
import { signatureText, type FuncSignature } from '../runtime/component-types/index.js';
import { argumentProblem } from './argument-check.js';
import type { ImportTracer } from './import-tracing.js';
import { exportAttribute } from '../telemetry/host-span-attributes.js';
import { WasmOtelError } from './errors.js';
import { cliRunExport, jsExportName, unversioned, witExportName } from './export-names.js';
import { callInHostSpan, exitCodeOf, type CallOptions } from './host-call.js';
import type { HostTelemetry } from './host-telemetry.js';

export type { CallOptions } from './host-call.js';

type ExportMap = Record<string, unknown>;

/**
 * One instantiated guest with its own span state. Every call into it is wrapped in a host span
 * (kind internal) that is the guest's `outer-span-context` during the call.
 */
export class GuestInstance {
  private disposed = false;

  constructor(
    readonly name: string,
    private readonly exportsObject: ExportMap,
    private readonly exportList: readonly [string, 'function' | 'instance'][],
    private readonly state: InstanceSpanState,
    private readonly telemetry: Pick<HostTelemetry, 'tracerForCall'>,
    private readonly signatures: Readonly<Record<string, FuncSignature>> = {},
    /** Attributes of every host span of this instance (see host-span-attributes.ts). */
    private readonly attributes: Attributes = {},
    /** With traceImports: the tracer of this instance's host calls. */
    private readonly importTracer?: ImportTracer,
    /** For an instrumented component: corrects the frame names of its core module in a trap's stack. */
    private readonly fixStack?: (error: unknown) => void,
    /** Lets go of what the instance left on objects it shared with others (see forgetSharedStreamMarks). */
    private readonly release?: () => void,
  ) {}

  /** The raw exports object jco produced (calls through it get no host span). */
  get exports(): ExportMap {
    return this.exportsObject;
  }

  /** Spans the guest has started and not ended. */
  get openSpanCount(): number {
    return this.state.openSpanCount;
  }

  /** Names of the root function exports (WIT names). */
  functionExports(): string[] {
    return this.exportList.filter(([, kind]) => kind === 'function').map(([name]) => witExportName(name));
  }

  /** The WIT signature of a root function export (`func(n: u32) -> string`), if it has one. */
  signatureOf(name: string): FuncSignature | undefined {
    return this.signatures[name];
  }

  /**
   * Calls the root export `name` (its WIT name) with `args`, inside a host span, and resolves to
   * its result as jco lifts it (u64 as bigint, records as objects, ...). Arguments that do not fit
   * the export's parameters are refused with `invalid_arguments` before the guest runs.
   */
  async call(name: string, ...args: unknown[]): Promise<unknown> {
    return this.invoke(name, args);
  }

  /** `call()` with options for the host span (its name, its parent context). */
  async invoke(name: string, args: readonly unknown[] = [], options: CallOptions = {}): Promise<unknown> {
    const jsName = jsExportName(name);
    const fn = this.exportsObject[jsName];
    const isFunction = this.exportList.some(([n, kind]) => n === jsName && kind === 'function');
    if (!isFunction || typeof fn !== 'function') {
      const available = this.functionExports();
      throw new WasmOtelError(
        'unknown_export',
        `${this.name} has no root function export "${name}"` +
          (available.length > 0 ? ` (it exports: ${available.join(', ')})` : ' (it exports no root functions)'),
      );
    }
    const signature = this.signatures[name];
    const problem = signature ? argumentProblem(name, signature, args) : undefined;
    if (problem) throw new WasmOtelError('invalid_arguments', `${this.name}: ${problem}; ${name}: ${signatureText(signature!)}`);
    return this.inHostSpan(name, options, () => (fn as (...a: unknown[]) => unknown)(...args));
  }

  /**
   * Whether the component exports interface `name` (unversioned, e.g. `wasi:http/incoming-handler`)
   * with a function `fn` (its JS name, e.g. `handle`).
   */
  exportsInterface(name: string, fn: string): boolean {
    return typeof this.interfaceExport(name)?.[fn] === 'function';
  }

  /**
   * Calls function `fn` (its JS name) of the exported interface `name` (unversioned) with `args`
   * as jco takes them, synchronously, inside a host span (see CallOptions: its kind, parent,
   * status). For hosts of a world's entry points (the HTTP server's `incoming-handler.handle`).
   */
  callInterface(name: string, fn: string, args: readonly unknown[], options: CallOptions = {}): unknown {
    const target = this.interfaceExport(name)?.[fn];
    if (typeof target !== 'function') throw new WasmOtelError('unknown_export', `${this.name} does not export ${name} with function ${fn}`);
    const telemetry = { name: this.name, state: this.state, tracer: this.telemetry.tracerForCall(this.name), attributes: { ...this.attributes, ...exportAttribute(`${name}#${fn}`) }, ...(this.importTracer ? { importTracer: this.importTracer } : {}), ...(this.fixStack ? { fixStack: this.fixStack } : {}) };
    return callInHostSpan(telemetry, options, () => (target as (...a: unknown[]) => unknown)(...args));
  }

  private interfaceExport(name: string): Record<string, unknown> | undefined {
    const entry = this.exportList.find(([key, kind]) => kind === 'instance' && unversioned(key) === name);
    const value = entry ? this.exportsObject[entry[0]] : undefined;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  }

  /**
   * Runs the component's `wasi:cli/run` export as a command. Resolves to the exit code
   * (0 on success, 1 for `err`, or the code the guest passed to `exit`). Traps reject.
   */
  async run(options: CallOptions = {}): Promise<number> {
    const runName = cliRunExport(this.exportList);
    const runInstance = runName ? ((this.exportsObject[runName] ?? this.exportsObject.run) as { run?: () => unknown }) : undefined;
    if (!runInstance || typeof runInstance.run !== 'function') {
      const available = this.functionExports();
      throw new WasmOtelError(
        'unknown_export',
        `${this.name} does not export wasi:cli/run` + (available.length > 0 ? `; use --invoke with one of: ${available.join(', ')}` : ''),
      );
    }
    try {
      await this.inHostSpan(`${runName}#run`, { finalCall: true, ...options }, () => runInstance.run!());
      return 0;
    } catch (error) {
      const code = exitCodeOf(error);
      if (code !== undefined) return code;
      if (error instanceof WasmOtelError && error.code === 'guest_error') return 1;
      throw error;
    }
  }

  /** Closes every span the guest left open (status error, close reason "dispose"). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.state.closeOpenSpans('dispose', 'span still open when the guest instance was disposed');
    this.state.release();
    this.release?.();
  }

  private async inHostSpan(exportName: string, options: CallOptions, body: () => unknown): Promise<unknown> {
    // The app's providers as they are now (it may have registered or swapped them since).
    const target = { name: this.name, state: this.state, tracer: this.telemetry.tracerForCall(this.name), attributes: { ...this.attributes, ...exportAttribute(exportName) }, ...(this.importTracer ? { importTracer: this.importTracer } : {}), ...(this.fixStack ? { fixStack: this.fixStack } : {}) };
    return callInHostSpan(target, options, body);
  }
}
