import type { ProblemCounter } from '../engine/index.js';
import type { TextSink } from './console-tree-exporter.js';
import { readTelemetryEnv } from './env-config.js';
import { otlpExporters } from './otlp-exporters.js';
import { telemetryFromConfig, type EnvTelemetry, type TelemetryExtras } from './telemetry-from-config.js';

export type { EnvTelemetry, TelemetryExtras } from './telemetry-from-config.js';

/**
 * Builds what the CLI exports through, from the standard OTEL_* variables (sampler, limits,
 * resource, exporters per signal, protocols, endpoints, batch settings), plus `extras`. (The
 * CLI itself calls telemetryFromConfig, and loads the OTLP exporters only when it needs them.)
 */
export function telemetryFromEnv(problems: ProblemCounter, consoleSink: TextSink = process.stderr, extras: TelemetryExtras = {}): EnvTelemetry {
  return telemetryFromConfig(readTelemetryEnv(problems), otlpExporters, problems, consoleSink, extras);
}
