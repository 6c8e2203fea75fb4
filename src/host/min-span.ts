import type { ProblemCounter } from '../engine/index.js';
import { RULES, checkedNumber } from '../telemetry/config-rules.js';

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
  return checkedNumber(MIN_SPAN_ENV, RULES.micros, DEFAULT_MIN_SPAN_MICROS, problems);
}
