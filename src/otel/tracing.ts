import type { AttributeValue, SpanContext } from '@opentelemetry/api';
import { spanAttributes, type InstanceSpanState, type StartDetails } from '../engine/index.js';
import { decodeAttributes } from './key-values.js';
import { quoted } from './messages.js';
import type { LiftBudget } from '../runtime/lift-budget.js';
import { reportLiftCuts, unliftedEntries } from './lift-cuts.js';
import { spanContextFromGuest, spanContextToGuest, spanIdFrom, traceIdFrom } from './span-context.js';
import { KINDS, decodeSpanData, type DecodeContext } from './span-data.js';
import { READ_SPAN_CONTEXT, READ_SPAN_DATA, createSpanReaders } from './span-data-reader.js';
import { optionalTimeFrom } from './time.js';
import type { WitSpanContext, WitSpanData } from './wit-types.js';

/** The functions of `wasi:otel/tracing` a guest imports (every published name on one object). */
export interface TracingImports {
  /** `on-start(context)`; draft-2025-03: `on-start(span, parent)`. */
  onStart(context: WitSpanContext | WitSpanData, parent?: WitSpanContext): void;
  onEnd(span: WitSpanData): void;
  outerSpanContext(): WitSpanContext;
  currentSpanContext(): WitSpanContext;
}

/**
 * The host side of `wasi:otel/tracing` for one guest instance: decode and validate, then call
 * the instance's span state. Never throws into the guest: a StarlingMonkey guest that sees an
 * exception from an import is trapped for good.
 */
export function createTracingImports(state: InstanceSpanState, decode: Omit<DecodeContext, 'openContext'>, currentSpanIsHostSpan: boolean, lift?: LiftBudget): TracingImports {
  const { limits, problems } = decode;
  const cx: DecodeContext = { ...decode, openContext: (spanId) => state.openSpanContext(spanId) };
  const guard = (what: string, error: unknown): void =>
    problems.hostError(what, error);
  const cache = new GuestContextCache();

  const imports: TracingImports = {
    onStart(context, parent) {
      try {
        reportLiftCuts(lift, () => 'on-start', problems);
        if (parent !== undefined || 'spanContext' in context) {
          startFromSpanData(context as WitSpanData, parent, state, cx);
          return;
        }
        const spanContext = spanContextFromGuest(context, 'on-start', limits, problems);
        if (spanContext) state.guestSpanStarted(spanContext);
      } catch (error) {
        guard('on-start', error);
      }
    },
    onEnd(span) {
      try {
        const cut = reportLiftCuts(lift, () => `on-end of span ${quoted(span?.spanContext?.spanId)} (${quoted(span?.name)})`, problems);
        const report = decodeSpanData(span, cut ? { ...cx, recordCut: true } : cx);
        if (report && cut) {
          // What the budget did not lift still counts in the span's dropped counts.
          const unlifted = unliftedEntries(lift);
          report.attributes.reject(unlifted.attributes);
          report.droppedEventsCount += unlifted.events;
          report.droppedLinksCount += unlifted.links;
        }
        if (report) state.guestSpanEnded(report);
      } catch (error) {
        guard('on-end', error);
      }
    },
    outerSpanContext() {
      try {
        return cache.toGuest(state.guestOuterSpanContext());
      } catch (error) {
        guard('outer-span-context', error);
        return INVALID_GUEST_CONTEXT;
      }
    },
    currentSpanContext() {
      try {
        return cache.toGuest(currentSpanIsHostSpan ? state.guestOuterSpanContext() : state.currentSpanContext());
      } catch (error) {
        guard('current-span-context', error);
        return INVALID_GUEST_CONTEXT;
      }
    },
  };
  // The glue reads the records straight from guest memory with these, where its lift is the
  // one they replace (see span-data-reader.ts); anything they do not take comes through the above.
  const readers = createSpanReaders({ state, limits, problems, lift });
  Object.defineProperty(imports.onEnd, READ_SPAN_DATA, { value: readers.readSpanData });
  Object.defineProperty(imports.onStart, READ_SPAN_CONTEXT, { value: readers.readSpanContext });
  return imports;
}

/**
 * draft-2025-03's `on-start(span, parent)`: the span's data so far plus its parent's context.
 * The parent is the span's own `parent-span-id` when set, else `parent` when it is in the same
 * trace; name, kind, start time and attributes are kept for a span that never ends.
 */
function startFromSpanData(span: WitSpanData, parent: WitSpanContext | undefined, state: InstanceSpanState, cx: DecodeContext): void {
  const spanContext = spanContextFromGuest(span?.spanContext, 'on-start', cx.limits, cx.problems);
  if (!spanContext) return;
  const what = () => `span ${spanContext.spanId}`;
  const details: StartDetails = { name: String(span.name), kind: KINDS[span.spanKind] };
  if (span.parentSpanId) {
    details.parentSpanId = spanIdFrom(span.parentSpanId);
    if (!details.parentSpanId) cx.problems.report('invalid_parent_span_id', `on-start span ${spanContext.spanId}: parent span id ${quoted(span.parentSpanId)} is invalid`);
  } else if (parent !== undefined) {
    // An invalid (e.g. all-zero) parent context means "no parent"; traceIdFrom/spanIdFrom reject it.
    const parentSpanId = spanIdFrom(parent?.spanId);
    if (parentSpanId && traceIdFrom(parent.traceId) === spanContext.traceId) details.parentSpanId = parentSpanId;
  }
  details.startTime = optionalTimeFrom(span.startTime, what, 'start time', cx);
  if (span.attributes?.length) {
    details.attributes = Object.entries(decodeAttributes(span.attributes, spanAttributes(cx.limits), what, '', cx).values) as [string, AttributeValue][];
  }
  state.guestSpanStarted(spanContext, details);
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
