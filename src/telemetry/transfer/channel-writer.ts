import type { MessagePort } from 'node:worker_threads';
import type { Context } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { CreditGate, type Stream, type StreamLimits } from './flow-control.js';
import { encodeLog, type TransferLog } from './log-transfer.js';
import { encodeMetrics, type TransferMetrics } from './metric-transfer.js';
import { SharedSpanJournal } from './shared-span-journal.js';
import { encodeSpan, type TransferSpan } from './span-transfer.js';

/** What the guest's thread sends the telemetry thread. */
export type ChannelMessage =
  | { t: 'span'; span: TransferSpan }
  | { t: 'log'; log: TransferLog }
  | { t: 'metrics'; metrics: TransferMetrics };

export interface ChannelWriterOptions {
  /** Where messages go (the channel's port, or what batches them on their way there). */
  port: Pick<MessagePort, 'postMessage'>;
  control: Int32Array;
  journal: SharedArrayBuffer;
  limits: StreamLimits;
  /** How long to wait for room per stream while the telemetry thread's exporters work. */
  waitMillis: Record<Stream, number>;
  /** The resource of the guest thread's logger provider (records with it are sent without one). */
  logResource: Resource;
}

/**
 * The guest thread's end of the telemetry channel: a span processor, a log record processor and
 * a metric exporter that send each finished item to the telemetry thread at once (postMessage:
 * what was sent arrives even if this thread is stopped right after), waiting for room when the
 * telemetry thread is behind (see CreditGate). Open spans go into a shared journal, so the
 * telemetry thread can close them if it has to stop this thread.
 */
export class ChannelWriter {
  readonly journal: SharedSpanJournal;
  private readonly gate: CreditGate;
  /** Journal handles of the SDK's own spans (host spans) while they are open. */
  private readonly sdkSpans = new WeakMap<object, number>();

  constructor(private readonly options: ChannelWriterOptions) {
    this.journal = new SharedSpanJournal(options.journal);
    this.gate = new CreditGate(options.control, options.limits, options.waitMillis);
  }

  readonly spanProcessor: SpanProcessor = {
    onStart: (span: Span, _parent: Context) => {
      const context = span.spanContext();
      if ((context.traceFlags & TraceFlags.SAMPLED) === 0) return;
      const handle = this.journal.opened({
        context,
        parentSpanId: span.parentSpanContext?.spanId,
        name: span.name,
        kind: span.kind,
        startTime: span.startTime,
        scope: span.instrumentationScope.name,
        host: true,
      });
      if (handle >= 0) this.sdkSpans.set(span, handle);
    },
    onEnd: (span: ReadableSpan) => {
      try {
        this.send('spans', { t: 'span', span: encodeSpan(span) });
      } finally {
        // After sending: stopped in between, the telemetry thread finds it in both and keeps the sent one.
        const handle = this.sdkSpans.get(span);
        if (handle !== undefined) {
          this.sdkSpans.delete(span);
          this.journal.closed(handle);
        }
      }
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  readonly logProcessor: LogRecordProcessor = {
    onEmit: (record: ReadableLogRecord) => {
      this.send('logs', { t: 'log', log: encodeLog(record, this.options.logResource) });
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  readonly metricExporter: PushMetricExporter = {
    export: (metrics: ResourceMetrics, done: (result: ExportResult) => void) => {
      this.send('metrics', { t: 'metrics', metrics: encodeMetrics(metrics) });
      done({ code: ExportResultCode.SUCCESS });
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  private send(stream: Stream, message: ChannelMessage): void {
    this.gate.beforeSend(stream, 1);
    this.options.port.postMessage(message);
  }
}
