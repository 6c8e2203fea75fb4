import { rmSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { fsReason } from '../runtime/fs-reason.js';
import { writeStderrLine } from '../telemetry/diag-line.js';
import { pageHtml } from './page-html.js';
import { TraceFileError } from './trace-events-reader.js';
import { buildViewData, DEFAULT_VIEW_LIMITS, type ViewLimits, type HtmlViewOptions } from './view-builder.js';

export { TraceFileError } from './trace-events-reader.js';
export type { HtmlViewOptions } from './view-builder.js';

/** What a written page holds. */
export interface HtmlViewSummary {
  spans: number;
  spansLeftOut: number;
  eventsLeftOut: number;
  traces: number;
  /** Set when the trace file ends inside its event array: the events read before its end. */
  endsEarlyAfter?: number;
}

/**
 * Pages being written aside (`<out>.<pid>.tmp`): removed if the process exits first (a second
 * signal exits at once, while the page may be half written), so that none is left behind.
 */
const pagesBeingWritten = new Set<string>();
let removeOnExit = false;

function writingAside(temporary: string): void {
  pagesBeingWritten.add(temporary);
  if (removeOnExit) return;
  removeOnExit = true;
  process.on('exit', () => {
    for (const path of pagesBeingWritten) rmSync(path, { force: true });
  });
}

/**
 * Writes a self-contained HTML page (inline script and CSS, no network) that shows the Chrome
 * Trace Event file `traceFile` (as `--trace-file` writes it, or any chrome://tracing file) to
 * `htmlFile`: a zoomable waterfall of its traces, a span's details on a click, and a flame graph
 * of its call stacks. When the file has more spans than a page embeds, says on stderr (and on
 * the page) how many were left out. Rejects with a TraceFileError (one line naming the file)
 * when the trace file cannot be read or the page cannot be written; a page is never left half
 * written. A trace file that ends early (a run that crashed) still makes a page, of the events
 * before its end, with one line on stderr saying so. `options.title` heads the page (default:
 * the trace file's name).
 */
export async function writeHtmlView(traceFile: string, htmlFile: string, options: HtmlViewOptions = {}): Promise<void> {
  const summary = await writeHtmlViewWithSummary(traceFile, htmlFile, DEFAULT_VIEW_LIMITS, options);
  if (summary.endsEarlyAfter !== undefined) {
    writeStderrLine(`wasm-otel: ${traceFile} ends early: ${count(summary.endsEarlyAfter)} event${summary.endsEarlyAfter === 1 ? '' : 's'} read; the page shows them`);
  }
  if (summary.spansLeftOut > 0) {
    writeStderrLine(
      `wasm-otel: ${htmlFile}: ${count(summary.spansLeftOut)} of ${count(summary.spans)} spans left out of the waterfall ` +
        `(it shows the first ${count(DEFAULT_VIEW_LIMITS.spans)} by start and their parents); the flame graph has them all`,
    );
  }
}

/** writeHtmlView's work, with what the page holds (limits for tests). */
export async function writeHtmlViewWithSummary(traceFile: string, htmlFile: string, limits: ViewLimits = DEFAULT_VIEW_LIMITS, options: HtmlViewOptions = {}): Promise<HtmlViewSummary> {
  const data = await buildViewData(traceFile, limits, options);
  const html = pageHtml(data);
  // Written aside, then renamed: a failed write never leaves half a page under the output's name.
  const temporary = `${htmlFile}.${process.pid}.tmp`;
  writingAside(temporary);
  try {
    await writeFile(temporary, html);
    await rename(temporary, htmlFile);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw new TraceFileError(`cannot write ${htmlFile}: ${fsReason(error, 'create')}`);
  } finally {
    pagesBeingWritten.delete(temporary);
  }
  return {
    spans: data.spanCount,
    spansLeftOut: data.spansLeftOut,
    eventsLeftOut: data.eventsLeftOut,
    traces: data.traces.length,
    ...(data.endsEarlyAfter !== undefined ? { endsEarlyAfter: data.endsEarlyAfter } : {}),
  };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
