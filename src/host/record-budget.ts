import type { ProblemCounter } from '../engine/index.js';

export const MAX_RECORD_BYTES_ENV = 'WASM_OTEL_MAX_RECORD_BYTES';

/**
 * WASM_OTEL_MAX_RECORD_BYTES: bytes of guest data one record may point at (see
 * EngineLimits.maxRecordBytes). Undefined when unset; a bad value is reported and ignored.
 */
export function maxRecordBytesFromEnv(problems: ProblemCounter): number | undefined {
  const text = process.env[MAX_RECORD_BYTES_ENV];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text.trim());
  if (Number.isInteger(value) && value >= 1024) return value;
  problems.report('invalid_config', `${MAX_RECORD_BYTES_ENV}=${JSON.stringify(text)} is not a whole number of bytes >= 1024; using the default`);
  return undefined;
}
