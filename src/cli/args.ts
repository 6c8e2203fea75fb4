import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { InstrumentOptions } from '../runtime/instrument/instrument-options.js';
import { parseMinSpanMicros } from '../host/min-span.js';
import { parseListen } from '../http/server.js';
import { parseInvoke, WaveSyntaxError } from '../host/wave/invoke-call.js';
import { CONFORMANCE_OPTIONS, conformanceCommand, type ConformanceCommand } from './conformance-args.js';
import { viewCommand, type ViewCommand } from './view-args.js';

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
  /** `--trace-imports`: a span per host call of a component. */
  traceImports: boolean;
  /** `--imports MODULE.mjs`: embedder imports of a component. */
  imports: string | undefined;
  /** `--instrument` (with `--include`, `--exclude`, `--min-instructions`): function spans of the guest's code. */
  instrument: InstrumentOptions | undefined;
  /** `--trace-file PATH`: every span also into a Chrome Trace Event file. */
  traceFile: string | undefined;
  /** `--html PATH`: a page showing the trace, made at exit. */
  html: string | undefined;
}

/** What `instrument` was asked to do. */
export interface InstrumentCommand {
  kind: 'instrument';
  file: string;
  /** `-o FILE`; default: the input's name with `.instr.wasm` instead of `.wasm`. */
  output: string;
  options: InstrumentOptions;
}

/** What `serve` was asked to do. */
export interface ServeCommand {
  kind: 'serve';
  file: string;
  /** `--listen HOST:PORT` (default 127.0.0.1:8080). */
  listen: string | undefined;
  /** `--imports MODULE.mjs`: embedder imports. */
  imports: string | undefined;
  preopens: Record<string, string>;
  env: Record<string, string>;
  noCache: boolean;
  /** `--request-timeout-ms N`. */
  requestTimeoutMillis: number | undefined;
  /** `--reuse-instances`. */
  reuseInstances: boolean;
  /** `--trace-imports`. */
  traceImports: boolean;
  /** `--threads N`: guest threads serving at once (default: see ThreadedServeOptions.threads). */
  threads: number | undefined;
  /** `--trace-file PATH`, as for run. */
  traceFile: string | undefined;
  /** `--html PATH`, as for run. */
  html: string | undefined;
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | RunCommand
  | ServeCommand
  | InstrumentCommand
  | ConformanceCommand
  | ViewCommand
  | { kind: 'usage-error'; message: string }
  /** No arguments at all: the usage goes to stderr, exit 2. */
  | { kind: 'no-arguments' };

/** The commands, for `help <command>` and suggestions. */
export const COMMANDS = ['run', 'serve', 'instrument', 'conformance', 'view', 'help'] as const;

/** The options `run` takes (node:util parseArgs's table), also for suggestions. */
const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  invoke: { type: 'string', multiple: true },
  dir: { type: 'string', multiple: true },
  env: { type: 'string', multiple: true },
  'min-span-us': { type: 'string', multiple: true },
  'no-cache': { type: 'boolean' },
  listen: { type: 'string', multiple: true },
  imports: { type: 'string', multiple: true },
  'request-timeout-ms': { type: 'string', multiple: true },
  threads: { type: 'string', multiple: true },
  'reuse-instances': { type: 'boolean' },
  'trace-imports': { type: 'boolean' },
  instrument: { type: 'boolean' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'min-instructions': { type: 'string', multiple: true },
  output: { type: 'string', short: 'o', multiple: true },
  'trace-file': { type: 'string', multiple: true },
  html: { type: 'string', multiple: true },
  host: { type: 'string', multiple: true },
  scenario: { type: 'string', multiple: true },
  components: { type: 'string', multiple: true },
  timeout: { type: 'string', multiple: true },
  jobs: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

/** Options only `serve` takes, and only `run` takes. */
const SERVE_ONLY = ['listen', 'request-timeout-ms', 'threads', 'reuse-instances'] as const;
const RUN_ONLY = ['invoke', 'min-span-us', 'instrument'] as const;
/** The rewriter's options (`instrument`, and `run --instrument`). */
const REWRITE_OPTIONS = ['include', 'exclude', 'min-instructions'] as const;
/** Options of `instrument` (the rewriter's, and -o). */
const INSTRUMENT_OPTIONS = [...REWRITE_OPTIONS, 'output'] as const;

/** Parses the command line (without `node` and the script). Never throws. */
export function parseCommandLine(argv: readonly string[], hostEnv: NodeJS.ProcessEnv = process.env): CliCommand {
  if (argv.length === 0) return { kind: 'no-arguments' };
  const separator = argv.indexOf('--');
  const own = withNegativeValues(separator < 0 ? [...argv] : argv.slice(0, separator));
  const guestArgs = separator < 0 ? [] : argv.slice(separator + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (error) {
    return { kind: 'usage-error', message: parseArgsMessage(error) };
  }
  const { positionals } = parsed;
  // One call per run, one filter: a repeated option is a mistake, not "the last one wins".
  for (const name of ['invoke', 'min-span-us', 'listen', 'imports', 'request-timeout-ms', 'threads', 'min-instructions', 'output', 'trace-file', 'html'] as const) {
    if ((parsed.values[name]?.length ?? 0) > 1) return { kind: 'usage-error', message: `--${name} given ${parsed.values[name]!.length} times (once per run)` };
  }
  const values = { ...parsed.values, invoke: parsed.values.invoke?.[0], 'min-span-us': parsed.values['min-span-us']?.[0], listen: parsed.values.listen?.[0], imports: parsed.values.imports?.[0], 'request-timeout-ms': parsed.values['request-timeout-ms']?.[0], threads: parsed.values.threads?.[0], 'trace-file': parsed.values['trace-file']?.[0], html: parsed.values.html?.[0] };
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, file, ...extra] = positionals;
  if (command === undefined) return { kind: 'help' };
  if (command === 'help') {
    // `wasm-otel help [command]`
    if (file === undefined || (COMMANDS as readonly string[]).includes(file)) return extra.length > 0 ? { kind: 'usage-error', message: `unexpected argument "${extra[0]}"` } : { kind: 'help' };
    return { kind: 'usage-error', message: unknownCommand(file) };
  }
  if (command === 'conformance') return conformanceCommand(positionals.slice(1), guestArgs, parsed.values);
  if (command === 'view') return viewCommand(positionals.slice(1), guestArgs, parsed.values);
  if (command !== 'run' && command !== 'serve' && command !== 'instrument') return { kind: 'usage-error', message: unknownCommand(command) };
  const conformanceOnly = CONFORMANCE_OPTIONS.find((name) => parsed.values[name] !== undefined);
  if (conformanceOnly !== undefined) return { kind: 'usage-error', message: `--${conformanceOnly} is an option of conformance, not of ${command}` };
  if (file === undefined) return { kind: 'usage-error', message: `${command} needs a .wasm file` };
  if (command === 'instrument') return instrumentCommand(file, [...extra, ...guestArgs], parsed.values);
  if (parsed.values.output !== undefined) return { kind: 'usage-error', message: `-o/--output is an option of instrument, not of ${command}` };
  if (values.imports !== undefined && values.imports.trim() === '') return { kind: 'usage-error', message: '--imports needs a module file (.mjs or .js)' };
  const traceOutput = traceOutputOf(values, file);
  if ('message' in traceOutput) return { kind: 'usage-error', message: traceOutput.message };
  const other = command === 'run' ? SERVE_ONLY : [...RUN_ONLY, ...REWRITE_OPTIONS];
  const misplaced = other.find((name) => values[name] !== undefined);
  if (misplaced !== undefined) return { kind: 'usage-error', message: `--${misplaced} is an option of ${command === 'run' ? 'serve' : 'run'}, not of ${command}` };
  if (command === 'serve') {
    if (extra.length > 0 || guestArgs.length > 0) return { kind: 'usage-error', message: `unexpected argument "${extra[0] ?? guestArgs[0]}" (serve takes one .wasm file)` };
    const sandbox = sandboxOf(values, hostEnv);
    if ('message' in sandbox) return { kind: 'usage-error', message: sandbox.message };
    let requestTimeoutMillis: number | undefined;
    if (values['request-timeout-ms'] !== undefined) {
      requestTimeoutMillis = Number(values['request-timeout-ms']);
      if (!/^\d+$/.test(values['request-timeout-ms']) || requestTimeoutMillis < 1) return { kind: 'usage-error', message: `--request-timeout-ms ${JSON.stringify(values['request-timeout-ms'])}: expected a whole number of milliseconds >= 1` };
    }
    let threads: number | undefined;
    if (values.threads !== undefined) {
      threads = Number(values.threads);
      if (!/^\d+$/.test(values.threads) || threads < 1 || threads > 256) return { kind: 'usage-error', message: `--threads ${JSON.stringify(values.threads)}: expected a whole number from 1 to 256` };
    }
    if (values.listen !== undefined) {
      try {
        parseListen(values.listen);
      } catch (error) {
        return { kind: 'usage-error', message: (error as Error).message };
      }
    }
    return { kind: 'serve', file, listen: values.listen, imports: values.imports, ...sandbox, noCache: values['no-cache'] === true, requestTimeoutMillis, reuseInstances: values['reuse-instances'] === true, traceImports: values['trace-imports'] === true, threads, ...traceOutput };
  }
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
  const sandbox = sandboxOf(values, hostEnv);
  if ('message' in sandbox) return { kind: 'usage-error', message: sandbox.message };
  const { preopens, env } = sandbox;
  let minSpanMicros: number | undefined;
  if (values['min-span-us'] !== undefined) {
    minSpanMicros = parseMinSpanMicros(values['min-span-us']);
    if (minSpanMicros === undefined) return { kind: 'usage-error', message: `--min-span-us ${JSON.stringify(values['min-span-us'])}: expected a number of microseconds >= 0` };
  }
  const rewrite = rewriteOptionsOf(parsed.values);
  if ('message' in rewrite) return { kind: 'usage-error', message: rewrite.message };
  const given = REWRITE_OPTIONS.find((name) => parsed.values[name] !== undefined);
  if (given !== undefined && values.instrument !== true) return { kind: 'usage-error', message: `--${given} is an option of --instrument (run --instrument ${'--' + given} ...)` };
  const instrument = values.instrument === true ? rewrite.options : undefined;
  return { kind: 'run', file, invoke: values.invoke, guestArgs, preopens, env, minSpanMicros, noCache: values['no-cache'] === true, traceImports: values['trace-imports'] === true, imports: values.imports, instrument, ...traceOutput };
}

/** `instrument FILE [-o OUT] [--include G]... [--exclude G]... [--min-instructions N]` */
function instrumentCommand(file: string, extra: string[], values: ParsedValues): CliCommand {
  if (extra.length > 0) return { kind: 'usage-error', message: `unexpected argument "${extra[0]}" (instrument takes one .wasm file; the output goes to -o)` };
  const foreign = (Object.keys(values) as (keyof typeof OPTIONS)[]).find((name) => values[name] !== undefined && !(INSTRUMENT_OPTIONS as readonly string[]).includes(name));
  if (foreign !== undefined) return { kind: 'usage-error', message: `--${foreign} is not an option of instrument (it takes -o, --include, --exclude, --min-instructions)` };
  const rewrite = rewriteOptionsOf(values);
  if ('message' in rewrite) return { kind: 'usage-error', message: rewrite.message };
  const output = values.output?.[0] ?? defaultOutput(file);
  if (output.trim() === '') return { kind: 'usage-error', message: '-o needs a file name' };
  if (resolve(output) === resolve(file)) return { kind: 'usage-error', message: `-o ${output}: the output would overwrite the input` };
  return { kind: 'instrument', file, output, options: rewrite.options };
}

type ParsedValues = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { type: 'boolean' } ? boolean : (typeof OPTIONS)[K] extends { multiple: true } ? string[] : string };

/** `--include`, `--exclude` and `--min-instructions` as the rewriter's options. */
function rewriteOptionsOf(values: ParsedValues): { options: InstrumentOptions } | { message: string } {
  const options: InstrumentOptions = {};
  for (const name of ['include', 'exclude'] as const) {
    const globs = values[name] ?? [];
    const empty = globs.find((glob) => glob.trim() === '');
    if (empty !== undefined) return { message: `--${name} needs a function name glob (e.g. 'parse_*')` };
    if (globs.length > 0) options[name] = globs;
  }
  const min = values['min-instructions']?.[0];
  if (min !== undefined) {
    if (!/^\d+$/.test(min) || Number(min) > 1_000_000) return { message: `--min-instructions ${JSON.stringify(min)}: expected a whole number from 0 to 1000000` };
    options.minInstructions = Number(min);
  }
  return { options };
}

/** `app.wasm` -> `app.instr.wasm` (next to the input). */
function defaultOutput(file: string): string {
  return /\.wasm$/i.test(file) ? file.replace(/\.wasm$/i, '.instr.wasm') : `${file}.instr.wasm`;
}


/** `--trace-file` and `--html` (files written at exit), or what is wrong with them. */
function traceOutputOf(values: { 'trace-file'?: string | undefined; html?: string | undefined }, input: string): { traceFile: string | undefined; html: string | undefined } | { message: string } {
  const traceFile = values['trace-file'];
  const html = values.html;
  if (traceFile !== undefined && traceFile.trim() === '') return { message: '--trace-file needs a file name (e.g. trace.json)' };
  if (html !== undefined && html.trim() === '') return { message: '--html needs a file name (e.g. trace.html)' };
  if (traceFile !== undefined && html !== undefined && resolve(traceFile) === resolve(html)) return { message: `--html ${html}: the page would overwrite the --trace-file` };
  // Both files are created before the guest is read: naming the guest would destroy it.
  if (traceFile !== undefined && resolve(traceFile) === resolve(input)) return { message: `--trace-file ${traceFile}: the trace would overwrite the guest ${input}` };
  if (html !== undefined && resolve(html) === resolve(input)) return { message: `--html ${html}: the page would overwrite the guest ${input}` };
  return { traceFile, html };
}

/** `--dir` and `--env` as preopens and environment, or what is wrong with one. */
function sandboxOf(values: { dir?: string[]; env?: string[] }, hostEnv: NodeJS.ProcessEnv): { preopens: Record<string, string>; env: Record<string, string> } | { message: string } {
  const preopens: Record<string, string> = {};
  for (const dir of values.dir ?? []) {
    const [host, guest, ...rest] = dir.split('::');
    if (!host || guest === '' || rest.length > 0) return { message: `--dir ${JSON.stringify(dir)}: expected HOST_DIR or HOST_DIR::GUEST_DIR` };
    preopens[guest ?? host] = host;
  }
  const env: Record<string, string> = {};
  for (const entry of values.env ?? []) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    if (name === '') return { message: `--env ${JSON.stringify(entry)}: expected NAME=VALUE or NAME` };
    const value = eq < 0 ? hostEnv[name] : entry.slice(eq + 1);
    if (value !== undefined) env[name] = value;
  }
  return { preopens, env };
}

/** `unknown command "rn" (did you mean "run"?)` */
function unknownCommand(command: string): string {
  const near = nearest(command, COMMANDS);
  return `unknown command "${command}" (${near !== undefined ? `did you mean "${near}"?` : `commands: ${COMMANDS.join(', ')}`})`;
}

/**
 * `--min-span-us -5` as `--min-span-us=-5`: parseArgs takes a value that starts with `-` for an
 * option, and would say the value is missing; our own check then says what is wrong with it.
 */
function withNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([a-z-]+)$/.exec(args[i]!)?.[1];
    const next = args[i + 1];
    if (name !== undefined && OPTIONS[name as keyof typeof OPTIONS]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else {
      out.push(args[i]!);
    }
  }
  return out;
}

/** The candidate closest to `word` (at most a third of its letters off), if any. */
function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * node:util parseArgs's errors in our words (its own text speaks of positionals and suggests `--`,
 * which here passes arguments to the guest).
 */
function parseArgsMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^', ]*)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    const long = /^--([^=]+)/.exec(option)?.[1];
    const near = long !== undefined ? nearest(long, Object.keys(OPTIONS)) : undefined;
    const flags = Object.entries(OPTIONS).map(([name, spec]) => ('short' in spec ? `-${spec.short}/--${name}` : `--${name}`));
    return `unknown option ${option} (${near !== undefined ? `did you mean --${near}?` : `options: ${flags.join(', ')}`})`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) return /does not take an argument/.test(message) ? `${option.replace(/=.*$/, '')} takes no value` : `${option} needs a value`;
  return message.split('\n')[0]!;
}
