import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

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

/** Formats spans as one tree per trace, children in start-time order. */
export function formatTraceTree(spans: readonly ReadableSpan[]): string {
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
      kids.forEach((kid, i) => write(kid, inner, i === kids.length - 1));
    };
    const sortedRoots = sortByStart(roots);
    sortedRoots.forEach((root, i) => write(root, '', i === sortedRoots.length - 1));
  }
  return lines.join('\n') + '\n';
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

function formatAttributes(attributes: Attributes): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
}

const MAX_SHOWN = 120;

/** One attribute value as shown in the tree: JSON, bytes as a data: URI, long values cut. */
function formatValue(value: unknown): string {
  const text = formatFull(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...(${text.length} chars)` : text;
}

function formatFull(value: unknown): string {
  if (value instanceof Uint8Array) return `data:application/octet-stream;base64,${Buffer.from(value).toString('base64')}`;
  return JSON.stringify(value, (_key, item: unknown) => (item instanceof Uint8Array ? formatFull(item) : item));
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)}ms` : ms >= 1 ? `${ms.toFixed(2)}ms` : `${(ms * 1000).toFixed(1)}us`;
}

function sortByStart(spans: ReadableSpan[]): ReadableSpan[] {
  return [...spans].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}
