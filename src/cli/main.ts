import { shortenLongWords, writeStderr } from '../telemetry/diag-line.js';
import { VERSION } from '../version.js';

/*
 * Each command's module (and with it the runtime, the OTel SDK, jco's glue, binaryen) is loaded
 * only when that command runs, and the argument parser only when there are arguments to parse:
 * `wasm-otel --version` loads next to nothing.
 */

/** The CLI: returns the process exit code; writes only to stdout (help) and stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  onePerLineWarnings();
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { parseCommandLine } = await import('./args.js');
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write((await import('./help.js')).USAGE);
      return 0;
    case 'no-arguments':
      // Nothing asked: a usage error, with the usage where errors go.
      writeStderr((await import('./help.js')).USAGE);
      return 2;
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'usage-error':
      writeStderr(`wasm-otel: ${shortenLongWords(command.message)}\nRun "wasm-otel --help" for usage.\n`);
      return 2;
    case 'run': {
      // The guest's thread first: it loads the runtime while this one loads the telemetry.
      const earlyWorker = new (await import('../host/worker/early-worker.js')).EarlyWorker();
      try {
        const diagnostics = (await import('./cli-diagnostics.js')).cliDiagnostics();
        return await (await import('./run.js')).runCommand(command, { diagnostics, earlyWorker });
      } finally {
        await earlyWorker.dispose();
      }
    }
    case 'serve':
      return (await import('./serve.js')).serveCommand(command);
    case 'instrument':
      return (await import('./instrument.js')).instrumentCommand(command);
    case 'conformance':
      return (await import('./conformance.js')).conformanceCommand(command);
    case 'view':
      return (await import('./view.js')).viewCommand(command);
  }
}

/**
 * Node's own process warnings (a library's deprecation, e.g. DEP0123 when grpc-js connects to an
 * IP address over TLS) as one `wasm-otel:` line each, once per kind, instead of Node's two-line
 * text with its `--trace-warnings` hint.
 */
function onePerLineWarnings(): void {
  const seen = new Set<string>();
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    const key = warning.code ?? `${warning.name}: ${warning.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    writeStderr(`wasm-otel: node: ${warning.name}${warning.code ? ` ${warning.code}` : ''}: ${warning.message.split('\n')[0]}\n`);
  });
}
