import type { Attributes, HrTime } from '@opentelemetry/api';
import type { DataPoint, ExponentialHistogram, Histogram, MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';

/**
 * Guest metric data in the OTel JS SDK's own model (`ResourceMetrics`), so any
 * `PushMetricExporter` accepts it as is. The SDK's model has no place for a few things guests
 * send; they ride along as the optional fields below. wasm-otel's OTLP metric exporter writes
 * them; other exporters ignore them.
 */

/** A sampled measurement (OTLP `Exemplar`). Ids are lower-case hex; absent when no span was active. */
export interface GuestExemplar {
  filteredAttributes: Attributes;
  time: HrTime;
  value: GuestNumber;
  traceId: string | undefined;
  spanId: string | undefined;
}

/** A guest number as sent: integers keep their exact value (as bigint), doubles stay doubles. */
export type GuestNumber = { int: bigint } | { double: number };

/** Extra fields a guest data point may carry. */
export interface GuestPointExtras {
  exemplars?: GuestExemplar[];
  /**
   * The point's value as the guest sent it (gauge and sum points). `value` holds the same as a
   * Number; this keeps integers beyond 2^53 exact and says whether it was an int or a double.
   */
  exactValue?: GuestNumber;
  /** A gauge sent without a start time (OTLP leaves start_time_unix_nano at 0). */
  noStartTime?: boolean;
}

export type GuestNumberPoint = DataPoint<number> & GuestPointExtras;
export type GuestHistogramPoint = DataPoint<Histogram> & GuestPointExtras;
/** Exponential histograms also carry the width of the zero bucket. */
export type GuestExponentialHistogramPoint = DataPoint<ExponentialHistogram & { zeroThreshold?: number }> & GuestPointExtras;

export type { DataPoint, MetricData, ResourceMetrics };
