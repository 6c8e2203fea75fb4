import { SpanKind, SpanStatusCode, context as otelContext, trace, type Context, type HrTime, type Tracer } from '@opentelemetry/api';
import type { CloseReason, InstanceSpanState } from '../engine/index.js';
import { GuestExit } from '../runtime/wasi-imports.js';
import { WasmOtelError, oneLine } from './errors.js';
import { cliRunExport, jsExportName, witExportName } from './export-names.js';

/** Options for one call into the guest. */
export interface CallOptions {
  /** Name of the host span around the call (default: the component's name). */
  spanName?: string;
  /** Parent of the host span (default: the active OTel context). */
  parentContext?: Context;
  /**
   * The guest is finished after this call (a command): spans it left open are closed (status
   * error, `wasm_otel.span.close_reason` = "exit") before the host span ends.
   */
  finalCall?: boolean;
}

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
    private readonly tracer: Tracer,
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

  /** Calls a root export `name: func(...)` by its WIT name, inside a host span. */
  async call(name: string, args: unknown[] = [], options: CallOptions = {}): Promise<unknown> {
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
    return this.inHostSpan(options, () => (fn as (...a: unknown[]) => unknown)(...args));
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
      await this.inHostSpan({ finalCall: true, ...options }, () => runInstance.run!());
      return 0;
    } catch (error) {
      if (error instanceof WasmOtelError && error.code === 'guest_exit') return (error.cause as GuestExit).code;
      if (error instanceof WasmOtelError && error.code === 'guest_error') return 1;
      throw error;
    }
  }

  /** Closes every span the guest left open (status error, close reason "dispose"). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.state.closeOpenSpans('dispose', 'span still open when the guest instance was disposed');
  }

  private async inHostSpan(options: CallOptions, body: () => unknown): Promise<unknown> {
    const parent = options.parentContext ?? otelContext.active();
    const span = this.tracer.startSpan(options.spanName ?? this.name, { kind: SpanKind.INTERNAL }, parent);
    // The SDK's spans carry their start time; other providers' spans leave the engine's own clock.
    this.state.enterCall(span.spanContext(), (span as { startTime?: HrTime }).startTime);
    try {
      const result = otelContext.with(trace.setSpan(parent, span), body);
      if (options.finalCall) this.closeOpen('exit', 'span still open when the guest exited');
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (error) {
      throw this.failed(error, span);
    } finally {
      this.state.leaveCall();
      span.end();
    }
  }

  /** Classifies a failed call, closes what the guest left open, marks the host span. */
  private failed(error: unknown, span: ReturnType<Tracer['startSpan']>): WasmOtelError {
    if (error instanceof GuestExit) {
      this.closeOpen('exit', `span still open when the guest exited with code ${error.code}`);
      if (error.code === 0) {
        span.setStatus({ code: SpanStatusCode.OK });
      } else {
        span.setStatus({ code: SpanStatusCode.ERROR, message: `guest exited with code ${error.code}` });
      }
      span.setAttribute('process.exit.code', error.code);
      return new WasmOtelError('guest_exit', `${this.name} exited with code ${error.code}`, { cause: error });
    }
    if (isComponentError(error)) {
      this.closeOpen('exit', 'span still open when the guest returned an error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'guest returned an error' });
      return new WasmOtelError('guest_error', `${this.name} returned an error: ${oneLine(error)}`, { cause: error });
    }
    const reason = oneLine(error);
    this.closeOpen('trap', `span still open when the guest trapped: ${reason}`);
    span.recordException(error instanceof Error ? error : new Error(reason));
    span.setStatus({ code: SpanStatusCode.ERROR, message: `guest trapped: ${reason}` });
    return new WasmOtelError('guest_trap', `${this.name} trapped: ${reason}`, { cause: error });
  }

  private closeOpen(reason: CloseReason, detail: string): void {
    this.state.closeOpenSpans(reason, detail);
  }
}

function isComponentError(error: unknown): boolean {
  return error instanceof Error && error.constructor?.name === 'ComponentError';
}
