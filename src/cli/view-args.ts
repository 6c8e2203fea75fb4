/**
 * `wasm-otel view <trace.json> [-o <out.html>]`: its arguments, read from node:util parseArgs's
 * values (the option table is args.ts's, shared by every command).
 */
import { resolve } from 'node:path';

/** What `view` was asked to do. */
export interface ViewCommand {
  kind: 'view';
  /** The Chrome Trace Event file (`--trace-file`'s, or any chrome://tracing JSON). */
  file: string;
  /** `-o FILE`; default: the input's name with `.html` instead of `.json`, next to it. */
  output: string;
}

type Values = Record<string, string | boolean | string[] | undefined>;

/** `view`'s command from its positionals (after the command) and the parsed values, or a usage error's message. */
export function viewCommand(positionals: string[], guestArgs: string[], values: Values): ViewCommand | { kind: 'usage-error'; message: string } {
  const usage = (message: string): { kind: 'usage-error'; message: string } => ({ kind: 'usage-error', message });
  const [file, ...extra] = positionals;
  if (file === undefined || file.trim() === '') return usage('view needs a trace file (e.g. trace.json, written by run --trace-file)');
  const unexpected = extra[0] ?? guestArgs[0];
  if (unexpected !== undefined) return usage(`unexpected argument "${unexpected}" (view takes one trace file; the page goes to -o)`);
  const foreign = Object.keys(values).find((name) => values[name] !== undefined && name !== 'output');
  if (foreign !== undefined) return usage(`--${foreign} is not an option of view (it takes -o)`);
  const output = (values.output as string[] | undefined)?.[0] ?? defaultViewOutput(file);
  if (output.trim() === '') return usage('-o needs a file name');
  if (resolve(output) === resolve(file)) return usage(`-o ${output}: the page would overwrite the trace file`);
  return { kind: 'view', file, output };
}

/** `trace.json` -> `trace.html` (next to the input); another name gets `.html` added. */
export function defaultViewOutput(file: string): string {
  return /\.json$/i.test(file) ? file.replace(/\.json$/i, '.html') : `${file}.html`;
}
