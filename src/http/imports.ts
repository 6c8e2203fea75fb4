import type { TextMapPropagator } from '@opentelemetry/api';
import type { InstanceSpanState, ProblemCounter } from '../engine/index.js';
import { createOutgoingHandler } from './outgoing-handler.js';
import { httpTypesImport } from './types-import.js';

/** `wasi:http/types` and `wasi:http/outgoing-handler` for one instance. */
export function createHttpImports(parts: { state: InstanceSpanState; problems: ProblemCounter; propagator?: TextMapPropagator }): Record<string, unknown> {
  return {
    'wasi:http/types': httpTypesImport(),
    'wasi:http/outgoing-handler': createOutgoingHandler(parts),
  };
}
