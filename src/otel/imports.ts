import type { EngineLimits, InstanceSpanState, LogPipeline, MetricPipeline, ProblemCounter } from '../engine/index.js';
import { createLogsImports } from './logs.js';
import { createMetricsImports } from './metrics.js';
import type { OtelShape } from './shapes.js';
import { createTracingImports } from './tracing.js';

/** What the wasi:otel imports of one instance feed. */
export interface OtelImportContext {
  state: InstanceSpanState;
  limits: EngineLimits;
  problems: ProblemCounter;
  shape: OtelShape;
  metrics: MetricPipeline;
  logs: LogPipeline;
}

/**
 * The `wasi:otel` part of a guest's import object. jco's generated code looks imports up by the
 * unversioned interface name, so one object serves every version of the package.
 */
export function createOtelImports({ state, limits, problems, shape, metrics, logs }: OtelImportContext): Record<string, object> {
  const cx = { limits, problems };
  return {
    'wasi:otel/types': {},
    'wasi:otel/tracing': createTracingImports(state, limits, problems, shape),
    'wasi:otel/metrics': createMetricsImports(metrics, cx),
    'wasi:otel/logs': createLogsImports(state, logs, {
      ...cx,
      attributeCountLimit: logs.attributeCountLimit,
      attributeValueLengthLimit: logs.attributeValueLengthLimit,
    }),
  };
}
