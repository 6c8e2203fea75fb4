import { basename, resolve } from 'node:path';
import { constants } from 'node:os';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { runInWorker } from '../host/worker/worker-run.js';
import { itemCount } from '../telemetry/delivery-ledger.js';
import { writeStderrLine } from '../telemetry/diag-line.js';
import { openTraceOutput } from './trace-output.js';
import { contextFromEnv } from '../telemetry/env-propagation.js';
import { logRecordLimitsFromEnv } from '../telemetry/telemetry-from-config.js';
import type { RunCommand } from './args.js';
import type { EarlyWorker } from '../host/worker/early-worker.js';
import type { CliDiagnostics } from './cli-diagnostics.js';
import { cliTelemetry } from './cli-telemetry.js';

/** Signals that stop a run: the telemetry is flushed, the exit code is 128 + the signal's number. */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** A transpile that takes longer than this says so on stderr (when it is a terminal). */
const TRANSPILE_NOTICE_MILLIS = 1000;

/** The first signal repeated within this long is taken as the same delivery, not a second signal. */
const DUPLICATE_SIGNAL_MILLIS = 250;

/** `: 1,234 spans and 1 log record not delivered (still open, queued or being sent)`, or '' when nothing is on its way. */
function lossOf(undelivered: Record<'spans' | 'logs' | 'metrics', number>): string {
  const parts = (
    [
      ['traces', undelivered.spans],
      ['logs', undelivered.logs],
      ['metrics', undelivered.metrics],
    ] as const
  )
    .filter(([, count]) => count > 0)
    .map(([signal, count]) => itemCount(signal, count));
  if (parts.length === 0) return '';
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `: ${list} not delivered (still open, queued or being sent)`;
}

/**
 * `wasm-otel run`: the guest runs on a worker thread (see runInWorker), its telemetry is exported
 * from this one. Returns the exit code: the guest's, 1 for a failed run, 128 + n after signal n.
 */
export async function runCommand(command: RunCommand, started: { diagnostics?: CliDiagnostics; earlyWorker?: EarlyWorker } = {}): Promise<number> {
  // --trace-file / --html: a path that cannot be written is a usage error, before anything runs.
  const traceOutput = openTraceOutput({ traceFile: command.traceFile, html: command.html, threadLabel: basename(command.file) });
  if (traceOutput !== undefined && 'error' in traceOutput) {
    writeStderrLine(`wasm-otel: ${traceOutput.error}`);
    return 2;
  }
  const { logLevel, problems, telemetry } = await cliTelemetry(traceOutput?.extras, started.diagnostics);
  const { settings } = telemetry;
  // A trace from outside (TRACEPARENT, TRACESTATE, BAGGAGE through OTEL_PROPAGATORS) is joined.
  const parentContext = telemetry.tracerProvider ? contextFromEnv(problems) : undefined;
  const run = runInWorker({
    file: command.file,
    ...(started.earlyWorker !== undefined ? { earlyWorker: started.earlyWorker } : {}),
    ...(command.invoke !== undefined ? { invoke: command.invoke } : {}),
    args: command.guestArgs,
    env: command.env,
    preopens: command.preopens,
    ...(command.traceImports ? { traceImports: true } : {}),
    ...(command.instrument ? { instrument: command.instrument } : {}),
    ...(command.imports !== undefined ? { importsModule: resolve(command.imports) } : {}),
    parentContext: parentContext ?? ROOT_CONTEXT,
    ...(command.minSpanMicros !== undefined ? { minSpanMicros: command.minSpanMicros } : {}),
    ...(command.noCache ? { cacheDir: false } : {}),
    // Why a first run is slow, said only to a person watching (not into a log file or a pipe).
    ...(process.stderr.isTTY ? { transpileNotice: { afterMillis: TRANSPILE_NOTICE_MILLIS, write: writeStderrLine } } : {}),
    ...(telemetry.tracerProvider ? { tracerProvider: telemetry.tracerProvider } : {}),
    ...(telemetry.loggerProvider ? { loggerProvider: telemetry.loggerProvider } : {}),
    metricExporters: telemetry.metricExporters,
    ledgers: telemetry.ledgers,
    limits: { spans: settings.spans.maxQueueSize, logs: settings.logs.maxQueueSize },
    waitMillis: {
      spans: settings.spans.exportTimeoutMillis,
      logs: settings.logs.exportTimeoutMillis,
      metrics: settings.metrics.exportTimeoutMillis,
    },
    problemCounter: problems,
    logLevel,
    logRecordLimits: logRecordLimitsFromEnv(),
    metricExportIntervalMillis: settings.metrics.exportIntervalMillis,
  });
  // The first signal stops the run (or, once it is over, only sets the exit code) and the flush
  // goes on within its bounds; a second signal leaves at once, saying what it leaves behind.
  let signalled: number | undefined;
  let firstSignalAt = 0;
  let runOver = false;
  const onSignal = (signal: (typeof STOP_SIGNALS)[number]): void => {
    if (signalled !== undefined) {
      // The same signal again at once is the same delivery twice (`timeout` signals the process
      // and its process group; a terminal's Ctrl-C reaches npx and us), not a second request.
      if (constants.signals[signal] === signalled && performance.now() - firstSignalAt < DUPLICATE_SIGNAL_MILLIS) return;
      writeStderrLine(`wasm-otel: second signal (${signal}): exiting at once, without finishing the flush${lossOf(run.undelivered())}`);
      telemetry.abandon();
      const summary = problems.summary();
      if (summary !== undefined) writeStderrLine(summary);
      process.exit(128 + constants.signals[signal]);
    }
    signalled = constants.signals[signal];
    firstSignalAt = performance.now();
    if (runOver) writeStderrLine(`wasm-otel: ${signal} while flushing telemetry: exiting when the flush is done (another signal exits at once)`);
    else run.interrupt(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  const outcome = await run.outcome;
  runOver = true;
  // The result of --invoke, as wasmtime prints it: WAVE text on stdout.
  if (outcome.result !== undefined) process.stdout.write(`${outcome.result}\n`);
  if (outcome.error) writeStderrLine(`wasm-otel: ${outcome.error.message}`);
  await telemetry.shutdown();
  const summary = problems.summary();
  if (summary !== undefined) writeStderrLine(summary);
  return signalled !== undefined ? 128 + signalled : outcome.exitCode;
}
