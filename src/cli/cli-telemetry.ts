import { diag, type DiagLogLevel } from '@opentelemetry/api';
import { ProblemCounter } from '../engine/index.js';
import { checkConfigEnv, logLevelFromEnv } from '../telemetry/config-variables.js';
import { OneLineDiagLogger } from '../telemetry/diag-line.js';
import { routeSdkErrors } from '../telemetry/sdk-errors.js';
import { telemetryFromEnv, type EnvTelemetry, type TelemetryExtras } from '../telemetry/telemetry-from-env.js';

/**
 * What every command that runs guests sets up first: one-line diagnostics at OTEL_LOG_LEVEL, the
 * problem counter (the SDK's errors counted in it), the configuration variables checked once
 * (bad values reported and taken out, so that no SDK of this process or of a guest's thread says
 * more), and the providers and exporters the OTEL_* variables ask for, plus `extras` (e.g. the
 * `--trace-file` processor).
 */
export function cliTelemetry(extras: TelemetryExtras = {}): { logLevel: DiagLogLevel; problems: ProblemCounter; telemetry: EnvTelemetry } {
  const logLevel = logLevelFromEnv();
  diag.setLogger(new OneLineDiagLogger(), { logLevel, suppressOverrideMessage: true });
  const problems = new ProblemCounter();
  routeSdkErrors(problems);
  checkConfigEnv(problems);
  return { logLevel, problems, telemetry: telemetryFromEnv(problems, process.stderr, extras) };
}
