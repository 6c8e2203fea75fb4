/**
 * `--trace-file <path>` and `--html <path>` of `run` and `serve`: a ChromeTraceSpanProcessor
 * beside the exporters OTEL_TRACES_EXPORTER asks for, writing to the trace file (or, for --html
 * alone, to a temporary one), closed when the telemetry shuts down; then the HTML page is made
 * from it. Paths are checked before the guest runs, so a bad one is a usage error.
 */
import { accessSync, constants, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ProblemCounter } from '../engine/index.js';
import { fsReason } from '../runtime/fs-reason.js';
import { ChromeTraceSpanProcessor } from '../telemetry/chrome-trace-exporter.js';
import type { TelemetryExtras } from '../telemetry/telemetry-from-config.js';
import { writeStderrLine } from '../telemetry/diag-line.js';

export interface TraceOutputRequest {
  /** `--trace-file`. */
  traceFile: string | undefined;
  /** `--html`. */
  html: string | undefined;
  /** What the threads are named after (the guest file's name); also the page's title when the trace file is a temporary one. */
  threadLabel: string;
}

export interface TraceOutput {
  /** For telemetryFromEnv: the processor, closing the file and making the page at shutdown. */
  extras: TelemetryExtras;
  /** For an exit that cannot wait: closes the trace file (valid JSON); no page is made. */
  abandon(): void;
}

/** `undefined` when the page can be written to `path`, else why not (without touching the file). */
function htmlPathProblem(path: string): string | undefined {
  try {
    // In fsReason's words for EISDIR and ENOTDIR.
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) return 'is a directory';
    const dir = dirname(path);
    if (!statSync(dir).isDirectory()) return 'a part of the path is not a directory';
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    return fsReason(error, 'create');
  }
}

/**
 * Opens what --trace-file / --html ask for: undefined when neither is given, `{ error }` (one
 * line, without the `wasm-otel:` prefix) when a path cannot be written.
 */
export function openTraceOutput(request: TraceOutputRequest): TraceOutput | { error: string } | undefined {
  const { html } = request;
  if (request.traceFile === undefined && html === undefined) return undefined;
  if (html !== undefined) {
    const problem = htmlPathProblem(html);
    if (problem !== undefined) return { error: `--html ${html}: cannot write the page: ${problem}` };
  }
  const temporary = request.traceFile === undefined;
  const traceFile = request.traceFile ?? join(tmpdir(), `wasm-otel-trace-${process.pid}-${randomBytes(6).toString('hex')}.json`);
  let processor: ChromeTraceSpanProcessor;
  try {
    processor = new ChromeTraceSpanProcessor({ path: traceFile, threadLabel: request.threadLabel });
  } catch (error) {
    return { error: temporary ? `--html ${html}: cannot write a temporary trace file in ${tmpdir()}: ${fsReason(error, 'create')}` : `--trace-file ${traceFile}: cannot write it: ${fsReason(error, 'create')}` };
  }
  /** Closes the trace file (valid JSON) at once, without the page. */
  const abandon = (): void => {
    processor.closeNow();
    // No time for the page: say so, and keep the spans so far (a temporary file too) for `view`.
    if (html !== undefined) writeStderrLine(`wasm-otel: --html ${html} not written (second signal); the spans so far are in ${traceFile} (wasm-otel view ${traceFile} -o ${html} makes the page)`);
  };
  return {
    extras: {
      spanProcessors: [processor],
      async afterShutdown(problems: ProblemCounter) {
        await processor.shutdown();
        const failure = processor.failed;
        if (failure !== undefined) {
          const lost = failure.lostSpans > 0 ? `${failure.lostSpans.toLocaleString('en-US')} span${failure.lostSpans === 1 ? '' : 's'} not written to ${traceFile}` : `${traceFile} not completed`;
          problems.report('traces_export_failed', `${lost} (${fsReason(failure.error, 'create')})`, Math.max(1, failure.lostSpans));
        }
        if (html !== undefined) {
          try {
            // A temporary file's name says nothing: the page is titled after the guest.
            // The page's writer (and its JSON stream reader) loads only for --html.
            const { writeHtmlView } = await import('../view/html-view.js');
            await writeHtmlView(traceFile, html, temporary ? { title: request.threadLabel } : {});
          } catch (error) {
            problems.report('traces_export_failed', `--html ${html}: the page was not written (${error instanceof Error ? error.message : String(error)})`);
          }
        }
        if (temporary) rmSync(traceFile, { force: true });
      },
      onAbandon: abandon,
    },
    abandon,
  };
}
