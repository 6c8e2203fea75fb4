import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fsReason } from '../runtime/fs-reason.js';
import { instrumentModule, InstrumentError } from '../runtime/instrument/instrument-module.js';
import { droppedSectionsNote, instrumentationSummary, noMatchNote } from '../host/instrument-load.js';
import { writeStderrLine } from '../telemetry/diag-line.js';
import type { InstrumentCommand } from './args.js';

/**
 * `wasm-otel instrument`: rewrites a core module so that its functions call the
 * `dylibso:observe/instrument` hooks, and writes it to `-o`. Prints what it did on stdout;
 * returns 0, or 1 (the reason on stderr) when the module cannot be read, instrumented or written.
 */
export async function instrumentCommand(command: InstrumentCommand): Promise<number> {
  const name = basename(command.file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(command.file);
  } catch (error) {
    writeStderrLine(`wasm-otel: cannot read ${command.file}: ${fsReason(error, 'file')}`);
    return 1;
  }
  let result;
  try {
    result = await instrumentModule(bytes, command.options);
  } catch (error) {
    const reason = error instanceof InstrumentError ? `it ${error.reason}` : String((error as Error).message ?? error).split('\n')[0];
    writeStderrLine(`wasm-otel: cannot instrument ${name}: ${reason}`);
    return 1;
  }
  // Written aside, then renamed: a failed write never leaves half a module under the output's name.
  const temporary = `${command.output}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, result.bytes);
    await rename(temporary, command.output);
  } catch (error) {
    writeStderrLine(`wasm-otel: cannot write ${command.output}: ${fsReason(error, 'create')}`);
    return 1;
  }
  for (const line of [
    `wasm-otel: ${name}: ${instrumentationSummary(result)}`,
    ...(result.droppedSections.length > 0 ? [`wasm-otel: ${name}: ${droppedSectionsNote(result.droppedSections)}`] : []),
    ...(result.unsupported.length > 0 ? [`wasm-otel: ${name}: not instrumented (an instruction the rewriter cannot look inside): ${result.unsupported.join(', ')}`] : []),
    ...(noMatchNote(result, command.options) !== undefined ? [`wasm-otel: ${name}: ${noMatchNote(result, command.options)}`] : []),
    `wasm-otel: wrote ${command.output}`,
  ]) process.stdout.write(`${line}\n`);
  return 0;
}
