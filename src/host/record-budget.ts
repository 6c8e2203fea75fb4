import { DEFAULT_LIMITS, type ProblemCounter } from '../engine/index.js';
import { RULES, checkedNumber } from '../telemetry/config-rules.js';

export const MAX_RECORD_BYTES_ENV = 'WASM_OTEL_MAX_RECORD_BYTES';

/**
 * WASM_OTEL_MAX_RECORD_BYTES: bytes of guest data one record may point at (see
 * EngineLimits.maxRecordBytes). Undefined when unset; a bad value is reported and the default used.
 */
export function maxRecordBytesFromEnv(problems: ProblemCounter): number | undefined {
  const text = process.env[MAX_RECORD_BYTES_ENV];
  if (text === undefined || text.trim() === '') return undefined;
  return checkedNumber(MAX_RECORD_BYTES_ENV, RULES.recordBytes, DEFAULT_LIMITS.maxRecordBytes, problems);
}
