import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics, type ScopeMetrics } from '@opentelemetry/sdk-metrics';
import {
  AttributeBuilder,
  type GuestExemplar,
  type GuestExponentialHistogramPoint,
  type GuestHistogramPoint,
  type GuestNumber,
  type GuestNumberPoint,
} from '../engine/index.js';
import { exemplarIdFrom } from './exemplar-ids.js';
import { decodeAttributes, type AnyKeyValue, type DecodeContext } from './key-values.js';
import { quoted, subject, type Subject } from './messages.js';
import { resourceFromGuest } from './resource.js';
import { optionalTimeFrom, timeFrom, type Datetime } from './time.js';
import type {
  WitExemplar,
  WitExponentialBucket,
  WitExponentialHistogram,
  WitGauge,
  WitHistogram,
  WitMetric,
  WitMetricNumber,
  WitResourceMetrics,
  WitSum,
  WitTemporality,
} from './wit-types.js';

/** What came of a guest's `resource-metrics`: the data to export, and what had to be left out. */
export interface DecodedMetrics {
  metrics: ResourceMetrics;
  /** Metrics and data points dropped as malformed (each already reported and counted). */
  errors: string[];
  /** Data points kept. */
  points: number;
}

type Kind = 'gauge' | 'sum' | 'histogram' | 'exponential-histogram';
type NumberType = 'f64' | 'u64' | 's64';

/** Thrown inside the decoder to drop one metric or data point; never leaves this module. */
class Malformed extends Error {}

/**
 * Decodes `metrics.export`'s argument (every shape: JSON or typed attribute values) into the OTel
 * JS SDK's ResourceMetrics, keeping the guest's resource, scopes, times, temporality and points
 * as they are: nothing is re-aggregated. A malformed metric or data point is dropped and named in
 * `errors`; an undecodable attribute or exemplar is dropped and counted, the point kept.
 */
export function decodeResourceMetrics(data: WitResourceMetrics, cx: DecodeContext): DecodedMetrics {
  const errors: string[] = [];
  let points = 0;
  const fail = (message: string): void => {
    errors.push(message);
    cx.problems.report('invalid_metric', message);
  };
  const resource = resourceFromGuest(data?.resource, () => 'metrics', cx);
  const scopeMetrics: ScopeMetrics[] = [];
  for (const guestScope of asList(data?.scopeMetrics)) {
    const scope = guestScope?.scope;
    const scopeName = String(scope?.name ?? '');
    const scopeAttributes = attributes(scope?.attributes, () => `metrics scope ${quoted(scopeName)}`, ' scope', cx);
    const metrics: MetricData[] = [];
    for (const metric of asList(guestScope?.metrics)) {
      const what: Subject = () => `metric ${quoted(metric?.name)}`;
      try {
        const decoded = decodeMetric(metric, what, cx, fail);
        if (decoded.dataPoints.length > 0 || asList(dataOf(metric)?.dataPoints).length === 0) {
          metrics.push(decoded);
          points += decoded.dataPoints.length;
        }
      } catch (error) {
        if (!(error instanceof Malformed)) throw error;
        fail(`${subject(what)} dropped: ${error.message}`);
      }
    }
    scopeMetrics.push({
      scope: {
        name: scopeName,
        ...(typeof scope?.version === 'string' ? { version: scope.version } : {}),
        ...(typeof scope?.schemaUrl === 'string' ? { schemaUrl: scope.schemaUrl } : {}),
        ...(Object.keys(scopeAttributes).length > 0 ? { attributes: scopeAttributes } : {}),
      },
      metrics,
    });
  }
  return { metrics: { resource, scopeMetrics }, errors, points };
}

/** Each metric-data case name, as [number type, kind]. */
const VARIANTS: ReadonlyMap<string, readonly [NumberType, Kind]> = new Map(
  (['f64', 'u64', 's64'] as const).flatMap((type) => (['gauge', 'sum', 'histogram', 'exponential-histogram'] as const).map((kind) => [`${type}-${kind}`, [type, kind] as const] as const)),
);

function dataOf(metric: WitMetric): { dataPoints?: unknown[] } | undefined {
  return metric?.data?.val as { dataPoints?: unknown[] } | undefined;
}

function decodeMetric(metric: WitMetric, what: Subject, cx: DecodeContext, fail: (message: string) => void): MetricData {
  if (typeof metric?.name !== 'string' || metric.name === '') throw new Malformed('a metric needs a name');
  const match = VARIANTS.get(String(metric.data?.tag));
  if (!match) throw new Malformed(`unknown metric data ${quoted(metric.data?.tag)}`);
  const [numberType, kind] = match;
  const descriptor = {
    name: metric.name,
    description: String(metric.description ?? ''),
    unit: String(metric.unit ?? ''),
    valueType: numberType === 'f64' ? ValueType.DOUBLE : ValueType.INT,
  };
  const val = metric.data.val;
  if (val === null || typeof val !== 'object') throw new Malformed('metric data is missing');
  const points = <P, T>(list: readonly P[] | undefined, one: (point: P, where: Subject) => T): T[] => {
    const out: T[] = [];
    asList(list).forEach((point, index) => {
      const where: Subject = () => `${subject(what)} data point ${index}`;
      try {
        out.push(one(point, where));
      } catch (error) {
        if (!(error instanceof Malformed)) throw error;
        fail(`${subject(where)} dropped: ${error.message}`);
      }
    });
    return out;
  };

  switch (kind) {
    case 'gauge': {
      const gauge = val as WitGauge;
      const start = optionalTimeFrom(gauge.startTime, what, 'start time', cx);
      const time = timeFrom(gauge.time, what, 'time', cx);
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: points(gauge.dataPoints, (point, where): GuestNumberPoint => ({
          ...numberPoint(point, numberType, start ?? [0, 0], time, where, cx),
          ...(start === undefined ? { noStartTime: true } : {}),
        })),
      };
    }
    case 'sum': {
      const sum = val as WitSum;
      const isMonotonic = sum.isMonotonic === true;
      const [start, time] = window(sum, what, cx);
      return {
        descriptor,
        aggregationTemporality: temporalityOf(sum.temporality, isMonotonic),
        dataPointType: DataPointType.SUM,
        isMonotonic,
        dataPoints: points(sum.dataPoints, (point, where) => numberPoint(point, numberType, start, time, where, cx)),
      };
    }
    case 'histogram': {
      const histogram = val as WitHistogram;
      const [start, time] = window(histogram, what, cx);
      return {
        descriptor,
        aggregationTemporality: temporalityOf(histogram.temporality, true),
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: points(histogram.dataPoints, (point, where) => histogramPoint(point, numberType, start, time, where, cx)),
      };
    }
    case 'exponential-histogram': {
      const histogram = val as WitExponentialHistogram;
      const [start, time] = window(histogram, what, cx);
      return {
        descriptor,
        aggregationTemporality: temporalityOf(histogram.temporality, true),
        dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
        dataPoints: points(histogram.dataPoints, (point, where) => exponentialPoint(point, numberType, start, time, where, cx)),
      };
    }
  }
}

function window(data: { startTime: Datetime; time: Datetime }, what: Subject, cx: DecodeContext): [HrTime, HrTime] {
  return [timeFrom(data.startTime, what, 'start time', cx), timeFrom(data.time, what, 'time', cx)];
}

/**
 * OTLP knows delta and cumulative. `low-memory` is a reader preference (delta for counters and
 * histograms, cumulative for up-down counters), so data marked with it is read that way.
 */
function temporalityOf(value: WitTemporality, monotonicOrHistogram: boolean): AggregationTemporality {
  switch (value) {
    case 'cumulative':
      return AggregationTemporality.CUMULATIVE;
    case 'delta':
      return AggregationTemporality.DELTA;
    case 'low-memory':
      return monotonicOrHistogram ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
    default:
      throw new Malformed(`unknown temporality ${quoted(value)}`);
  }
}

interface WitNumberPoint {
  attributes: AnyKeyValue[];
  value: WitMetricNumber;
  exemplars: WitExemplar[];
}

function numberPoint(point: WitNumberPoint, type: NumberType, start: HrTime, time: HrTime, where: Subject, cx: DecodeContext): GuestNumberPoint {
  const exact = metricNumber(point?.value, type, 'value');
  return {
    startTime: start,
    endTime: time,
    attributes: attributes(point.attributes, where, '', cx),
    value: 'int' in exact ? Number(exact.int) : exact.double,
    exactValue: exact,
    exemplars: exemplars(point.exemplars, type, where, cx),
  };
}

function histogramPoint(point: WitHistogram['dataPoints'][number], type: NumberType, start: HrTime, time: HrTime, where: Subject, cx: DecodeContext): GuestHistogramPoint {
  const count = unsigned(point?.count, 'count');
  // (Plain loops: Array.from on a typed array goes through the iterator protocol.)
  const bounds = asNumbers(point.bounds, 'bounds');
  const boundaries = new Array<number>(bounds.length);
  for (let i = 0; i < bounds.length; i++) boundaries[i] = bounds[i]!;
  const bucketCounts = asBigInts(point.bucketCounts, 'bucket counts');
  const counts = new Array<number>(bucketCounts.length);
  let total = 0;
  for (let i = 0; i < bucketCounts.length; i++) total += counts[i] = unsigned(bucketCounts[i], 'bucket count');
  for (let i = 0; i < boundaries.length; i++) {
    if (!Number.isFinite(boundaries[i]) || (i > 0 && boundaries[i]! <= boundaries[i - 1]!)) throw new Malformed('bounds must be finite and strictly increasing');
  }
  if (!(counts.length === boundaries.length + 1 || (counts.length === 0 && boundaries.length === 0))) {
    throw new Malformed(`${counts.length} bucket counts for ${boundaries.length} bounds (need bounds + 1)`);
  }
  if (counts.length > 0 && total !== count) throw new Malformed(`bucket counts add up to ${total}, not the count ${count}`);
  return {
    startTime: start,
    endTime: time,
    attributes: attributes(point.attributes, where, '', cx),
    value: {
      buckets: { boundaries, counts },
      count,
      sum: asDouble(metricNumber(point.sum, type, 'sum')),
      ...minMax(point.min, point.max, type),
    },
    exemplars: exemplars(point.exemplars, type, where, cx),
  };
}

function exponentialPoint(
  point: WitExponentialHistogram['dataPoints'][number],
  type: NumberType,
  start: HrTime,
  time: HrTime,
  where: Subject,
  cx: DecodeContext,
): GuestExponentialHistogramPoint {
  const count = unsigned(point?.count, 'count');
  const scale = point.scale;
  // The OTel spec's scale range; beyond it the bucket boundaries are not representable.
  if (!Number.isInteger(scale) || scale < -10 || scale > 20) throw new Malformed(`scale ${String(scale)} is outside -10..20`);
  const zeroThreshold = point.zeroThreshold;
  if (typeof zeroThreshold !== 'number' || !Number.isFinite(zeroThreshold) || zeroThreshold < 0) throw new Malformed(`zero threshold ${String(zeroThreshold)} is not a finite number >= 0`);
  const zeroCount = unsigned(point.zeroCount, 'zero count');
  const positive = buckets(point.positiveBucket, 'positive');
  const negative = buckets(point.negativeBucket, 'negative');
  const total = zeroCount + positive.bucketCounts.reduce((a, b) => a + b, 0) + negative.bucketCounts.reduce((a, b) => a + b, 0);
  if (total !== count) throw new Malformed(`zero count and bucket counts add up to ${total}, not the count ${count}`);
  return {
    startTime: start,
    endTime: time,
    attributes: attributes(point.attributes, where, '', cx),
    value: {
      count,
      sum: asDouble(metricNumber(point.sum, type, 'sum')),
      scale,
      zeroCount,
      zeroThreshold,
      positive,
      negative,
      ...minMax(point.min, point.max, type),
    },
    exemplars: exemplars(point.exemplars, type, where, cx),
  };
}

function buckets(bucket: WitExponentialBucket, which: string): { offset: number; bucketCounts: number[] } {
  const offset = bucket?.offset;
  if (!Number.isInteger(offset)) throw new Malformed(`${which} bucket offset ${String(offset)} is not an integer`);
  return { offset, bucketCounts: Array.from(asBigInts(bucket.counts, `${which} bucket counts`), (item) => unsigned(item, `${which} bucket count`)) };
}

function minMax(min: WitMetricNumber | undefined, max: WitMetricNumber | undefined, type: NumberType): { min?: number; max?: number } {
  const out: { min?: number; max?: number } = {};
  if (min !== undefined) out.min = asDouble(metricNumber(min, type, 'min'));
  if (max !== undefined) out.max = asDouble(metricNumber(max, type, 'max'));
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) throw new Malformed(`min ${out.min} is above max ${out.max}`);
  return out;
}

/**
 * A metric-number checked against the metric's number type: an f64 metric takes any finite
 * number (integers become doubles); an integer metric takes integers, and doubles only when they
 * are whole.
 */
function metricNumber(value: WitMetricNumber, type: NumberType, part: string): GuestNumber {
  const tag = value?.tag;
  const val: unknown = value?.val;
  if ((tag === 'u64' || tag === 's64') && typeof val === 'bigint') {
    if (tag === 'u64' && val < 0n) throw new Malformed(`${part} is not a u64`);
    return type === 'f64' ? { double: Number(val) } : { int: val };
  }
  if (tag === 'f64' && typeof val === 'number') {
    if (!Number.isFinite(val)) throw new Malformed(`${part} ${val} is not a finite number`);
    if (type === 'f64') return { double: val };
    if (Number.isInteger(val)) return { int: BigInt(val) };
    throw new Malformed(`${part} ${val} is not an integer, as a ${type} metric needs`);
  }
  throw new Malformed(`${part} is not a metric number`);
}

function asDouble(value: GuestNumber): number {
  return 'int' in value ? Number(value.int) : value.double;
}

function unsigned(value: unknown, part: string): number {
  if (typeof value === 'bigint' && value >= 0n) return Number(value);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new Malformed(`${part} ${String(value)} is not an unsigned integer`);
}

function asNumbers(value: unknown, part: string): ArrayLike<number> {
  if (value instanceof Float64Array || Array.isArray(value)) return value as ArrayLike<number>;
  throw new Malformed(`${part} is not a list of numbers`);
}

function asBigInts(value: unknown, part: string): ArrayLike<bigint> {
  if (value instanceof BigUint64Array || Array.isArray(value)) return value as ArrayLike<bigint>;
  throw new Malformed(`${part} is not a list of integers`);
}

function asList<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

function attributes(list: readonly AnyKeyValue[] | undefined, what: Subject, part: string, cx: DecodeContext): Attributes {
  // Metric attributes identify a time series: no count or length limit may change them.
  return decodeAttributes(list, new AttributeBuilder(Infinity, Infinity), what, part, cx).values;
}

function exemplars(list: readonly WitExemplar[] | undefined, type: NumberType, where: Subject, cx: DecodeContext): GuestExemplar[] | undefined {
  if (!list || list.length === 0) return undefined;
  const out: GuestExemplar[] = [];
  list.forEach((exemplar, index) => {
    const at = (): string => `${subject(where)} exemplar ${index}`;
    const traceId = exemplarIdFrom(exemplar?.traceId, 16);
    const spanId = exemplarIdFrom(exemplar?.spanId, 8);
    if (traceId === null || spanId === null || (traceId === undefined) !== (spanId === undefined)) {
      cx.problems.report('invalid_exemplar', `${at()} dropped: trace id ${quoted(exemplar?.traceId)} / span id ${quoted(exemplar?.spanId)} are not hex or raw ids`);
      return;
    }
    let value: GuestNumber;
    try {
      value = metricNumber(exemplar.value, type, 'value');
    } catch (error) {
      cx.problems.report('invalid_exemplar', `${at()} dropped: ${(error as Error).message}`);
      return;
    }
    out.push({
      filteredAttributes: attributes(exemplar.filteredAttributes, at, ' filtered', cx),
      time: timeFrom(exemplar.time, at, 'time', cx),
      value,
      traceId,
      spanId,
    });
  });
  return out;
}
