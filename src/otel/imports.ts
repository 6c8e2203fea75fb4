import type { EngineLimits, InstanceSpanState, ProblemCounter } from '../engine/index.js';
import { createTracingImports } from './tracing.js';

/**
 * The `wasi:otel` part of a guest's import object. jco's generated code looks imports up by the
 * unversioned interface name, so one object serves every version of the package.
 */
export function createOtelImports(state: InstanceSpanState, limits: EngineLimits, problems: ProblemCounter): Record<string, object> {
  return {
    'wasi:otel/types': {},
    'wasi:otel/tracing': createTracingImports(state, limits, problems),
  };
}
