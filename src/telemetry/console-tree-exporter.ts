import { SpanKind, SpanStatusCode, type Attributes, type HrTime } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

const KIND_NAMES: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

/** Where the tree goes: anything with a `write(string)` (process.stderr by default). */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * The default exporter when no OTLP endpoint is configured: keeps the spans of the run and, on
 * flush or shutdown, prints each trace as an indented tree (name, kind, duration, status,
 * attributes, events, links).
 */
export class ConsoleTreeExporter implements SpanExporter {
  private spans: ReadableSpan[] = [];

  constructor(private readonly sink: TextSink = process.stderr) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.spans.push(...spans);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async forceFlush(): Promise<void> {
    const spans = this.spans;
    this.spans = [];
    if (spans.length > 0) this.sink.write(formatTraceTree(spans));
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}

/**
 * Formats spans as one tree per trace, children in start-time order. Log records that belong to
 * one of the spans are listed under it; the others follow the trees.
 */
export function formatTraceTree(spans: readonly ReadableSpan[], logs: readonly ReadableLogRecord[] = []): string {
  const logsBySpan = new Map<string, ReadableLogRecord[]>();
  const spanIds = new Set(spans.map((span) => span.spanContext().spanId));
  const loose: ReadableLogRecord[] = [];
  for (const log of logs) {
    const spanId = log.spanContext?.spanId;
    if (spanId && spanIds.has(spanId)) {
      const list = logsBySpan.get(spanId) ?? [];
      list.push(log);
      logsBySpan.set(spanId, list);
    } else {
      loose.push(log);
    }
  }
  const byTrace = new Map<string, ReadableSpan[]>();
  for (const span of spans) {
    const traceId = span.spanContext().traceId;
    const list = byTrace.get(traceId) ?? [];
    list.push(span);
    byTrace.set(traceId, list);
  }
  const lines: string[] = [];
  for (const [traceId, traceSpans] of byTrace) {
    const ids = new Set(traceSpans.map((span) => span.spanContext().spanId));
    const children = new Map<string, ReadableSpan[]>();
    const roots: ReadableSpan[] = [];
    for (const span of traceSpans) {
      const parent = span.parentSpanContext?.spanId;
      if (parent && ids.has(parent)) {
        const list = children.get(parent) ?? [];
        list.push(span);
        children.set(parent, list);
      } else {
        roots.push(span);
      }
    }
    lines.push(`trace ${traceId}`);
    const write = (span: ReadableSpan, prefix: string, last: boolean): void => {
      const parent = span.parentSpanContext?.spanId;
      const orphan = parent && !ids.has(parent) ? `  (parent ${parent})` : '';
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${spanLine(span)}${orphan}`);
      const inner = prefix + (last ? '   ' : '│  ');
      const kids = sortByStart(children.get(span.spanContext().spanId) ?? []);
      const detailPrefix = inner + (kids.length > 0 ? '│ ' : '  ');
      for (const detail of detailLines(span)) lines.push(detailPrefix + detail);
      for (const log of logsBySpan.get(span.spanContext().spanId) ?? []) lines.push(detailPrefix + formatLogLine(log, span.startTime));
      kids.forEach((kid, i) => write(kid, inner, i === kids.length - 1));
    };
    const sortedRoots = sortByStart(roots);
    sortedRoots.forEach((root, i) => write(root, '', i === sortedRoots.length - 1));
  }
  if (loose.length > 0) {
    lines.push('logs outside these traces');
    for (const log of loose) {
      const context = log.spanContext?.traceId ? `  (trace ${log.spanContext.traceId}${log.spanContext.spanId ? ` span ${log.spanContext.spanId}` : ''})` : '';
      lines.push(`   ${formatLogLine(log)}${context}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

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

function spanLine(span: ReadableSpan): string {
  const parts = [span.name, KIND_NAMES[span.kind] ?? String(span.kind), formatMs(hrTimeToMilliseconds(span.duration))];
  if (span.status.code === SpanStatusCode.OK) parts.push('OK');
  if (span.status.code === SpanStatusCode.ERROR) parts.push(span.status.message ? `ERROR ${JSON.stringify(span.status.message)}` : 'ERROR');
  return parts.join('  ');
}

function detailLines(span: ReadableSpan): string[] {
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

function sortByStart(spans: ReadableSpan[]): ReadableSpan[] {
  return [...spans].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}
