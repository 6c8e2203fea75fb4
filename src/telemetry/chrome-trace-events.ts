/**
 * One finished span as the text of Chrome Trace Event Format events: a complete event (`ph: X`)
 * for the span and an instant event (`ph: i`, thread scope) per span event. The text is built
 * directly (no event objects) because the writer streams every span of a run.
 *
 * Times: microseconds since the Unix epoch, as the double a JSON reader gets for them (today a
 * multiple of 0.25 us: the precision of a double that large). Rounding every start and end the
 * same way keeps how spans nest, and `dur` is the exact difference of the two doubles, so that a
 * reader's `ts + dur` is the span's rounded end: exact decimals (nanoseconds) would be rounded
 * by the reader on `ts` and on the sum separately, which unnests short spans from their parents.
 */
import { SpanStatusCode, type Attributes, type AttributeValue, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SPAN_KIND_NAMES } from './span-kind-names.js';

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

/**
 * A point in time as the double a JSON reader holds for its microseconds since the Unix epoch:
 * the exact decimal value, rounded once to the nearest double (as parsing it would).
 */
export function readerMicros(time: HrTime): number {
  const nanos = Math.round(time[1]);
  const whole = time[0] * 1_000_000 + Math.floor(nanos / 1000);
  const fraction = nanos % 1000;
  return fraction === 0 ? whole : Number(`${whole}.${String(fraction).padStart(3, '0')}`);
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
const OWN_EVENT_ARGS = new Set([CHROME_TRACE_ARGS.traceId, CHROME_TRACE_ARGS.spanId]);

/** The complete event of a span that runs from `start` to `end` (readerMicros of its times, end >= start). */
export function completeEvent(span: ReadableSpan, place: EventPlace, start: number, end: number): string {
  const context = span.spanContext();
  const scope = span.instrumentationScope.name;
  const args = attributesText(span.attributes, OWN_SPAN_ARGS);
  args.push(`"${CHROME_TRACE_ARGS.traceId}":"${context.traceId}"`, `"${CHROME_TRACE_ARGS.spanId}":"${context.spanId}"`);
  const parent = span.parentSpanContext?.spanId;
  if (parent) args.push(`"${CHROME_TRACE_ARGS.parentSpanId}":${JSON.stringify(parent)}`);
  args.push(`"${CHROME_TRACE_ARGS.kind}":"${SPAN_KIND_NAMES[span.kind] ?? 'internal'}"`, `"${CHROME_TRACE_ARGS.statusCode}":"${STATUS_NAMES[span.status.code] ?? 'UNSET'}"`);
  if (span.status.message) args.push(`"${CHROME_TRACE_ARGS.statusMessage}":${JSON.stringify(span.status.message)}`);
  args.push(`"${CHROME_TRACE_ARGS.scope}":${JSON.stringify(scope)}`);
  if (span.links.length > 0) args.push(`"${CHROME_TRACE_ARGS.links}":${JSON.stringify(span.links.map((link) => `${link.context.traceId}/${link.context.spanId}`))}`);
  // Both doubles are multiples of one small power of two: their difference is exact.
  return `{"ph":"X","pid":${place.pid},"tid":${place.tid},"name":${JSON.stringify(span.name)},"cat":${JSON.stringify(scope)},"ts":${start},"dur":${end - start},"args":{${args.join(',')}}}`;
}

/**
 * The instant events (thread scope) of a span's events, on the span's place. Each names its span
 * by trace id and span id: guests fix span ids (the same ids in every call), so a span id alone
 * does not tell which trace's span an event belongs to.
 */
export function instantEvents(span: ReadableSpan, place: EventPlace): string[] {
  if (span.events.length === 0) return [];
  const context = span.spanContext();
  const idArgs = `"${CHROME_TRACE_ARGS.traceId}":"${context.traceId}","${CHROME_TRACE_ARGS.spanId}":"${context.spanId}"`;
  return span.events.map((event) => {
    const args = attributesText(event.attributes, OWN_EVENT_ARGS);
    args.push(idArgs);
    return `{"ph":"i","s":"t","pid":${place.pid},"tid":${place.tid},"name":${JSON.stringify(event.name)},"ts":${readerMicros(event.time)},"args":{${args.join(',')}}}`;
  });
}
