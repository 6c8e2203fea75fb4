import { readTelemetryEnv } from '../telemetry/env-config.js';
import { usesOtlp } from '../telemetry/signal-exporters.js';
import { telemetryFromConfig, type EnvTelemetry, type TelemetryExtras } from '../telemetry/telemetry-from-config.js';
import { cliDiagnostics, type CliDiagnostics } from './cli-diagnostics.js';

/**
 * What every command that runs guests sets up: its diagnostics (see cliDiagnostics; already set
 * up when given), and the providers and exporters the OTEL_* variables ask for, plus `extras`
 * (e.g. the `--trace-file` processor). The OTLP exporters' code (gRPC, protobuf: most of the
 * CLI's) is loaded only when a signal goes to OTLP.
 */
export async function cliTelemetry(extras: TelemetryExtras = {}, diagnostics: CliDiagnostics = cliDiagnostics()): Promise<CliDiagnostics & { telemetry: EnvTelemetry }> {
  const { logLevel, problems } = diagnostics;
  const config = readTelemetryEnv(problems);
  const otlp = usesOtlp(config) ? (await import('../telemetry/otlp-exporters.js')).otlpExporters : undefined;
  return { logLevel, problems, telemetry: telemetryFromConfig(config, otlp, problems, process.stderr, extras) };
}
