import type { EngineLimits, HostCaches, InstanceSpanState, LogPipeline, MetricPipeline, ProblemCounter } from '../engine/index.js';
import { createLogsImports } from './logs.js';
import { createMetricsImports } from './metrics.js';
import type { LiftBudget } from '../runtime/lift-budget.js';
import { createTracingImports } from './tracing.js';

/** What the wasi:otel imports of one instance feed. */
export interface OtelImportContext {
  state: InstanceSpanState;
  limits: EngineLimits;
  problems: ProblemCounter;
  /** draft-2025-03's `current-span-context` (the host's span), not main's (the most recently entered span). */
  currentSpanIsHostSpan: boolean;
  metrics: MetricPipeline;
  logs: LogPipeline;
  caches: HostCaches;
  /** The byte budget the glue lifts records within (its cuts are reported per record). */
  lift?: LiftBudget;
}

/**
 * The `wasi:otel` part of a guest's import object. jco's generated code looks imports up by the
 * unversioned interface name, so one object serves every version of the package.
 */
export function createOtelImports({ state, limits, problems, currentSpanIsHostSpan, metrics, logs, caches, lift }: OtelImportContext): Record<string, object> {
  const cx = { limits, problems, caches };
  return {
    'wasi:otel/types': {},
    'wasi:otel/tracing': createTracingImports(state, cx, currentSpanIsHostSpan, lift),
    'wasi:otel/metrics': createMetricsImports(metrics, cx, lift),
    'wasi:otel/logs': createLogsImports(state, logs, lift, {
      ...cx,
      // Read per record: the logger provider (and so its limits) may change between calls.
      get attributeCountLimit() {
        return logs.attributeCountLimit;
      },
      get attributeValueLengthLimit() {
        return logs.attributeValueLengthLimit;
      },
    }),
  };
}
