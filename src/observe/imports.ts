import type { EngineLimits, HostCaches, InstanceSpanState, LogPipeline, ProblemCounter } from '../engine/index.js';
import type { LiftBudget } from '../runtime/lift-budget.js';
import { createLoggingImports } from './logging.js';
import { createTracerImports } from './tracer.js';

/** What the wasi:observe and wasi:logging imports of one instance feed. */
export interface ObserveImportContext {
  state: InstanceSpanState;
  limits: EngineLimits;
  problems: ProblemCounter;
  logs: LogPipeline;
  caches: HostCaches;
  lift?: LiftBudget;
  interrupt?: Int32Array;
}

/**
 * The `wasi:observe` world's part of a guest's import object: `wasi:observe/tracer` (host-side
 * spans) and `wasi:logging/logging`. Both packages are unversioned; jco looks them up by these keys.
 */
export function createObserveImports({ state, limits, problems, logs, caches, lift, interrupt }: ObserveImportContext): Record<string, object> {
  return {
    'wasi:observe/tracer': createTracerImports({ state, limits, problems, lift, interrupt }),
    'wasi:logging/logging': createLoggingImports({ state, logs, problems, scopes: caches.scopes, lift }),
  };
}
