import type { Attributes } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { formatAttributes, formatValue } from './report-format.js';

/**
 * A readable summary of exported metric batches: per resource and scope, one line per data
 * point with its attributes and value (sums and gauges), or count / sum / min / max and the
 * non-empty buckets (histograms). Points of the same metric and attributes show their latest
 * batch only, as a backend would show the current value.
 */
export function formatMetricsSummary(batches: readonly ResourceMetrics[]): string {
  if (batches.length === 0) return '';
  // Latest point per resource / scope / metric / attributes, in first-seen order.
  const latest = new Map<string, { header: string[]; line: string }>();
  for (const batch of batches) {
    const resource = formatAttributes(batch.resource.attributes) || '(no attributes)';
    for (const scope of batch.scopeMetrics) {
      const scopeName = [scope.scope.name || '(unnamed scope)', scope.scope.version].filter(Boolean).join(' ');
      for (const metric of scope.metrics) {
        const title = `${metric.descriptor.name}${metric.descriptor.unit ? ` ${metric.descriptor.unit}` : ''}  ${kindOf(metric)}`;
        for (const point of metric.dataPoints) {
          const attributes = formatAttributes(point.attributes as Attributes);
          const key = [resource, scopeName, metric.descriptor.name, attributes].join('\u0000');
          latest.set(key, { header: [`resource ${resource}`, `scope ${scopeName}`, title], line: `${attributes ? `${attributes}  ` : ''}${valueOf(metric, point.value)}` });
        }
      }
    }
  }
  const lines = ['metrics'];
  const shown: string[] = [];
  for (const { header, line } of latest.values()) {
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
