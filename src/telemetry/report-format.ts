import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HOST_SCOPE_NAME } from '../engine/index.js';
import { withoutHostIdentity } from './host-span-attributes.js';
import { SPAN_KIND_NAMES } from './span-kind-names.js';

/* How the console report writes spans, log records and values (one line each). */

/** Where a moment is shown from: the span it belongs to, or the run (milliseconds since 1970). */
export interface TimeFrame {
  startMs: number;
  endMs: number;
  /** What the frame is called in the text: "its span", "the run". */
  name: string;
  /** Inside the frame, moments are shown as an offset from its start (`+1.20ms`). */
  relative: boolean;
}

/** The frame of a span: moments inside it are shown as offsets from its start. */
export function spanFrame(span: ReadableSpan): TimeFrame {
  return { startMs: hrTimeToMilliseconds(span.startTime), endMs: hrTimeToMilliseconds(span.endTime), name: 'its span', relative: true };
}

/**
 * A moment as shown in the report: inside the frame `+1.20ms` (relative frames) or the date;
 * outside it (a guest's own clock, a fixed or zero timestamp) the date and how far it lies from
 * the frame, so that a date far from the run does not pass for the time something happened:
 * `2023-11-14T22:13:25.000Z (1.05 years before its span)`.
 */
export function formatMoment(ms: number, frame: TimeFrame | undefined): string {
  if (frame === undefined) return formatDate(ms);
  if (ms >= frame.startMs && ms <= frame.endMs) return frame.relative ? `+${formatMs(ms - frame.startMs)}` : formatDate(ms);
  const where = ms < frame.startMs ? `${formatDistance(frame.startMs - ms)} before ${frame.name}` : `${formatDistance(ms - frame.endMs)} after ${frame.name} ended`;
  return isDate(ms) ? `${formatDate(ms)} (${where})` : `${secondsSince1970(ms)} (no date: ${where})`;
}

/** Largest time a JS Date holds (ms since 1970). */
const MAX_DATE_MS = 8.64e15;

const isDate = (ms: number): boolean => Math.abs(ms) <= MAX_DATE_MS;
const secondsSince1970 = (ms: number): string => `${Math.floor(ms / 1000)}s after 1970-01-01`;

/** ISO 8601 (UTC); a time no Date can hold is given in seconds since 1970. */
export function formatDate(ms: number): string {
  return isDate(ms) ? new Date(ms).toISOString() : `${secondsSince1970(ms)} (no date)`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365.25 * DAY;

/** A length of time in the largest unit that reads well: `3.20ms`, `42.0s`, `3.5 h`, `1.05 years`. */
export function formatDistance(ms: number): string {
  if (ms < SECOND) return formatMs(ms);
  if (ms < MINUTE) return `${(ms / SECOND).toFixed(2)}s`;
  if (ms < HOUR) return `${(ms / MINUTE).toFixed(1)} min`;
  if (ms < 2 * DAY) return `${(ms / HOUR).toFixed(1)} h`;
  if (ms < YEAR) return `${(ms / DAY).toFixed(1)} days`;
  return `${(ms / YEAR).toFixed(2)} years`;
}

/**
 * One log record as a line: `log INFO "order placed" at +1.20ms  order.id="A-1001"` (its time
 * as formatMoment shows it in `frame`; severity text, else the number; the event name).
 */
export function formatLogLine(log: ReadableLogRecord, frame?: TimeFrame): string {
  const parts = ['log'];
  const severity = log.severityText ?? (log.severityNumber ? `SEVERITY${log.severityNumber}` : undefined);
  if (severity) parts.push(severity);
  if (log.eventName) parts.push(`event=${log.eventName}`);
  if (log.body !== undefined) parts.push(formatValue(log.body));
  const time = log.hrTime[0] === 0 && log.hrTime[1] === 0 ? log.hrTimeObserved : log.hrTime;
  parts.push(`at ${formatMoment(hrTimeToMilliseconds(time), frame)}`);
  const attributes = formatAttributes(log.attributes as Attributes);
  return `${parts.join(' ')}${attributes ? `  ${attributes}` : ''}`;
}

export function spanLine(span: ReadableSpan): string {
  const parts = [span.name, SPAN_KIND_NAMES[span.kind] ?? String(span.kind), formatMs(hrTimeToMilliseconds(span.duration))];
  if (span.status.code === SpanStatusCode.OK) parts.push('OK');
  if (span.status.code === SpanStatusCode.ERROR) parts.push(span.status.message ? `ERROR ${JSON.stringify(span.status.message)}` : 'ERROR');
  return parts.join('  ');
}

export function detailLines(span: ReadableSpan): string[] {
  const out: string[] = [];
  // A host span's identity (export, module name and hash, shape) is for backends; the tree names the guest already.
  const attributes = formatAttributes(span.instrumentationScope.name === HOST_SCOPE_NAME ? withoutHostIdentity(span.attributes) : span.attributes);
  if (attributes) out.push(attributes);
  const traceState = span.spanContext().traceState?.serialize();
  if (traceState) out.push(`tracestate ${traceState}`);
  const frame = spanFrame(span);
  for (const event of span.events) {
    const attrs = formatAttributes(event.attributes ?? {});
    out.push(`event ${JSON.stringify(event.name)} at ${formatMoment(hrTimeToMilliseconds(event.time), frame)}${attrs ? `  ${attrs}` : ''}`);
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
