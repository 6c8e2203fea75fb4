import { parseArgs } from 'node:util';

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; file: string; invoke: string | undefined; guestArgs: string[] }
  | { kind: 'usage-error'; message: string };

/** Parses the command line (without `node` and the script). Never throws. */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  const separator = argv.indexOf('--');
  const own = separator < 0 ? [...argv] : argv.slice(0, separator);
  const guestArgs = separator < 0 ? [] : argv.slice(separator + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
        invoke: { type: 'string' },
      },
    });
  } catch (error) {
    return { kind: 'usage-error', message: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, file, ...extra] = positionals;
  if (command === undefined) return { kind: 'help' };
  if (command !== 'run') return { kind: 'usage-error', message: `unknown command "${command}" (expected "run")` };
  if (file === undefined) return { kind: 'usage-error', message: 'run needs a .wasm file' };
  if (extra.length > 0) return { kind: 'usage-error', message: `unexpected argument "${extra[0]}" (guest arguments go after --)` };
  if (values.invoke !== undefined && values.invoke === '') return { kind: 'usage-error', message: '--invoke needs an export name' };
  return { kind: 'run', file, invoke: values.invoke, guestArgs };
}
