/**
 * The JS shapes jco gives host imports of wasi:otel@0.2.0-rc.2, from the generated types. Older
 * shapes differ only where the front-end checks at run time (typed values, on-start arguments).
 * `main` differs only by a function name, so the record types are shared.
 */
export type {
  SpanContext as WitSpanContext,
  SpanData as WitSpanData,
  SpanKind as WitSpanKind,
  Status as WitStatus,
  Event as WitEvent,
  Link as WitLink,
  TraceState as WitTraceState,
} from '../../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-tracing.js';
export type {
  KeyValue as WitKeyValue,
  InstrumentationScope as WitInstrumentationScope,
} from '../../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-types.js';
export type { Datetime as WitDatetime } from '../../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-clocks-wall-clock.js';
export type {
  ResourceMetrics as WitResourceMetrics,
  ScopeMetrics as WitScopeMetrics,
  Metric as WitMetric,
  MetricData as WitMetricData,
  MetricNumber as WitMetricNumber,
  Exemplar as WitExemplar,
  Gauge as WitGauge,
  Sum as WitSum,
  Histogram as WitHistogram,
  ExponentialHistogram as WitExponentialHistogram,
  ExponentialBucket as WitExponentialBucket,
  Temporality as WitTemporality,
} from '../../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-metrics.js';
export type { LogRecord as WitLogRecord } from '../../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-logs.js';
export type { Resource as WitResource } from '../../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-types.js';
