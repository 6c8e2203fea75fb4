import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ReportSpans } from './report-spans.js';
import { renderTraceTree } from './trace-tree.js';

export { formatTraceTree } from './trace-tree.js';

/** Where the tree goes: anything with a `write(string)` (process.stderr by default). */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * A span exporter that keeps the spans it is given (within the report's bounds, see ReportSpans)
 * and, on flush or shutdown, prints each trace as an indented tree (name, kind, duration,
 * status, attributes, events, links).
 */
export class ConsoleTreeExporter implements SpanExporter {
  private readonly spans = new ReportSpans();

  constructor(private readonly sink: TextSink = process.stderr) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    for (const span of spans) this.spans.add(span);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async forceFlush(): Promise<void> {
    const { text } = renderTraceTree(this.spans, []);
    this.spans.clear();
    if (text !== '') this.sink.write(text);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}
