import { exportMetrics, type MetricPipeline } from '../engine/index.js';
import type { DecodeContext } from './key-values.js';
import type { LiftBudget } from '../runtime/lift-budget.js';
import { reportLiftCuts } from './lift-cuts.js';
import { decodeResourceMetrics } from './metric-data.js';
import type { WitResourceMetrics } from './wit-types.js';

/** `wasi:otel/metrics` as jco calls it (`%export` is `export` in JS). */
export interface MetricsImports {
  export(metrics: WitResourceMetrics): void;
}

/**
 * The host side of `wasi:otel/metrics`: decode the guest's batch and hand it to the metric
 * exporters as it is. `export` returns `err(reason)` (for jco: throws the reason, which jco turns
 * into the WIT result's error, never a trap) when data was malformed or an exporter refused it.
 */
export function createMetricsImports(pipeline: MetricPipeline, cx: DecodeContext, lift?: LiftBudget): MetricsImports {
  return {
    export(metrics) {
      let reason: string | undefined;
      try {
        const cut = reportLiftCuts(lift, () => 'metrics batch', cx.problems);
        const decoded = decodeResourceMetrics(metrics, cut ? { ...cx, recordCut: true } : cx);
        const exportFailure = decoded.points > 0 || decoded.errors.length === 0 ? exportMetrics(pipeline, decoded.metrics, cx.problems) : undefined;
        const reasons = [...decoded.errors, ...(exportFailure ? [exportFailure] : [])];
        if (reasons.length > 0) reason = reasons.length === 1 ? reasons[0] : `${reasons.length} problems: ${reasons.join('; ')}`;
      } catch (error) {
        reason = `metrics export failed inside the host: ${error instanceof Error ? error.message : String(error)}`;
        cx.problems.report('host_error', reason);
      }
      if (reason !== undefined) throw reason;
    },
  };
}
