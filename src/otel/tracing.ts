import type { SpanContext } from '@opentelemetry/api';
import type { EngineLimits, InstanceSpanState, ProblemCounter } from '../engine/index.js';
import { spanContextFromGuest, spanContextToGuest } from './span-context.js';
import { decodeSpanData, type DecodeContext } from './span-data.js';
import type { WitSpanContext, WitSpanData } from './wit-types.js';

/** The functions of `wasi:otel/tracing` a guest imports (every published name on one object). */
export interface TracingImports {
  onStart(context: WitSpanContext): void;
  onEnd(span: WitSpanData): void;
  outerSpanContext(): WitSpanContext;
  currentSpanContext(): WitSpanContext;
}

/**
 * The host side of `wasi:otel/tracing` for one guest instance: decode and validate, then call
 * the instance's span state. Never throws into the guest: a StarlingMonkey guest that sees an
 * exception from an import is trapped for good.
 */
export function createTracingImports(state: InstanceSpanState, limits: EngineLimits, problems: ProblemCounter): TracingImports {
  const cx: DecodeContext = { limits, problems, openContext: (spanId) => state.openSpanContext(spanId) };
  const guard = (what: string, error: unknown): void =>
    problems.report('host_error', `${what} failed inside the host: ${error instanceof Error ? error.message : String(error)}`);
  const cache = new GuestContextCache();

  return {
    onStart(context) {
      try {
        const spanContext = spanContextFromGuest(context, 'on-start', limits, problems);
        if (spanContext) state.guestSpanStarted(spanContext);
      } catch (error) {
        guard('on-start', error);
      }
    },
    onEnd(span) {
      try {
        const report = decodeSpanData(span, cx);
        if (report) state.guestSpanEnded(report);
      } catch (error) {
        guard('on-end', error);
      }
    },
    outerSpanContext() {
      try {
        return cache.toGuest(state.outerSpanContext());
      } catch (error) {
        guard('outer-span-context', error);
        return INVALID_GUEST_CONTEXT;
      }
    },
    currentSpanContext() {
      try {
        return cache.toGuest(state.currentSpanContext());
      } catch (error) {
        guard('current-span-context', error);
        return INVALID_GUEST_CONTEXT;
      }
    },
  };
}

const INVALID_GUEST_CONTEXT: WitSpanContext = {
  traceId: '00000000000000000000000000000000',
  spanId: '0000000000000000',
  traceFlags: { sampled: false },
  isRemote: false,
  traceState: [],
};

/** Converting a context for the guest allocates; guests ask for the same one many times. */
class GuestContextCache {
  private last: SpanContext | undefined;
  private lastGuest: WitSpanContext = INVALID_GUEST_CONTEXT;

  toGuest(context: SpanContext): WitSpanContext {
    if (context !== this.last) {
      this.last = context;
      this.lastGuest = spanContextToGuest(context);
    }
    return this.lastGuest;
  }
}
