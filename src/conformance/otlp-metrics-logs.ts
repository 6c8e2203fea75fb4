/**
 * OTLP metrics and logs requests (decoded with the official schema) flattened into plain objects
 * with exact values: 64-bit integers as bigint, ids as hex, attributes decoded, the resource and
 * scope copied onto each metric and log record.
 */
import { asArray as list, asMsg as msg, decodeAnyValue, decodeAttributes, toBigInt, toHex, toStr as str, type DecodedOtlpMessage, type Msg, type OtlpAttributes, type OtlpValue } from './otlp-values.js';

/** An optional double: null when the field is absent. */
const optDouble = (m: Msg, key: string): number | null => (m[key] === null || m[key] === undefined ? null : Number(m[key]));
export interface OtlpScopeInfo {
  name: string;
  version: string;
  attributes: OtlpAttributes;
}

export interface OtlpExemplar {
  filteredAttributes: OtlpAttributes;
  timeUnixNano: bigint;
  value: { asInt: bigint } | { asDouble: number } | null;
  traceId: string;
  spanId: string;
}

export interface OtlpMetricPoint {
  attributes: OtlpAttributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** Number points (gauge, sum). */
  value?: { asInt: bigint } | { asDouble: number } | null;
  /** Histogram and exponential histogram points. */
  count?: bigint;
  sum?: number | null;
  min?: number | null;
  max?: number | null;
  bucketCounts?: bigint[];
  explicitBounds?: number[];
  scale?: number;
  zeroCount?: bigint;
  zeroThreshold?: number;
  positive?: { offset: number; bucketCounts: bigint[] };
  negative?: { offset: number; bucketCounts: bigint[] };
  exemplars: OtlpExemplar[];
}

export interface OtlpMetric {
  resource: OtlpAttributes;
  resourceSchemaUrl: string;
  scope: OtlpScopeInfo;
  scopeSchemaUrl: string;
  name: string;
  description: string;
  unit: string;
  type: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram';
  /** 0 unspecified, 1 delta, 2 cumulative (absent for gauges). */
  temporality?: number;
  isMonotonic?: boolean;
  points: OtlpMetricPoint[];
}

export interface OtlpLog {
  resource: OtlpAttributes;
  resourceSchemaUrl: string;
  scope: OtlpScopeInfo;
  scopeSchemaUrl: string;
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: OtlpValue;
  attributes: OtlpAttributes;
  droppedAttributesCount: number;
  flags: number;
  traceId: string;
  spanId: string;
  eventName: string;
}

function scopeOf(m: Msg | undefined): OtlpScopeInfo {
  return { name: str(m?.name), version: str(m?.version), attributes: decodeAttributes(m?.attributes) };
}

function numberValue(m: Msg): { asInt: bigint } | { asDouble: number } | null {
  if (m.asInt !== null && m.asInt !== undefined) return { asInt: toBigInt(m.asInt) };
  if (m.asDouble !== null && m.asDouble !== undefined) return { asDouble: Number(m.asDouble) };
  return null;
}

function exemplarsOf(v: unknown): OtlpExemplar[] {
  return list(v).map((e) => ({
    filteredAttributes: decodeAttributes(e.filteredAttributes),
    timeUnixNano: toBigInt(e.timeUnixNano),
    value: numberValue(e),
    traceId: toHex(e.traceId),
    spanId: toHex(e.spanId),
  }));
}

function pointOf(p: Msg, type: OtlpMetric['type']): OtlpMetricPoint {
  const point: OtlpMetricPoint = {
    attributes: decodeAttributes(p.attributes),
    startTimeUnixNano: toBigInt(p.startTimeUnixNano),
    timeUnixNano: toBigInt(p.timeUnixNano),
    exemplars: exemplarsOf(p.exemplars),
  };
  if (type === 'gauge' || type === 'sum') {
    point.value = numberValue(p);
    return point;
  }
  point.count = toBigInt(p.count);
  point.sum = optDouble(p, 'sum');
  point.min = optDouble(p, 'min');
  point.max = optDouble(p, 'max');
  if (type === 'histogram') {
    point.bucketCounts = list(p.bucketCounts).map(toBigInt);
    point.explicitBounds = (Array.isArray(p.explicitBounds) ? p.explicitBounds : []).map(Number);
  } else {
    point.scale = Number(p.scale ?? 0);
    point.zeroCount = toBigInt(p.zeroCount);
    point.zeroThreshold = Number(p.zeroThreshold ?? 0);
    const buckets = (b: unknown) => ({ offset: Number(msg(b)?.offset ?? 0), bucketCounts: list(msg(b)?.bucketCounts).map(toBigInt) });
    point.positive = buckets(p.positive);
    point.negative = buckets(p.negative);
  }
  return point;
}

/** Every metric of a decoded ExportMetricsServiceRequest, in order. */
export function metricsOf(decoded: DecodedOtlpMessage): OtlpMetric[] {
  const out: OtlpMetric[] = [];
  for (const rm of list(decoded.resourceMetrics)) {
    const resource = decodeAttributes(msg(rm.resource)?.attributes);
    for (const sm of list(rm.scopeMetrics)) {
      for (const m of list(sm.metrics)) {
        const type = (['gauge', 'sum', 'histogram', 'exponentialHistogram'] as const).find((t) => m[t] !== null && m[t] !== undefined);
        if (!type) throw new Error(`metric ${str(m.name)} has no data`);
        const data = msg(m[type])!;
        const metric: OtlpMetric = {
          resource,
          resourceSchemaUrl: str(rm.schemaUrl),
          scope: scopeOf(msg(sm.scope)),
          scopeSchemaUrl: str(sm.schemaUrl),
          name: str(m.name),
          description: str(m.description),
          unit: str(m.unit),
          type,
          points: list(data.dataPoints).map((p) => pointOf(p, type)),
        };
        if (type !== 'gauge') metric.temporality = Number(data.aggregationTemporality ?? 0);
        if (type === 'sum') metric.isMonotonic = Boolean(data.isMonotonic);
        out.push(metric);
      }
    }
  }
  return out;
}

/** Every log record of a decoded ExportLogsServiceRequest, in order. */
export function logsOf(decoded: DecodedOtlpMessage): OtlpLog[] {
  const out: OtlpLog[] = [];
  for (const rl of list(decoded.resourceLogs)) {
    const resource = decodeAttributes(msg(rl.resource)?.attributes);
    for (const sl of list(rl.scopeLogs)) {
      for (const l of list(sl.logRecords)) {
        out.push({
          resource,
          resourceSchemaUrl: str(rl.schemaUrl),
          scope: scopeOf(msg(sl.scope)),
          scopeSchemaUrl: str(sl.schemaUrl),
          timeUnixNano: toBigInt(l.timeUnixNano),
          observedTimeUnixNano: toBigInt(l.observedTimeUnixNano),
          severityNumber: Number(l.severityNumber ?? 0),
          severityText: str(l.severityText),
          body: l.body === null || l.body === undefined ? null : decodeAnyValue(l.body),
          attributes: decodeAttributes(l.attributes),
          droppedAttributesCount: Number(l.droppedAttributesCount ?? 0),
          flags: Number(l.flags ?? 0),
          traceId: toHex(l.traceId),
          spanId: toHex(l.spanId),
          eventName: str(l.eventName),
        });
      }
    }
  }
  return out;
}
