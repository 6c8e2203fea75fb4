import { SpanStatusCode, TraceFlags, type Attributes, type HrTime, type SpanContext, type SpanKind } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AttributeBuilder, NO_ATTRIBUTES } from './attribute-builder.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { ProblemCounter } from './problems.js';
import type { ScopeCache } from './scope-cache.js';
import { toReadableSpan } from './readable-span.js';
import type { SpanReport } from './span-report.js';

/** What the engine knows of a span when it opens (enough to close it for the guest). */
export interface JournalEntry {
  context: SpanContext;
  parentSpanId: string | undefined;
  /** Known only for shapes that name a span at its start. */
  name: string | undefined;
  kind: SpanKind;
  startTime: HrTime;
  /** Instrumentation scope name. */
  scope: string;
  /** The host's own span around a call into the guest (closed as interrupted, not as a guest span). */
  host?: boolean;
}

/**
 * Where the engine notes the spans it holds open, for a reader that may have to close them
 * without the engine's help: when the guest runs on a worker thread that must be stopped
 * (a guest that never calls the host again), the thread that stops it closes what it finds in
 * the journal. Optional: without one nothing is noted.
 */
export interface OpenSpanJournal {
  /** A span was opened; returns a handle for `closed` (-1 when it was not noted). */
  opened(entry: JournalEntry): number;
  /** The span of `handle` is no longer open (ended, exported or dropped). */
  closed(handle: number): void;
}

/** Why spans were closed by someone other than the guest. Exported as `wasm_otel.span.close_reason`. */
export type CloseReason = 'trap' | 'exit' | 'dispose' | 'signal';

export const CLOSE_REASON_ATTRIBUTE = 'wasm_otel.span.close_reason';

/** Counts (and says at info level) that `count` spans left open were closed by the host. */
export function noteOpenSpansClosed(problems: ProblemCounter, count: number, detail: string): void {
  problems.note('open_spans_closed', `${count} ${count === 1 ? 'span' : 'spans'} left open (${detail}): closed with status error and exported`, count);
}
export const UNENDED_SPAN_NAME = 'unended guest span';

/**
 * Closes spans found in a journal: status error with `detail`, the close reason as attribute,
 * ended now. For the thread that stopped a guest's thread: the same spans the engine would have
 * exported had it closed them itself (with what was known at their start).
 */
export function journaledSpansAsEnded(
  entries: readonly JournalEntry[],
  reason: CloseReason,
  detail: string,
  /** The status message of host spans (e.g. `interrupted by SIGTERM`). */
  hostDetail: string,
  endTime: HrTime,
  resource: Resource,
  problems: ProblemCounter,
  scopes: ScopeCache,
  /** Attributes for the host's spans (e.g. an HTTP server span's request and response). */
  hostAttributes: Attributes = {},
): ReadableSpan[] {
  return entries.map((entry) => {
    const attributes = new AttributeBuilder(entry.host ? Object.keys(hostAttributes).length : 1, Infinity);
    if (!entry.host) attributes.add(CLOSE_REASON_ATTRIBUTE, reason);
    else for (const [key, value] of Object.entries(hostAttributes)) if (value !== undefined) attributes.add(key, value);
    const report: SpanReport = {
      spanContext: entry.context,
      parentSpanId: entry.parentSpanId,
      name: entry.name ?? UNENDED_SPAN_NAME,
      kind: entry.kind,
      startTime: entry.startTime,
      endTime,
      attributes,
      events: [],
      links: [],
      status: { code: SpanStatusCode.ERROR, message: entry.host ? hostDetail : detail },
      scope: { name: entry.scope, version: undefined, schemaUrl: undefined, attributes: NO_ATTRIBUTES },
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
    const sampled = (entry.context.traceFlags & TraceFlags.SAMPLED) !== 0;
    return toReadableSpan(report, sampled, resource, DEFAULT_LIMITS, problems, scopes);
  });
}
