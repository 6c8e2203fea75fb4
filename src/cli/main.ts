import { basename } from 'node:path';
import { DiagLogLevel, diag, trace } from '@opentelemetry/api';
import { getStringFromEnv } from '@opentelemetry/core';
import { ProblemCounter } from '../engine/index.js';
import { createHost } from '../host/create-host.js';
import { WasmOtelError, oneLine } from '../host/errors.js';
import type { GuestInstance } from '../host/guest-instance.js';
import { telemetryFromEnv } from '../telemetry/telemetry-from-env.js';
import { VERSION } from '../version.js';
import { parseCommandLine } from './args.js';
import { USAGE } from './help.js';
import { StderrDiagLogger } from './stderr-diag-logger.js';

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
      process.stderr.write(`wasm-otel: ${command.message}\nRun "wasm-otel --help" for usage.\n`);
      return 2;
    case 'run':
      return run(command.file, command.invoke, command.guestArgs);
  }
}

async function run(file: string, invoke: string | undefined, guestArgs: string[]): Promise<number> {
  diag.setLogger(new StderrDiagLogger(), { logLevel: logLevelFromEnv(), suppressOverrideMessage: true });
  const problems = new ProblemCounter();
  const telemetry = telemetryFromEnv(problems);
  const host = createHost({
    tracerProvider: telemetry.tracerProvider ?? trace.getTracerProvider(),
    ...(telemetry.loggerProvider ? { loggerProvider: telemetry.loggerProvider } : {}),
    metricExporters: telemetry.metricExporters,
    problemCounter: problems,
  });
  let instance: GuestInstance | undefined;
  let code: number;
  try {
    const component = await host.load(file);
    instance = await component.instantiate({ args: [basename(file), ...guestArgs] });
    if (invoke === undefined) {
      code = await instance.run();
    } else {
      await instance.call(invoke, [], { finalCall: true });
      code = 0;
    }
  } catch (error) {
    if (error instanceof WasmOtelError && error.code === 'guest_exit') {
      code = (error.cause as { code: number }).code;
    } else {
      process.stderr.write(`wasm-otel: ${oneLine(error)}\n`);
      code = 1;
    }
  } finally {
    instance?.dispose();
    await telemetry.shutdown();
  }
  return code;
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
