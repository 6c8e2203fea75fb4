import { ValueType, type Attributes } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { formatAttributes, formatValue } from './report-format.js';

/**
 * A readable summary of exported metric batches: per resource and scope, one line per data
 * point with its attributes and value (sums and gauges), or count / sum / min / max and the
 * non-empty buckets (histograms). Points of the same metric and attributes show their latest
 * batch only, as a backend would show the current value. Metrics are told apart by their whole
 * identity (name, unit, description, kind and value type, as OpenTelemetry identifies an
 * instrument), not by name alone: where a scope has several metrics of one name, each title also
 * shows the description and, if that differs too, the value type.
 */
export function formatMetricsSummary(batches: readonly ResourceMetrics[]): string {
  if (batches.length === 0) return '';
  // Latest point per resource / scope / metric identity / attributes, in first-seen order.
  const latest = new Map<string, { resource: string; scope: string; metric: MetricData; line: string }>();
  // The identities seen per resource / scope / name, to tell metrics of one name apart.
  const identitiesByName = new Map<string, Map<string, MetricData>>();
  for (const batch of batches) {
    const resource = formatAttributes(batch.resource.attributes) || '(no attributes)';
    for (const scope of batch.scopeMetrics) {
      const scopeName = [scope.scope.name || '(unnamed scope)', scope.scope.version].filter(Boolean).join(' ');
      for (const metric of scope.metrics) {
        const named = [resource, scopeName, metric.descriptor.name].join('\u0000');
        const identity = identityOf(metric);
        let identities = identitiesByName.get(named);
        if (!identities) identitiesByName.set(named, (identities = new Map()));
        if (!identities.has(identity)) identities.set(identity, metric);
        for (const point of metric.dataPoints) {
          const attributes = formatAttributes(point.attributes as Attributes);
          const key = [named, identity, attributes].join('\u0000');
          latest.set(key, { resource, scope: scopeName, metric, line: `${attributes ? `${attributes}  ` : ''}${valueOf(metric, point.value)}` });
        }
      }
    }
  }
  const lines = ['metrics'];
  const shown: string[] = [];
  for (const { resource, scope, metric, line } of latest.values()) {
    const others = [...identitiesByName.get([resource, scope, metric.descriptor.name].join('\u0000'))!.values()];
    const header = [`resource ${resource}`, `scope ${scope}`, titleOf(metric, others)];
    header.forEach((text, depth) => {
      if (shown[depth] !== text) {
        lines.push(`${'   '.repeat(depth + 1)}${text}`);
        shown[depth] = text;
        shown.length = depth + 1;
      }
    });
    lines.push(`${'   '.repeat(header.length + 1)}${line}`);
  }
  return lines.join('\n') + '\n';
}

/** What identifies a metric stream (with its resource, scope and attributes). */
function identityOf(metric: MetricData): string {
  const { name, unit, description, valueType } = metric.descriptor;
  return JSON.stringify([name, unit, description, kindOf(metric), valueType]);
}

/** `name unit  kind`, plus what tells it apart from `others` of the same name in its scope. */
function titleOf(metric: MetricData, others: MetricData[]): string {
  const { name, unit, description, valueType } = metric.descriptor;
  const parts = [`${name}${unit ? ` ${unit}` : ''}`, kindOf(metric)];
  if (others.length > 1) {
    const same = others.filter((other) => other.descriptor.unit === unit && kindOf(other) === kindOf(metric));
    if (same.some((other) => other.descriptor.description !== description)) parts.push(description ? JSON.stringify(description) : '(no description)');
    if (same.some((other) => other.descriptor.valueType !== valueType)) parts.push(valueType === ValueType.INT ? 'int' : 'double');
  }
  return parts.join('  ');
}

function kindOf(metric: MetricData): string {
  const temporality = metric.aggregationTemporality === AggregationTemporality.DELTA ? 'delta' : 'cumulative';
  switch (metric.dataPointType) {
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.SUM:
      return `sum ${temporality}${metric.isMonotonic ? ' monotonic' : ''}`;
    case DataPointType.HISTOGRAM:
      return `histogram ${temporality}`;
    case DataPointType.EXPONENTIAL_HISTOGRAM:
      return `exponential histogram ${temporality}`;
  }
}

function valueOf(metric: MetricData, value: unknown): string {
  switch (metric.dataPointType) {
    case DataPointType.GAUGE:
    case DataPointType.SUM:
      return `= ${formatValue(value)}`;
    case DataPointType.HISTOGRAM: {
      const histogram = value as { count: number; sum?: number; min?: number; max?: number; buckets: { boundaries: number[]; counts: number[] } };
      const buckets = histogram.buckets.counts
        .map((count, i) => (count > 0 ? `${bucketRange(histogram.buckets.boundaries, i)}:${count}` : ''))
        .filter(Boolean)
        .join(' ');
      return `${stats(histogram)}${buckets ? `  buckets ${buckets}` : ''}`;
    }
    case DataPointType.EXPONENTIAL_HISTOGRAM: {
      const histogram = value as { count: number; sum?: number; min?: number; max?: number; scale: number; zeroCount: number };
      return `${stats(histogram)}  scale=${histogram.scale} zero_count=${histogram.zeroCount}`;
    }
  }
}

function stats(histogram: { count: number; sum?: number; min?: number; max?: number }): string {
  const parts = [`count=${histogram.count}`];
  if (histogram.sum !== undefined) parts.push(`sum=${histogram.sum}`);
  if (histogram.min !== undefined) parts.push(`min=${histogram.min}`);
  if (histogram.max !== undefined) parts.push(`max=${histogram.max}`);
  return parts.join(' ');
}

function bucketRange(bounds: number[], i: number): string {
  const low = i === 0 ? '-inf' : String(bounds[i - 1]);
  const high = i === bounds.length ? '+inf' : String(bounds[i]);
  return `(${low},${high}]`;
}
