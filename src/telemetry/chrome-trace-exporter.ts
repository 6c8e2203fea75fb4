/**
 * Spans as a Chrome Trace Event Format file that Perfetto (ui.perfetto.dev) and chrome://tracing
 * open: ChromeTraceSpanProcessor writes each span as it ends (no queue, so none is dropped, and
 * none is kept), ChromeTraceExporter is the same as a SpanExporter for a processor of your choice.
 * Both close the document (valid JSON) on shutdown().
 */
import type { Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TraceFlags } from '@opentelemetry/api';
import { ChromeTraceWriter, fileSink, type ChromeTraceFailure, type ChromeTraceSink, type ChromeTraceWriterOptions } from './chrome-trace-writer.js';

export type { ChromeTraceSink, ChromeTraceFailure } from './chrome-trace-writer.js';

/** Where the trace goes: a file (created or truncated at once), or a sink of your own. */
export type ChromeTraceOptions = ({ path: string } | { sink: ChromeTraceSink }) & ChromeTraceWriterOptions;

function writerFor(options: ChromeTraceOptions): ChromeTraceWriter {
  const sink = 'path' in options ? fileSink(options.path) : options.sink;
  return new ChromeTraceWriter(sink, options);
}

/** What the exporter and the processor share: the writer, its counts, flush and close. */
abstract class ChromeTraceOutput {
  protected readonly writer: ChromeTraceWriter;

  constructor(options: ChromeTraceOptions) {
    this.writer = writerFor(options);
  }

  /** Spans written so far. */
  get written(): number {
    return this.writer.written;
  }

  /** Set once writing failed: why, and how many spans were lost. */
  get failed(): ChromeTraceFailure | undefined {
    return this.writer.failed;
  }

  async forceFlush(): Promise<void> {
    this.writer.flush();
  }

  /** Writes the closing and closes the file; idempotent, and synchronous underneath (see closeNow). */
  async shutdown(): Promise<void> {
    this.writer.close();
  }

  /** The same as shutdown(), synchronously: for an exit that cannot wait. */
  closeNow(): void {
    this.writer.close();
  }
}

/**
 * A SpanExporter writing Chrome Trace Event Format. The file is opened in the constructor (which
 * throws the fs error when it cannot be); export() writes at once; shutdown() writes the closing.
 */
export class ChromeTraceExporter extends ChromeTraceOutput implements SpanExporter {
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    for (const span of spans) this.writer.writeSpan(span);
    const failure = this.writer.failed;
    resultCallback(failure ? { code: ExportResultCode.FAILED, error: failure.error instanceof Error ? failure.error : new Error(String(failure.error)) } : { code: ExportResultCode.SUCCESS });
  }
}

/**
 * A SpanProcessor writing each sampled span in Chrome Trace Event Format as it ends, on the
 * caller's thread (unlike a BatchSpanProcessor, it has no queue to overflow: no span is lost).
 */
export class ChromeTraceSpanProcessor extends ChromeTraceOutput implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.writer.writeSpan(span);
  }
}
