import { writeStderrLine } from '../telemetry/diag-line.js';
import { TraceFileError, writeHtmlView } from '../view/html-view.js';
import type { ViewCommand } from './view-args.js';

/**
 * `wasm-otel view`: writes the HTML page of a trace file and prints its path on stdout.
 * Returns 0, or 1 with one `wasm-otel:` line when the trace file cannot be read (missing, not
 * JSON, not a trace) or the page cannot be written.
 */
export async function viewCommand(command: ViewCommand): Promise<number> {
  try {
    await writeHtmlView(command.file, command.output);
  } catch (error) {
    const message = error instanceof TraceFileError ? error.message : `${command.file}: ${String((error as Error).message ?? error).split('\n')[0]}`;
    writeStderrLine(`wasm-otel: ${message}`);
    return 1;
  }
  process.stdout.write(`${command.output}\n`);
  return 0;
}
