import { writeStderr } from '../telemetry/diag-line.js';
import { VERSION } from '../version.js';
import { parseCommandLine } from './args.js';
import { USAGE } from './help.js';
import { runCommand } from './run.js';

/** The CLI: returns the process exit code; writes only to stdout (help) and stderr. */
export async function main(argv: readonly string[]): Promise<number> {
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
      writeStderr(`wasm-otel: ${command.message}\nRun "wasm-otel --help" for usage.\n`);
      return 2;
    case 'run':
      return runCommand(command);
  }
}
