import { SpanKind, SpanStatusCode, context as otelContext, trace, type Attributes, type Context, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import type { CloseReason, InstanceSpanState } from '../engine/index.js';
import { GuestInterrupted } from '../runtime/guest-interrupt.js';
import { GuestExit } from '../runtime/wasi-imports.js';
import { WasmOtelError, oneLine } from './errors.js';
import { withImportTracer, type ImportTracer } from './import-tracing.js';

/** Options for one call into a guest. */
export interface CallOptions {
  /**
   * The status message of the guest's spans closed when the call is interrupted (given the
   * signal's number); default `span still open when the run was interrupted by SIGTERM`.
   */
  interruptedDetail?: (signal: number) => string;
  /** Name of the host span around the call (default: the guest's name). */
  spanName?: string;
  /** Parent of the host span (default: the active OTel context). */
  parentContext?: Context;
  /** More attributes of the host span (beside the guest's own: see HOST_SPAN_ATTRIBUTES). */
  attributes?: Attributes;
  /**
   * The guest is finished after this call (a command): spans it left open are closed (status
   * error, `wasm_otel.span.close_reason` = "exit") before the host span ends.
   */
  finalCall?: boolean;
  /** Kind of the host span (default internal; an HTTP request's is server). */
  kind?: SpanKind;
  /**
   * Called just before the host span ends, with the call's failure if it failed; it sets the
   * span's status itself (without it: ok on success).
   */
  settle?: (span: Span, failure?: WasmOtelError) => void;
  /** Spans the guest left open when the call returns are closed (a request is over), with this detail. */
  closeLeftOpen?: string;
}

/** The guest a call goes into. */
export interface HostCallTarget {
  readonly name: string;
  /** Attributes every host span of this guest carries (its name, hash, shape...). */
  readonly attributes?: Attributes;
  readonly state: InstanceSpanState;
  readonly tracer: Tracer;
  /** Receives the guest's host calls on resource methods during the call (traceImports). */
  readonly importTracer?: ImportTracer;
  /** Corrects the error's stack before it is recorded (an instrumented module's frame names). */
  readonly fixStack?: (error: unknown) => void;
}

/**
 * Runs `body` (a call into the guest) inside a host span (kind internal) that is the guest's
 * outer span context. A trap, an exit or an error result closes the spans the guest left open
 * and is rethrown as a WasmOtelError (`guest_trap`, `guest_exit`, `guest_error`).
 */
export function callInHostSpan<T>(target: HostCallTarget, options: CallOptions, body: () => T): T {
  const parent = options.parentContext ?? otelContext.active();
  const attributes = { ...target.attributes, ...options.attributes };
  const span = target.tracer.startSpan(options.spanName ?? target.name, { kind: options.kind ?? SpanKind.INTERNAL, attributes }, parent);
  // The SDK's spans carry their start time; other providers' spans leave the engine's own clock.
  target.state.enterCall(span.spanContext(), (span as { startTime?: HrTime }).startTime, span);
  try {
    const result = otelContext.with(trace.setSpan(parent, span), () => withImportTracer(target.importTracer, body));
    if (options.finalCall) target.state.closeOpenSpans('exit', 'span still open when the guest exited');
    else if (options.closeLeftOpen !== undefined) target.state.closeOpenSpans('exit', options.closeLeftOpen);
    if (options.settle) options.settle(span);
    else span.setStatus({ code: SpanStatusCode.OK });
    return result;
  } catch (error) {
    const failure = failed(target, error, span, options);
    options.settle?.(span, failure);
    throw failure;
  } finally {
    target.state.leaveCall();
    span.end();
  }
}

/** Classifies a failed call, closes what the guest left open, marks the host span. */
function failed(target: HostCallTarget, error: unknown, span: Span, options: CallOptions): WasmOtelError {
  const close = (reason: CloseReason, detail: string): void => {
    target.state.closeOpenSpans(reason, detail);
  };
  if (error instanceof GuestExit) {
    close('exit', `span still open when the guest exited with code ${error.code}`);
    if (error.code === 0) {
      span.setStatus({ code: SpanStatusCode.OK });
    } else {
      span.setStatus({ code: SpanStatusCode.ERROR, message: `guest exited with code ${error.code}` });
    }
    span.setAttribute('process.exit.code', error.code);
    return new WasmOtelError('guest_exit', `${target.name} exited with code ${error.code}`, { cause: error });
  }
  if (error instanceof GuestInterrupted) {
    close('signal', options.interruptedDetail?.(error.signal) ?? `span still open when the run was interrupted by ${error.signalName}`);
    span.setStatus({ code: SpanStatusCode.ERROR, message: `interrupted by ${error.signalName}` });
    return new WasmOtelError('interrupted', `${target.name} was interrupted by ${error.signalName}`, { cause: error });
  }
  if (isArgumentError(error)) {
    // Thrown by jco's lowering of the arguments before the guest ran: nothing of the guest to close.
    span.setStatus({ code: SpanStatusCode.ERROR, message: `invalid arguments: ${oneLine(error)}` });
    return new WasmOtelError('invalid_arguments', `${target.name}: the arguments do not fit the export: ${oneLine(error)}`, { cause: error });
  }
  if (isComponentError(error)) {
    close('exit', 'span still open when the guest returned an error');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'guest returned an error' });
    return new WasmOtelError('guest_error', `${target.name} returned an error: ${oneLine(error)}`, { cause: error });
  }
  const reason = oneLine(error);
  target.fixStack?.(error);
  close('trap', `span still open when the guest trapped: ${reason}`);
  span.recordException(error instanceof Error ? error : new Error(reason));
  span.setStatus({ code: SpanStatusCode.ERROR, message: `guest trapped: ${reason}` });
  return new WasmOtelError('guest_trap', `${target.name} trapped: ${reason}`, { cause: error });
}

/**
 * A TypeError or RangeError raised in JS with no WebAssembly frame on its stack: jco refusing the
 * host's arguments while lowering them (`expected a string`, a missing record field, a BigInt
 * where a number goes), not something the guest did. Errors the guest causes come out of wasm
 * (traps are RuntimeErrors; a host import failing under the guest has wasm frames below it).
 */
function isArgumentError(error: unknown): boolean {
  if (!(error instanceof TypeError || error instanceof RangeError)) return false;
  return !/\bwasm:\/\/|wasm-function\[/.test(error.stack ?? '');
}

function isComponentError(error: unknown): boolean {
  return error instanceof Error && error.constructor?.name === 'ComponentError';
}

/** The exit code of a failed call: the guest's own for an exit, undefined for anything else. */
export function exitCodeOf(error: unknown): number | undefined {
  return error instanceof WasmOtelError && error.code === 'guest_exit' ? (error.cause as GuestExit).code : undefined;
}
