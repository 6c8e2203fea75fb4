import { constants } from 'node:os';
import { basename, resolve } from 'node:path';
import { oneLine } from '../host/errors.js';
import { importsFrom } from '../host/imports-module.js';
import { serveFile } from '../host/serve-file.js';
import { openTraceOutput } from './trace-output.js';
import { writeStderrLine } from '../telemetry/diag-line.js';
import { propagatorsFromEnv } from '../telemetry/env-propagation.js';
import { logRecordLimitsFromEnv } from '../telemetry/telemetry-from-config.js';
import type { ServeCommand } from './args.js';
import { cliTelemetry } from './cli-telemetry.js';

const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** The first signal repeated within this long is taken as the same delivery, not a second signal. */
const DUPLICATE_SIGNAL_MILLIS = 250;

/** How long a stop lets requests in flight finish. */
const DRAIN_MILLIS = 10_000;

/** After a request, its telemetry is flushed this soon (coalesced), so the console tree shows each trace as it ends. */
const FLUSH_AFTER_MILLIS = 250;

/**
 * `wasm-otel serve`: serves a `wasi:http` component on guest threads (see serveFile)
 * until SIGTERM, SIGINT or SIGHUP; then requests in flight finish (within 10 s), the telemetry
 * is flushed, and the exit code is 0. A component that cannot be loaded or served: 1.
 */
export async function serveCommand(command: ServeCommand): Promise<number> {
  // --trace-file / --html: a path that cannot be written is a usage error, before anything is served.
  const traceOutput = openTraceOutput({ traceFile: command.traceFile, html: command.html, threadLabel: basename(command.file) });
  if (traceOutput !== undefined && 'error' in traceOutput) {
    writeStderrLine(`wasm-otel: ${traceOutput.error}`);
    return 2;
  }
  const { logLevel, problems, telemetry } = await cliTelemetry(traceOutput?.extras);
  const finish = async (code: number): Promise<number> => {
    await telemetry.shutdown();
    const summary = problems.summary();
    if (summary !== undefined) writeStderrLine(summary);
    return code;
  };
  if (command.imports !== undefined) {
    // Checked here once, for a one-line answer; each serving thread loads it for itself.
    const loaded = await importsFrom(command.imports);
    if (typeof loaded === 'string') {
      writeStderrLine(`wasm-otel: ${loaded}`);
      return finish(1);
    }
  }
  const { settings } = telemetry;
  const propagators = telemetry.tracerProvider ? (propagatorsFromEnv(problems)?.names ?? []) : [];
  let flushTimer: NodeJS.Timeout | undefined;
  const flushSoon = (): void => {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      // Over OTLP: sent now rather than at the next batch; on the console: printed now.
      void telemetry.flushToConsole();
    }, FLUSH_AFTER_MILLIS);
  };
  let server;
  try {
    server = await serveFile({
      file: command.file,
      ...(command.listen !== undefined ? { listen: command.listen } : {}),
      ...(command.threads !== undefined ? { threads: command.threads } : {}),
      ...(command.imports !== undefined ? { importsModule: resolve(command.imports) } : {}),
      preopens: command.preopens,
      env: command.env,
      ...(command.requestTimeoutMillis !== undefined ? { limits: { requestTimeoutMillis: command.requestTimeoutMillis } } : {}),
      reuseInstances: command.reuseInstances,
      ...(command.traceImports ? { traceImports: true } : {}),
      propagators,
      onResponse: flushSoon,
      ...(command.noCache ? { cacheDir: false } : {}),
      ...(telemetry.tracerProvider ? { tracerProvider: telemetry.tracerProvider } : {}),
      ...(telemetry.loggerProvider ? { loggerProvider: telemetry.loggerProvider } : {}),
      metricExporters: telemetry.metricExporters,
      ledgers: telemetry.ledgers,
      queueLimits: { spans: settings.spans.maxQueueSize, logs: settings.logs.maxQueueSize },
      waitMillis: { spans: settings.spans.exportTimeoutMillis, logs: settings.logs.exportTimeoutMillis, metrics: settings.metrics.exportTimeoutMillis },
      problemCounter: problems,
      logLevel,
      logRecordLimits: logRecordLimitsFromEnv(),
      metricExportIntervalMillis: settings.metrics.exportIntervalMillis,
    });
  } catch (error) {
    writeStderrLine(`wasm-otel: ${oneLine(error)}`);
    return finish(1);
  }
  process.stdout.write(`wasm-otel: serving ${command.file} on ${server.url}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    for (const name of STOP_SIGNALS) process.once(name, () => resolveSignal(name));
  });
  // A second signal leaves at once; the same one again at once is the same delivery twice (npx,
  // `timeout` and a terminal's Ctrl-C signal both the process and its group).
  const firstAt = performance.now();
  for (const name of STOP_SIGNALS) {
    process.on(name, () => {
      if (name === signal && performance.now() - firstAt < DUPLICATE_SIGNAL_MILLIS) return;
      writeStderrLine(`wasm-otel: second signal (${name}): exiting at once, without finishing requests in flight or the flush`);
      traceOutput?.abandon();
      process.exit(128 + constants.signals[name]);
    });
  }
  const inFlight = server.inFlight;
  writeStderrLine(`wasm-otel: ${signal}: stopping${inFlight > 0 ? ` (letting ${inFlight} request${inFlight === 1 ? '' : 's'} in flight finish)` : ''}`);
  await server.close(DRAIN_MILLIS);
  clearTimeout(flushTimer);
  return finish(0);
}
