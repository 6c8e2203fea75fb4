import { diag, type DiagLogLevel } from '@opentelemetry/api';
import { ProblemCounter } from '../engine/problems.js';
import { checkConfigEnv, logLevelFromEnv } from '../telemetry/config-variables.js';
import { OneLineDiagLogger } from '../telemetry/diag-line.js';
import { routeSdkErrors } from '../telemetry/sdk-errors.js';

/** What a command that runs guests has set up before anything else (see cliDiagnostics). */
export interface CliDiagnostics {
  logLevel: DiagLogLevel;
  problems: ProblemCounter;
}

/**
 * The first thing every command that runs guests does: one-line diagnostics at OTEL_LOG_LEVEL,
 * the problem counter (the SDK's errors counted in it), and the configuration variables checked
 * once: bad values reported and taken out of process.env, so that no SDK of this process or of a
 * guest's thread (which gets a copy of the environment when it starts) says more.
 */
export function cliDiagnostics(): CliDiagnostics {
  const logLevel = logLevelFromEnv();
  diag.setLogger(new OneLineDiagLogger(), { logLevel, suppressOverrideMessage: true });
  const problems = new ProblemCounter();
  routeSdkErrors(problems);
  checkConfigEnv(problems);
  return { logLevel, problems };
}
