import { parseArgs } from 'node:util';
import { parseMinSpanMicros } from '../host/min-span.js';
import { parseInvoke, WaveSyntaxError } from '../host/wave/invoke-call.js';

/** What `run` was asked to do. */
export interface RunCommand {
  kind: 'run';
  file: string;
  invoke: string | undefined;
  guestArgs: string[];
  /** Guest path -> host directory (`--dir HOST[::GUEST]`). */
  preopens: Record<string, string>;
  /** `--env NAME=VALUE`, or `--env NAME` (the host's value). */
  env: Record<string, string>;
  /** `--min-span-us N`; undefined: WASM_OTEL_MIN_SPAN_US or the default. */
  minSpanMicros: number | undefined;
  /** `--no-cache`: transpile without the cache. */
  noCache: boolean;
}

export type CliCommand = { kind: 'help' } | { kind: 'version' } | RunCommand | { kind: 'usage-error'; message: string };

/** Parses the command line (without `node` and the script). Never throws. */
export function parseCommandLine(argv: readonly string[], hostEnv: NodeJS.ProcessEnv = process.env): CliCommand {
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
        dir: { type: 'string', multiple: true },
        env: { type: 'string', multiple: true },
        'min-span-us': { type: 'string' },
        'no-cache': { type: 'boolean' },
      },
    });
  } catch (error) {
    return { kind: 'usage-error', message: parseArgsMessage(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, file, ...extra] = positionals;
  if (command === undefined) return { kind: 'help' };
  if (command !== 'run') return { kind: 'usage-error', message: `unknown command "${command}" (expected "run")` };
  if (file === undefined) return { kind: 'usage-error', message: 'run needs a .wasm file' };
  if (extra.length > 0) return { kind: 'usage-error', message: `unexpected argument "${extra[0]}" (guest arguments go after --)` };
  if (values.invoke !== undefined && values.invoke.trim() === '') return { kind: 'usage-error', message: '--invoke needs an export name' };
  if (values.invoke !== undefined) {
    try {
      parseInvoke(values.invoke);
    } catch (error) {
      if (!(error instanceof WaveSyntaxError)) throw error;
      return { kind: 'usage-error', message: `--invoke ${JSON.stringify(values.invoke)}: ${error.message}` };
    }
  }
  const preopens: Record<string, string> = {};
  for (const dir of values.dir ?? []) {
    const [host, guest, ...rest] = dir.split('::');
    if (!host || guest === '' || rest.length > 0) return { kind: 'usage-error', message: `--dir ${JSON.stringify(dir)}: expected HOST_DIR or HOST_DIR::GUEST_DIR` };
    preopens[guest ?? host] = host;
  }
  const env: Record<string, string> = {};
  for (const entry of values.env ?? []) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    if (name === '') return { kind: 'usage-error', message: `--env ${JSON.stringify(entry)}: expected NAME=VALUE or NAME` };
    const value = eq < 0 ? hostEnv[name] : entry.slice(eq + 1);
    if (value !== undefined) env[name] = value;
  }
  let minSpanMicros: number | undefined;
  if (values['min-span-us'] !== undefined) {
    minSpanMicros = parseMinSpanMicros(values['min-span-us']);
    if (minSpanMicros === undefined) return { kind: 'usage-error', message: `--min-span-us ${JSON.stringify(values['min-span-us'])}: expected a number of microseconds >= 0` };
  }
  return { kind: 'run', file, invoke: values.invoke, guestArgs, preopens, env, minSpanMicros, noCache: values['no-cache'] === true };
}

/**
 * node:util parseArgs's errors in our words (its own text speaks of positionals and suggests `--`,
 * which here passes arguments to the guest).
 */
function parseArgsMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^' ]*)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) return `${option} needs a value`;
  return message.split('\n')[0]!;
}
