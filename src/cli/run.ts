import { constants } from 'node:os';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { getStringFromEnv } from '@opentelemetry/core';
import { ProblemCounter } from '../engine/index.js';
import { runInWorker } from '../host/worker/worker-run.js';
import { OneLineDiagLogger, writeStderrLine } from '../telemetry/diag-line.js';
import { routeSdkErrors } from '../telemetry/sdk-errors.js';
import {
  exportTimeoutFromEnv,
  logRecordLimitsFromEnv,
  metricExportIntervalFromEnv,
  queueSizesFromEnv,
  telemetryFromEnv,
} from '../telemetry/telemetry-from-env.js';
import type { RunCommand } from './args.js';

/** Signals that stop a run: the telemetry is flushed, the exit code is 128 + the signal's number. */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * `wasm-otel run`: the guest runs on a worker thread (see runInWorker), its telemetry is exported
 * from this one. Returns the exit code: the guest's, 1 for a failed run, 128 + n after signal n.
 */
export async function runCommand(command: RunCommand): Promise<number> {
  const logLevel = logLevelFromEnv();
  diag.setLogger(new OneLineDiagLogger(), { logLevel, suppressOverrideMessage: true });
  const problems = new ProblemCounter();
  routeSdkErrors(problems);
  const telemetry = telemetryFromEnv(problems);
  const queues = queueSizesFromEnv();
  const run = runInWorker({
    file: command.file,
    ...(command.invoke !== undefined ? { invoke: command.invoke } : {}),
    args: command.guestArgs,
    env: command.env,
    preopens: command.preopens,
    ...(command.minSpanMicros !== undefined ? { minSpanMicros: command.minSpanMicros } : {}),
    ...(telemetry.tracerProvider ? { tracerProvider: telemetry.tracerProvider } : {}),
    ...(telemetry.loggerProvider ? { loggerProvider: telemetry.loggerProvider } : {}),
    metricExporters: telemetry.metricExporters,
    ledgers: telemetry.ledgers,
    limits: { spans: queues.spans, logs: queues.logs },
    waitMillis: {
      spans: exportTimeoutFromEnv('OTEL_BSP_EXPORT_TIMEOUT'),
      logs: exportTimeoutFromEnv('OTEL_BLRP_EXPORT_TIMEOUT'),
      metrics: exportTimeoutFromEnv('OTEL_METRIC_EXPORT_TIMEOUT'),
    },
    problemCounter: problems,
    logLevel,
    logRecordLimits: logRecordLimitsFromEnv(),
    metricExportIntervalMillis: metricExportIntervalFromEnv(),
  });
  // The first signal stops the run (or, once it is over, only sets the exit code) and the flush
  // goes on within its bounds; a second signal leaves at once.
  let signalled: number | undefined;
  let runOver = false;
  const onSignal = (signal: (typeof STOP_SIGNALS)[number]): void => {
    if (signalled !== undefined) process.exit(128 + constants.signals[signal]);
    signalled = constants.signals[signal];
    if (runOver) writeStderrLine(`wasm-otel: ${signal} while flushing telemetry: exiting when the flush is done (another signal exits at once)`);
    else run.interrupt(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const outcome = await run.outcome;
  runOver = true;
  if (outcome.error) writeStderrLine(`wasm-otel: ${outcome.error.message}`);
  await telemetry.shutdown();
  const summary = problems.summary();
  if (summary !== undefined) writeStderrLine(summary);
  return signalled !== undefined ? 128 + signalled : outcome.exitCode;
}

const LEVELS: Record<string, DiagLogLevel> = {
  NONE: DiagLogLevel.NONE,
  ERROR: DiagLogLevel.ERROR,
  WARN: DiagLogLevel.WARN,
  INFO: DiagLogLevel.INFO,
  DEBUG: DiagLogLevel.DEBUG,
  VERBOSE: DiagLogLevel.VERBOSE,
  ALL: DiagLogLevel.ALL,
};

function logLevelFromEnv(): DiagLogLevel {
  const text = getStringFromEnv('OTEL_LOG_LEVEL')?.toUpperCase();
  return (text !== undefined ? LEVELS[text] : undefined) ?? DiagLogLevel.WARN;
}
