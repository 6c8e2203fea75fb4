import { rename, unlink, writeFile } from 'node:fs/promises';
import { fsReason } from '../runtime/fs-reason.js';
import { writeStderrLine } from '../telemetry/diag-line.js';
import { pageHtml } from './page-html.js';
import { TraceFileError } from './trace-events-reader.js';
import { buildViewData, DEFAULT_VIEW_LIMITS, type ViewLimits } from './view-builder.js';

export { TraceFileError } from './trace-events-reader.js';

/** What a written page holds. */
export interface HtmlViewSummary {
  spans: number;
  spansLeftOut: number;
  eventsLeftOut: number;
  traces: number;
}

/**
 * Writes a self-contained HTML page (inline script and CSS, no network) that shows the Chrome
 * Trace Event file `traceFile` (as `--trace-file` writes it, or any chrome://tracing file) to
 * `htmlFile`: a zoomable waterfall of its traces, a span's details on a click, and a flame graph
 * of its call stacks. When the file has more spans than a page embeds, says on stderr (and on
 * the page) how many were left out. Rejects with a TraceFileError (one line naming the file)
 * when the trace file cannot be read or the page cannot be written; a page is never left half
 * written.
 */
export async function writeHtmlView(traceFile: string, htmlFile: string): Promise<void> {
  const summary = await writeHtmlViewWithSummary(traceFile, htmlFile);
  if (summary.spansLeftOut > 0) {
    writeStderrLine(
      `wasm-otel: ${htmlFile}: ${count(summary.spansLeftOut)} of ${count(summary.spans)} spans left out of the waterfall ` +
        `(it shows the first ${count(DEFAULT_VIEW_LIMITS.spans)} by start and their parents); the flame graph has them all`,
    );
  }
}

/** writeHtmlView's work, with what the page holds (limits for tests). */
export async function writeHtmlViewWithSummary(traceFile: string, htmlFile: string, limits: ViewLimits = DEFAULT_VIEW_LIMITS): Promise<HtmlViewSummary> {
  const data = await buildViewData(traceFile, limits);
  const html = pageHtml(data);
  // Written aside, then renamed: a failed write never leaves half a page under the output's name.
  const temporary = `${htmlFile}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, html);
    await rename(temporary, htmlFile);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw new TraceFileError(`cannot write ${htmlFile}: ${fsReason(error, 'create')}`);
  }
  return { spans: data.spanCount, spansLeftOut: data.spansLeftOut, eventsLeftOut: data.eventsLeftOut, traces: data.traces.length };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
