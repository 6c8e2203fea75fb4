import { shortenLongWords, writeStderr } from '../telemetry/diag-line.js';
import { VERSION } from '../version.js';
import { parseCommandLine } from './args.js';
import { USAGE } from './help.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { instrumentCommand } from './instrument.js';
import { conformanceCommand } from './conformance.js';
import { viewCommand } from './view.js';

/** The CLI: returns the process exit code; writes only to stdout (help) and stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  onePerLineWarnings();
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'no-arguments':
      // Nothing asked: a usage error, with the usage where errors go.
      writeStderr(USAGE);
      return 2;
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'usage-error':
      writeStderr(`wasm-otel: ${shortenLongWords(command.message)}\nRun "wasm-otel --help" for usage.\n`);
      return 2;
    case 'run':
      return runCommand(command);
    case 'serve':
      return serveCommand(command);
    case 'instrument':
      return instrumentCommand(command);
    case 'conformance':
      return conformanceCommand(command);
    case 'view':
      return viewCommand(command);
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
