import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ProblemCounter } from './problems.js';
import { isReported } from './reported-errors.js';

/** Where guest metrics go: push exporters, handed the guest's data without re-aggregation. */
export interface MetricPipeline {
  exporters: readonly PushMetricExporter[];
}

/**
 * Hands one batch of guest metrics to every exporter. Returns the reason when an exporter
 * refused it right away (it threw, or reported failure before returning, e.g. after shutdown);
 * undefined otherwise. Sending is asynchronous for network exporters: a failure that comes later
 * cannot reach the guest any more, so it is reported through diag and counted
 * (`metrics_export_failed`) like the immediate ones.
 */
export function exportMetrics(pipeline: MetricPipeline, metrics: ResourceMetrics, problems: ProblemCounter): string | undefined {
  const failures: string[] = [];
  for (const exporter of pipeline.exporters) {
    let returned = false;
    const done = (result: ExportResult): void => {
      if (result.code === ExportResultCode.SUCCESS) return;
      const reason = `metric export failed: ${result.error?.message ?? 'the exporter reported failure'}`;
      if (!returned) failures.push(reason);
      // An exporter that books its failures (a delivery ledger) counts and reports them itself, at exit.
      else if (!isReported(result.error)) problems.report('metrics_export_failed', reason);
    };
    try {
      exporter.export(metrics, done);
    } catch (error) {
      failures.push(`metric exporter threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    returned = true;
  }
  if (failures.length === 0) return undefined;
  const reason = failures.join('; ');
  problems.report('metrics_export_failed', reason, failures.length);
  return reason;
}
