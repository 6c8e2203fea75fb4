import { SpanKind, SpanStatusCode, type Attributes, type HrTime } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/* How the console report writes spans, log records and values (one line each). */

const KIND_NAMES: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

/**
 * One log record as a line: `log INFO "order placed" at +1.20ms  order.id="A-1001"` (time
 * relative to `since` when given, else ISO; severity text, else the number; the event name).
 */
export function formatLogLine(log: ReadableLogRecord, since?: HrTime): string {
  const parts = ['log'];
  const severity = log.severityText ?? (log.severityNumber ? `SEVERITY${log.severityNumber}` : undefined);
  if (severity) parts.push(severity);
  if (log.eventName) parts.push(`event=${log.eventName}`);
  if (log.body !== undefined) parts.push(formatValue(log.body));
  const time = log.hrTime[0] === 0 && log.hrTime[1] === 0 ? log.hrTimeObserved : log.hrTime;
  const ms = hrTimeToMilliseconds(time);
  const offset = since ? ms - hrTimeToMilliseconds(since) : -1;
  parts.push(`at ${offset >= 0 ? `+${formatMs(offset)}` : new Date(ms).toISOString()}`);
  const attributes = formatAttributes(log.attributes as Attributes);
  return `${parts.join(' ')}${attributes ? `  ${attributes}` : ''}`;
}

export function spanLine(span: ReadableSpan): string {
  const parts = [span.name, KIND_NAMES[span.kind] ?? String(span.kind), formatMs(hrTimeToMilliseconds(span.duration))];
  if (span.status.code === SpanStatusCode.OK) parts.push('OK');
  if (span.status.code === SpanStatusCode.ERROR) parts.push(span.status.message ? `ERROR ${JSON.stringify(span.status.message)}` : 'ERROR');
  return parts.join('  ');
}

export function detailLines(span: ReadableSpan): string[] {
  const out: string[] = [];
  const attributes = formatAttributes(span.attributes);
  if (attributes) out.push(attributes);
  const traceState = span.spanContext().traceState?.serialize();
  if (traceState) out.push(`tracestate ${traceState}`);
  const start = hrTimeToMilliseconds(span.startTime);
  for (const event of span.events) {
    const eventMs = hrTimeToMilliseconds(event.time);
    const at = eventMs - start;
    const when = at >= 0 ? `+${formatMs(at)}` : new Date(eventMs).toISOString();
    const attrs = formatAttributes(event.attributes ?? {});
    out.push(`event ${JSON.stringify(event.name)} at ${when}${attrs ? `  ${attrs}` : ''}`);
  }
  for (const link of span.links) {
    const attrs = formatAttributes(link.attributes ?? {});
    out.push(`link ${link.context.traceId}/${link.context.spanId}${attrs ? `  ${attrs}` : ''}`);
  }
  return out;
}

export function formatAttributes(attributes: Attributes): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
}

const MAX_SHOWN = 120;

/** One attribute value as shown in the tree: JSON, bytes as a data: URI, long values cut. */
export function formatValue(value: unknown): string {
  const text = formatFull(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...(${text.length} chars)` : text;
}

function formatFull(value: unknown): string {
  if (value instanceof Uint8Array) return `data:application/octet-stream;base64,${Buffer.from(value).toString('base64')}`;
  return JSON.stringify(value, (_key, item: unknown) => (item instanceof Uint8Array ? formatFull(item) : item));
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)}ms` : ms >= 1 ? `${ms.toFixed(2)}ms` : `${(ms * 1000).toFixed(1)}us`;
}

export function sortByStart(spans: ReadableSpan[]): ReadableSpan[] {
  return [...spans].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}
