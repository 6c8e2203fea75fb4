import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ProblemCounter } from '../engine/index.js';
import type { TextSink } from './console-tree-exporter.js';
import { formatMetricsSummary } from './metrics-summary.js';
import { ReportSpans, type ReportLimits } from './report-spans.js';
import { renderTraceTree } from './trace-tree.js';
import { waterfallStyleFor } from './waterfall-style.js';

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };

/** Log records the report keeps (later ones are counted). */
const MAX_LOGS = 2000;
/** Metric batches the report keeps (the latest; the summary shows each series' latest point). */
const MAX_METRIC_BATCHES = 64;

/**
 * The default output when no OTLP endpoint is configured: collects the run's spans, log records
 * and metrics through one exporter per signal and prints them once at the end: the trace trees
 * with each log record under its span, then the metrics summary. Memory stays bounded whatever
 * the run produces (see ReportSpans; at most MAX_LOGS records and the latest MAX_METRIC_BATCHES
 * batches), and the report says what it left out.
 */
export class ConsoleReport {
  private readonly spans: ReportSpans;
  private logs: ReadableLogRecord[] = [];
  private logsLeftOut = 0;
  private metrics: ResourceMetrics[] = [];
  private metricBatchesLeftOut = 0;
  /** When what the report holds began (the run, or the last print): the frame of loose logs. */
  private sinceMs = Date.now();

  constructor(
    private readonly problems?: ProblemCounter,
    limits?: ReportLimits,
  ) {
    this.spans = new ReportSpans(limits);
  }

  readonly spanExporter: SpanExporter = {
    export: (spans, done) => {
      for (const span of spans) this.spans.add(span);
      done(SUCCESS);
    },
    shutdown: async () => {},
  };

  readonly logExporter: LogRecordExporter = {
    export: (logs, done) => {
      for (const log of logs) {
        if (this.logs.length < MAX_LOGS) this.logs.push(log);
        else this.logsLeftOut++;
      }
      done(SUCCESS);
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  readonly metricExporter: PushMetricExporter = {
    export: (metrics, done) => {
      this.metrics.push(metrics);
      if (this.metrics.length > MAX_METRIC_BATCHES) {
        this.metrics.shift();
        this.metricBatchesLeftOut++;
      }
      done(SUCCESS);
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  /** Writes what was collected (nothing when nothing was) and starts over; the waterfall as `sink` calls for (waterfallStyleFor). */
  print(sink: TextSink): void {
    const now = Date.now();
    const { text: trees, stats } = renderTraceTree(this.spans, this.logs, this.logsLeftOut, { startMs: this.sinceMs, endMs: now }, { waterfall: waterfallStyleFor(sink) });
    this.sinceMs = now;
    if (stats.cycles > 0) {
      this.problems?.report('parent_cycle', `${stats.cycles} ${stats.cycles === 1 ? 'span has' : 'spans have'} parents that form a cycle; shown as roots, marked "(parent cycle)"`, stats.cycles);
    }
    const metrics = formatMetricsSummary(this.metrics);
    const older = this.metricBatchesLeftOut > 0 && metrics !== '' ? `   (from the latest ${MAX_METRIC_BATCHES} of ${(this.metricBatchesLeftOut + MAX_METRIC_BATCHES).toLocaleString('en-US')} batches)\n` : '';
    const text = trees + metrics + older;
    this.spans.clear();
    this.logs = [];
    this.logsLeftOut = 0;
    this.metrics = [];
    this.metricBatchesLeftOut = 0;
    if (text !== '') sink.write(text);
  }
}
