import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { formatTraceTree, type TextSink } from './console-tree-exporter.js';
import { formatMetricsSummary } from './metrics-summary.js';

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

/**
 * The default output when no OTLP endpoint is configured: collects the run's spans, log records
 * and metrics through one exporter per signal and prints them once at the end: the trace trees
 * with each log record under its span, then the metrics summary.
 */
export class ConsoleReport {
  private spans: ReadableSpan[] = [];
  private logs: ReadableLogRecord[] = [];
  private metrics: ResourceMetrics[] = [];

  readonly spanExporter: SpanExporter = {
    export: (spans, done) => {
      this.spans.push(...spans);
      done(SUCCESS);
    },
    shutdown: async () => {},
  };

  readonly logExporter: LogRecordExporter = {
    export: (logs, done) => {
      this.logs.push(...logs);
      done(SUCCESS);
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  readonly metricExporter: PushMetricExporter = {
    export: (metrics, done) => {
      this.metrics.push(metrics);
      done(SUCCESS);
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  /** Writes what was collected (nothing when nothing was) and starts over. */
  print(sink: TextSink): void {
    const text = formatTraceTree(this.spans, this.logs) + formatMetricsSummary(this.metrics);
    this.spans = [];
    this.logs = [];
    this.metrics = [];
    if (text !== '') sink.write(text);
  }
}
