/**
 * One finished span as the text of Chrome Trace Event Format events: a complete event (`ph: X`)
 * for the span and an instant event (`ph: i`, thread scope) per span event. The text is built
 * directly (no event objects) because the writer streams every span of a run; times are written
 * as exact decimal microseconds, so the file keeps the nanoseconds the span had and a reader
 * rounds them only once, to its own doubles.
 */
import { SpanKind, SpanStatusCode, type Attributes, type AttributeValue, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** The OpenTelemetry fields of a span, in its complete event's `args` (beside its attributes). */
export const CHROME_TRACE_ARGS = Object.freeze({
  traceId: 'otel.trace_id',
  spanId: 'otel.span_id',
  parentSpanId: 'otel.parent_span_id',
  kind: 'otel.kind',
  statusCode: 'otel.status_code',
  statusMessage: 'otel.status_message',
  scope: 'otel.scope',
  links: 'otel.links',
});

const KIND_NAMES: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

const STATUS_NAMES: Record<SpanStatusCode, string> = {
  [SpanStatusCode.UNSET]: 'UNSET',
  [SpanStatusCode.OK]: 'OK',
  [SpanStatusCode.ERROR]: 'ERROR',
};

/** Where a span is drawn: its process (trace) and thread (instance lane). */
export interface EventPlace {
  pid: number;
  tid: number;
}

/** `{"ph":"M",...}` naming a process (`process_name`) or a thread (`thread_name`). */
export function metadataEvent(kind: 'process_name' | 'thread_name', pid: number, tid: number, name: string): string {
  return `{"ph":"M","pid":${pid},"tid":${tid},"name":"${kind}","args":{"name":${JSON.stringify(name)}}}`;
}

/** Whole nanoseconds since the Unix epoch split as [whole microseconds, nanoseconds 0..999]. */
function microsParts(time: HrTime): [number, number] {
  const nanos = Math.round(time[1]);
  return [time[0] * 1_000_000 + Math.floor(nanos / 1000), nanos % 1000];
}

/** `1733220000123456.789`: exact decimal microseconds (trailing zeros of the fraction left out). */
export function microsText(whole: number, nanos: number): string {
  if (nanos === 0) return String(whole);
  return `${whole}.${String(nanos).padStart(3, '0').replace(/0+$/, '')}`;
}

/** A point in time as exact decimal microseconds since the Unix epoch. */
export function timestampText(time: HrTime): string {
  const [whole, nanos] = microsParts(time);
  return microsText(whole, nanos);
}

/** A duration of whole nanoseconds (>= 0) as exact decimal microseconds. */
export function durationText(nanos: number): string {
  const clamped = Math.max(0, Math.round(nanos));
  return microsText(Math.floor(clamped / 1000), clamped % 1000);
}

/** Nanoseconds from `from` to `to` (exact while the span is shorter than ~104 days). */
export function nanosBetween(from: HrTime, to: HrTime): number {
  return (to[0] - from[0]) * 1e9 + (to[1] - from[1]);
}

/** An attribute value as JSON: as it is, bytes (Uint8Array) as base64, arrays as arrays. */
function attributeJson(value: AttributeValue | Uint8Array | undefined): string {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : attributeJson(item as AttributeValue))).join(',')}]`;
  if (typeof value === 'bigint') return JSON.stringify(String(value));
  // Numbers JSON cannot hold (NaN, Infinity) become null, as JSON.stringify writes them.
  return JSON.stringify(value) ?? 'null';
}

/** `"key":value,...` of the attributes (no braces), for `args`. */
function attributesText(attributes: Attributes | undefined, own: Set<string>): string[] {
  const out: string[] = [];
  if (attributes === undefined) return out;
  for (const key of Object.keys(attributes)) {
    // The exporter's own `otel.*` fields are written after the attributes; a same-named attribute gives way.
    if (own.has(key)) continue;
    out.push(`${JSON.stringify(key)}:${attributeJson(attributes[key] as AttributeValue | Uint8Array | undefined)}`);
  }
  return out;
}

const OWN_SPAN_ARGS = new Set(Object.values(CHROME_TRACE_ARGS));
const OWN_EVENT_ARGS = new Set([CHROME_TRACE_ARGS.spanId]);

/** The complete event of a span. */
export function completeEvent(span: ReadableSpan, place: EventPlace): string {
  const context = span.spanContext();
  const scope = span.instrumentationScope.name;
  const args = attributesText(span.attributes, OWN_SPAN_ARGS);
  args.push(`"${CHROME_TRACE_ARGS.traceId}":"${context.traceId}"`, `"${CHROME_TRACE_ARGS.spanId}":"${context.spanId}"`);
  const parent = span.parentSpanContext?.spanId;
  if (parent) args.push(`"${CHROME_TRACE_ARGS.parentSpanId}":${JSON.stringify(parent)}`);
  args.push(`"${CHROME_TRACE_ARGS.kind}":"${KIND_NAMES[span.kind] ?? 'internal'}"`, `"${CHROME_TRACE_ARGS.statusCode}":"${STATUS_NAMES[span.status.code] ?? 'UNSET'}"`);
  if (span.status.message) args.push(`"${CHROME_TRACE_ARGS.statusMessage}":${JSON.stringify(span.status.message)}`);
  args.push(`"${CHROME_TRACE_ARGS.scope}":${JSON.stringify(scope)}`);
  if (span.links.length > 0) args.push(`"${CHROME_TRACE_ARGS.links}":${JSON.stringify(span.links.map((link) => `${link.context.traceId}/${link.context.spanId}`))}`);
  const ts = timestampText(span.startTime);
  const dur = durationText(nanosBetween(span.startTime, span.endTime));
  return `{"ph":"X","pid":${place.pid},"tid":${place.tid},"name":${JSON.stringify(span.name)},"cat":${JSON.stringify(scope)},"ts":${ts},"dur":${dur},"args":{${args.join(',')}}}`;
}

/** The instant events (thread scope) of a span's events, on the span's place. */
export function instantEvents(span: ReadableSpan, place: EventPlace): string[] {
  if (span.events.length === 0) return [];
  const spanIdArg = `"${CHROME_TRACE_ARGS.spanId}":"${span.spanContext().spanId}"`;
  return span.events.map((event) => {
    const args = attributesText(event.attributes, OWN_EVENT_ARGS);
    args.push(spanIdArg);
    return `{"ph":"i","s":"t","pid":${place.pid},"tid":${place.tid},"name":${JSON.stringify(event.name)},"ts":${timestampText(event.time)},"args":{${args.join(',')}}}`;
  });
}
