/**
 * What a host exported during one conformance scenario, decoded with the official OTLP schema and
 * flattened (see otlp-spans.ts, otlp-metrics-logs.ts): the input of the expectation checker.
 */
import type { OtlpLog, OtlpMetric } from './otlp-metrics-logs.js';
import type { OtlpSpan } from './otlp-spans.js';

export interface Received {
  spans: OtlpSpan[];
  logs: OtlpLog[];
  metrics: OtlpMetric[];
}
