import { SpanKind, SpanStatusCode, TraceFlags, type SpanContext, type SpanStatus } from '@opentelemetry/api';
import {
  NO_ATTRIBUTES,
  eventAttributes,
  linkAttributes,
  spanAttributes,
  type EventReport,
  type LinkReport,
  type SpanReport,
} from '../engine/index.js';
import { timeFrom } from './time.js';
import { cutName, decodeAttributes, decodeBoundedAttributes, type DecodeContext as BaseDecodeContext } from './key-values.js';
import { quoted, subject, type Subject } from './messages.js';
import { spanContextFromGuest, spanIdFrom } from './span-context.js';
import type { WitSpanData, WitSpanKind, WitStatus } from './wit-types.js';

/** Decoding context of spans: also the spans still open. */
export interface DecodeContext extends BaseDecodeContext {
  /** The validated context of a span still open under this id, if any (saves decoding it again). */
  openContext?: (spanId: string) => SpanContext | undefined;
}

export const KINDS: Record<WitSpanKind, SpanKind> = {
  client: SpanKind.CLIENT,
  server: SpanKind.SERVER,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

/**
 * Decodes a wasi:otel `span-data` (any shape) into a SpanReport for the engine.
 * Returns undefined (reported) only when the span's own ids are invalid; any other bad part is
 * reported and dropped or repaired, and the rest of the span kept.
 */
export function decodeSpanData(data: WitSpanData, cx: DecodeContext): SpanReport | undefined {
  // Messages are only built when something is wrong: this runs for every guest span.
  const spanContext =
    sameAsOpen(data.spanContext, cx) ??
    spanContextFromGuest(data.spanContext, () => `on-end span ${quoted(data.name)}`, cx.limits, cx.problems);
  if (!spanContext) return undefined;
  const what: Subject = () => `span ${spanContext.spanId}`;

  let parentSpanId: string | undefined;
  if (data.parentSpanId !== '') {
    parentSpanId = spanIdFrom(data.parentSpanId);
    if (!parentSpanId) cx.problems.report('invalid_parent_span_id', `${subject(what)}: parent span id ${quoted(data.parentSpanId)} is invalid; exported as a root span`);
  }

  let kind = KINDS[data.spanKind];
  if (kind === undefined) {
    cx.problems.report('invalid_span_kind', `${subject(what)}: unknown span kind ${quoted(data.spanKind)}; using internal`);
    kind = SpanKind.INTERNAL;
  }

  const startTime = timeFrom(data.startTime, what, 'start time', cx);
  let endTime = timeFrom(data.endTime, what, 'end time', cx);
  if (endTime[0] < startTime[0] || (endTime[0] === startTime[0] && endTime[1] < startTime[1])) {
    cx.problems.report('end_before_start', `${subject(what)}: end time is before start time; end set to start`);
    endTime = startTime;
  }

  const attributes = decodeAttributes(data.attributes, spanAttributes(cx.limits), what, '', cx);
  attributes.reject(count(data.droppedAttributes));
  // Events and links past the limits are counted, not decoded.
  const events: EventReport[] = [];
  const guestEvents = data.events ?? [];
  const eventCount = Math.min(guestEvents.length, cx.limits.eventCountLimit);
  for (let i = 0; i < eventCount; i++) {
    const event = guestEvents[i]!;
    events.push({
      name: String(event.name),
      time: timeFrom(event.time, what, 'event time', cx),
      attributes: event.attributes.length === 0 ? NO_ATTRIBUTES : decodeAttributes(event.attributes, eventAttributes(cx.limits), what, ' event', cx),
    });
  }
  const eventsOver = guestEvents.length - eventCount;
  if (eventsOver > 0) cx.problems.report('events_dropped', `${subject(what)} had ${guestEvents.length} events, kept ${eventCount}`, eventsOver);
  const links: LinkReport[] = [];
  let badLinks = 0;
  const guestLinks = data.links ?? [];
  const linkCount = Math.min(guestLinks.length, cx.limits.linkCountLimit);
  for (let i = 0; i < linkCount; i++) {
    const link = guestLinks[i]!;
    const context = spanContextFromGuest(link.spanContext, () => `${subject(what)} link`, cx.limits, cx.problems);
    if (!context) {
      badLinks++;
      continue;
    }
    links.push({ context, attributes: decodeAttributes(link.attributes, linkAttributes(cx.limits), what, ' link', cx) });
  }
  const linksOver = guestLinks.length - linkCount;
  if (linksOver > 0) cx.problems.report('links_dropped', `${subject(what)} had ${guestLinks.length} links, kept ${linkCount}`, linksOver);
  const scope = data.instrumentationScope;

  return {
    spanContext,
    parentSpanId,
    name: String(data.name),
    kind,
    startTime,
    endTime,
    attributes,
    events,
    links,
    status: statusFrom(data.status, what, cx),
    scope: {
      name: cutName(String(scope?.name ?? ''), what, 'scope name', cx),
      version: typeof scope?.version === 'string' ? cutName(scope.version, what, 'scope version', cx) : undefined,
      schemaUrl: typeof scope?.schemaUrl === 'string' ? cutName(scope.schemaUrl, what, 'scope schema URL', cx) : undefined,
      attributes: !scope?.attributes?.length ? NO_ATTRIBUTES : decodeBoundedAttributes(scope.attributes, spanAttributes(cx.limits), what, ' scope', cx),
    },
    droppedEventsCount: count(data.droppedEvents) + eventsOver,
    droppedLinksCount: count(data.droppedLinks) + badLinks + linksOver,
  };
}

export const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
export const OK: SpanStatus = Object.freeze({ code: SpanStatusCode.OK });

function statusFrom(status: WitStatus, what: Subject, cx: DecodeContext): SpanStatus {
  switch (status?.tag) {
    case 'unset':
      return UNSET;
    case 'ok':
      return OK;
    case 'error':
      return { code: SpanStatusCode.ERROR, message: String(status.val ?? '') };
    default:
      cx.problems.report('invalid_status', `${subject(what)}: unknown status; using unset`);
      return UNSET;
  }
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}

/** The context on-start recorded, when on-end repeats it exactly (the usual case). */
function sameAsOpen(context: WitSpanData['spanContext'], cx: DecodeContext): SpanContext | undefined {
  const open = cx.openContext?.(context.spanId);
  if (
    open !== undefined &&
    open.traceId === context.traceId &&
    open.traceState === undefined &&
    context.traceState.length === 0 &&
    open.isRemote === context.isRemote &&
    (open.traceFlags & TraceFlags.SAMPLED) === (context.traceFlags.sampled ? TraceFlags.SAMPLED : 0)
  ) {
    return open;
  }
  return undefined;
}
