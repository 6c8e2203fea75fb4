import { diag } from '@opentelemetry/api';
import { instrumentCached } from '../runtime/instrument/instrument-cache.js';
import { InstrumentError, type InstrumentResult } from '../runtime/instrument/instrument-module.js';
import type { InstrumentOptions } from '../runtime/instrument/instrument-options.js';
import { WasmOtelError } from './errors.js';

/** `LoadOptions.instrument`: true for the defaults, or the options. */
export type InstrumentChoice = boolean | InstrumentOptions | undefined;

/** The options an `instrument` choice stands for; undefined: do not instrument. */
export function instrumentOptionsOf(choice: InstrumentChoice): InstrumentOptions | undefined {
  if (choice === undefined || choice === false) return undefined;
  return choice === true ? {} : choice;
}

/**
 * A core module's bytes, instrumented (cached in `cacheDir`). A module that already has the
 * hooks (the reference instrumenter's output, or ours) is used as it is, said at info.
 */
export async function instrumentedBytes(name: string, bytes: Uint8Array, options: InstrumentOptions, cacheDir: string | false): Promise<{ bytes: Uint8Array; cacheProblem?: string }> {
  try {
    const result = await instrumentCached(bytes, options, cacheDir);
    tellAbout(name, result.summary, options);
    return { bytes: result.bytes, ...(result.cacheProblem !== undefined ? { cacheProblem: result.cacheProblem } : {}) };
  } catch (error) {
    if (error instanceof InstrumentError && error.code === 'already_instrumented') {
      diag.info(`wasm-otel: ${name} ${error.reason.replace(/; instrument the original module$/, '')}: run as it is`);
      return { bytes };
    }
    if (error instanceof InstrumentError) throw new InstrumentError(error.code, error.reason, name);
    throw new WasmOtelError('instrument_failed', `cannot instrument ${name}: ${(error as Error).message?.split('\n')[0] ?? String(error)}`, { cause: error });
  }
}

/**
 * What an instrumentation in memory did, and the custom sections it dropped, at info (nothing is
 * written); functions it could not instrument, and an `include` that matches nothing, at warn.
 */
export function tellAbout(name: string, summary: Omit<InstrumentResult, 'bytes'>, options: InstrumentOptions = {}): void {
  diag.info(`wasm-otel: ${name}: ${instrumentationSummary(summary)}`);
  if (summary.droppedSections.length > 0) diag.info(`wasm-otel: ${name}: ${droppedSectionsNote(summary.droppedSections)}`);
  if (summary.unsupported.length > 0) diag.warn(`wasm-otel: ${name}: ${summary.unsupported.length} functions not instrumented (an instruction the rewriter cannot look inside): ${summary.unsupported.slice(0, 5).join(', ')}${summary.unsupported.length > 5 ? ', ...' : ''}`);
  const unmatched = noMatchNote(summary, options);
  if (unmatched !== undefined) diag.warn(`wasm-otel: ${name}: ${unmatched}`);
}

/** `no function matches --include 'Fib' ...` when the globs left nothing to instrument. */
export function noMatchNote(summary: Omit<InstrumentResult, 'bytes'>, options: InstrumentOptions): string | undefined {
  if (summary.instrumented > 0 || summary.excluded === 0 || !options.include?.length) return undefined;
  return `no function matches --include ${options.include.map((glob) => `'${glob}'`).join(' ')}, so none is instrumented (names are matched demangled and case-sensitive, e.g. 'main', 'std::vector<int>::push_back(int)')`;
}

/** `instrumented 55 of 62 functions (5 excluded, 2 tiny leaves), 1 memory.grow; 27,945 -> 31,200 bytes (+11.6%)` */
export function instrumentationSummary(summary: Omit<InstrumentResult, 'bytes'>): string {
  const skipped = [
    summary.excluded > 0 ? `${summary.excluded.toLocaleString('en-US')} excluded by name` : '',
    summary.tinyLeaves > 0 ? `${summary.tinyLeaves.toLocaleString('en-US')} tiny leaves` : '',
    summary.unsupported.length > 0 ? `${summary.unsupported.length} unsupported` : '',
  ].filter(Boolean);
  const growth = summary.inputBytes > 0 ? ((summary.outputBytes - summary.inputBytes) / summary.inputBytes) * 100 : 0;
  const count = (n: number): string => n.toLocaleString('en-US');
  const dropped = summary.droppedSectionBytes > 0 ? `; ${count(summary.droppedSectionBytes)} bytes of it dropped custom sections` : '';
  return (
    `instrumented ${count(summary.instrumented)} of ${count(summary.definedFunctions)} functions${skipped.length ? ` (not: ${skipped.join(', ')})` : ''}, ` +
    `${count(summary.memoryGrows)} memory.grow; ${count(summary.inputBytes)} -> ${count(summary.outputBytes)} bytes (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%${dropped})`
  );
}

/** Why custom sections are gone from the output. */
export function droppedSectionsNote(sections: readonly string[]): string {
  const dwarf = sections.some((name) => name.startsWith('.debug_'));
  return `dropped custom sections that instrumenting makes stale: ${sections.join(', ')}${dwarf ? ' (DWARF describes the code before the rewrite: debug with the uninstrumented module)' : ''}`;
}
