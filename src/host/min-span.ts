import type { ProblemCounter } from '../engine/index.js';

/** The reference Observe SDKs' default: function calls shorter than 20 microseconds are dropped. */
export const DEFAULT_MIN_SPAN_MICROS = 20;
export const MIN_SPAN_ENV = 'WASM_OTEL_MIN_SPAN_US';

/** A minimum span duration in microseconds: a finite number >= 0. */
export function parseMinSpanMicros(text: string): number | undefined {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** WASM_OTEL_MIN_SPAN_US, else the default; a bad value is reported and the default used. */
export function minSpanMicrosFromEnv(problems: ProblemCounter): number {
  const text = process.env[MIN_SPAN_ENV];
  if (text === undefined || text.trim() === '') return DEFAULT_MIN_SPAN_MICROS;
  const value = parseMinSpanMicros(text);
  if (value !== undefined) return value;
  problems.report('invalid_config', `${MIN_SPAN_ENV}=${JSON.stringify(text)} is not a number of microseconds >= 0; using ${DEFAULT_MIN_SPAN_MICROS}`);
  return DEFAULT_MIN_SPAN_MICROS;
}
