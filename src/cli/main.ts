import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { DiagLogLevel, diag, trace } from '@opentelemetry/api';
import { getStringFromEnv } from '@opentelemetry/core';
import { ProblemCounter } from '../engine/index.js';
import { createHost } from '../host/create-host.js';
import { WasmOtelError, oneLine } from '../host/errors.js';
import { exitCodeOf } from '../host/host-call.js';
import { wasmKind } from '../runtime/wasm-kind.js';
import { OneLineDiagLogger, writeStderr, writeStderrLine } from '../telemetry/diag-line.js';
import { routeSdkErrors } from '../telemetry/sdk-errors.js';
import { telemetryFromEnv } from '../telemetry/telemetry-from-env.js';
import { VERSION } from '../version.js';
import { parseCommandLine, type RunCommand } from './args.js';
import { USAGE } from './help.js';

/** The CLI: returns the process exit code; writes only to stdout (help) and stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'usage-error':
      writeStderr(`wasm-otel: ${command.message}\nRun "wasm-otel --help" for usage.\n`);
      return 2;
    case 'run':
      return run(command);
  }
}

async function run(command: RunCommand): Promise<number> {
  diag.setLogger(new OneLineDiagLogger(), { logLevel: logLevelFromEnv(), suppressOverrideMessage: true });
  const problems = new ProblemCounter();
  routeSdkErrors(problems);
  const telemetry = telemetryFromEnv(problems);
  const host = createHost({
    tracerProvider: telemetry.tracerProvider ?? trace.getTracerProvider(),
    ...(telemetry.loggerProvider ? { loggerProvider: telemetry.loggerProvider } : {}),
    ...(telemetry.meterProvider ? { meterProvider: telemetry.meterProvider } : {}),
    ...(command.minSpanMicros !== undefined ? { minSpanMicros: command.minSpanMicros } : {}),
    metricExporters: telemetry.metricExporters,
    problemCounter: problems,
  });
  let instance: { dispose(): void } | undefined;
  let code: number;
  try {
    const wasi = { args: [basename(command.file), ...command.guestArgs], env: command.env, preopens: command.preopens };
    if (await isCoreModule(command.file)) {
      const module = await host.loadModule(command.file);
      const started = await module.instantiate(wasi);
      instance = started;
      code = command.invoke === undefined ? await started.run() : await invoke(() => started.call(command.invoke!, [], { finalCall: true }));
    } else {
      const component = await host.load(command.file);
      const started = await component.instantiate(wasi);
      instance = started;
      code = command.invoke === undefined ? await started.run() : await invoke(() => started.call(command.invoke!, [], { finalCall: true }));
    }
  } catch (error) {
    const exitCode = exitCodeOf(error);
    if (exitCode !== undefined) {
      code = exitCode;
    } else {
      writeStderrLine(`wasm-otel: ${oneLine(error)}`);
      code = 1;
    }
  } finally {
    instance?.dispose();
    await telemetry.shutdown();
    const summary = problems.summary();
    if (summary !== undefined) writeStderrLine(summary);
  }
  return code;
}

/** An invoked export: exit code 0 when it returns (an exit or a trap rejects). */
async function invoke(call: () => Promise<unknown>): Promise<number> {
  await call();
  return 0;
}

/** Core module or component, by the file's header (unreadable files go on to load's message). */
async function isCoreModule(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'r');
    try {
      const header = new Uint8Array(8);
      await handle.read(header, 0, 8, 0);
      return wasmKind(header) === 'core-module';
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
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
