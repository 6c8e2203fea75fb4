import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ReportSpans } from './report-spans.js';
import { renderTraceTree, type TreeOptions } from './trace-tree.js';
import { waterfallStyleFor, type TerminalLike } from './waterfall-style.js';

export { formatTraceTree } from './trace-tree.js';

/**
 * Where the tree goes: anything with a `write(string)` (process.stderr by default). A terminal's
 * `isTTY` and `columns` (as a Node stream has them) decide the waterfall's width and glyphs.
 */
export interface TextSink extends TerminalLike {
  write(text: string): unknown;
}

/**
 * A span exporter that keeps the spans it is given (within the report's bounds, see ReportSpans)
 * and, on flush or shutdown, prints each trace as an indented tree (name, kind, duration,
 * status, attributes, events, links), each span after its waterfall bar: by default as the sink
 * calls for (waterfallStyleFor), else as `options.waterfall` says.
 */
export class ConsoleTreeExporter implements SpanExporter {
  private readonly spans = new ReportSpans();

  constructor(
    private readonly sink: TextSink = process.stderr,
    private readonly options: TreeOptions = {},
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    for (const span of spans) this.spans.add(span);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async forceFlush(): Promise<void> {
    const { text } = renderTraceTree(this.spans, [], 0, undefined, { waterfall: this.options.waterfall ?? waterfallStyleFor(this.sink) });
    this.spans.clear();
    if (text !== '') this.sink.write(text);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}
