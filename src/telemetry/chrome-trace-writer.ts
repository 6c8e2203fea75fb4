/**
 * Streams spans into one Chrome Trace Event Format document (`{"traceEvents":[...], ...}`): the
 * opening is written first, every span as it comes (its complete event, its span events as
 * instant events, and the process and thread names the first time they are needed), the closing
 * at close(). Text goes out in chunks of about 64 KiB through a synchronous sink, so nothing but
 * the chunk being filled and the lanes (chrome-trace-lanes.ts) is held: a million spans run in
 * the memory of a few.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { VERSION } from '../version.js';
import { completeEvent, instantEvents, metadataEvent, readerMicros } from './chrome-trace-events.js';
import { ChromeTraceLanes } from './chrome-trace-lanes.js';

/** Where the document's text goes, synchronously, in order. */
export interface ChromeTraceSink {
  write(chunk: string): void;
  /** Called once, after the last write. */
  close?(): void;
}

/** Text collected before it is handed to the sink. */
const CHUNK_CHARS = 64 * 1024;

/** A file opened for writing (created or truncated) as a sink. Throws the fs error when it cannot be opened. */
export function fileSink(path: string): ChromeTraceSink {
  const fd = openSync(path, 'w');
  return {
    write(chunk) {
      const bytes = Buffer.from(chunk, 'utf8');
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    },
    close() {
      closeSync(fd);
    },
  };
}

export interface ChromeTraceWriterOptions {
  /** Names each trace's threads: `<label> #1`, its extra lanes `<label> #1 (2)`, ... (default `wasm`). */
  threadLabel?: string;
}

/** Why writing stopped, and how many spans were not written since. */
export interface ChromeTraceFailure {
  error: unknown;
  lostSpans: number;
}

export class ChromeTraceWriter {
  private readonly lanes = new ChromeTraceLanes();
  private readonly label: string;
  private pending: string[] = [];
  private pendingChars = 0;
  private first = true;
  private closed = false;
  /** Spans written so far (in the sink or in the chunk being filled). */
  private spanCount = 0;
  /** Spans in the chunk being filled (lost with it if the sink fails). */
  private pendingSpans = 0;
  private failure: ChromeTraceFailure | undefined;

  constructor(
    private readonly sink: ChromeTraceSink,
    options: ChromeTraceWriterOptions = {},
  ) {
    this.label = options.threadLabel ?? 'wasm';
    this.pending.push('{"traceEvents":[\n');
  }

  /** Spans written (handed to the sink or about to be). */
  get written(): number {
    return this.spanCount;
  }

  /** Set once the sink failed: what was not written since, and why. */
  get failed(): ChromeTraceFailure | undefined {
    return this.failure;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes one finished span; after close() or a failure it is counted as lost. */
  writeSpan(span: ReadableSpan): void {
    if (this.closed || this.failure) {
      if (this.failure) this.failure.lostSpans++;
      return;
    }
    const context = span.spanContext();
    // The times as a reader will hold them: the lanes must be stacks in the reader's eyes.
    const start = readerMicros(span.startTime);
    const end = Math.max(start, readerMicros(span.endTime));
    const place = this.lanes.place(context.traceId, start, end);
    if (place.newProcess) this.event(metadataEvent('process_name', place.pid, 0, `trace ${context.traceId}`));
    if (place.newThread) this.event(metadataEvent('thread_name', place.pid, place.tid, place.tid === 1 ? `${this.label} #1` : `${this.label} #1 (${place.tid})`));
    this.event(completeEvent(span, place, start, end));
    for (const instant of instantEvents(span, place)) this.event(instant);
    this.spanCount++;
    this.pendingSpans++;
    if (this.pendingChars >= CHUNK_CHARS) this.flush();
  }

  /** Hands what was collected to the sink. */
  flush(): void {
    if (this.failure || this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    try {
      this.sink.write(chunk);
      this.pendingSpans = 0;
    } catch (error) {
      this.failure = { error, lostSpans: this.pendingSpans };
      this.spanCount -= this.pendingSpans;
      this.pendingSpans = 0;
    }
  }

  /** Writes the closing of the document and closes the sink; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.push(`\n],\n"displayTimeUnit":"ms","otherData":{"producer":${JSON.stringify(`wasm-otel ${VERSION}`)}}}\n`);
    this.flush();
    try {
      this.sink.close?.();
    } catch (error) {
      this.failure ??= { error, lostSpans: 0 };
    }
  }

  private event(text: string): void {
    if (this.first) this.first = false;
    else this.pending.push(',\n');
    this.pending.push(text);
    this.pendingChars += text.length + 2;
  }
}
