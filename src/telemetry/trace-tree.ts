import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { detailLines, formatLogLine, sortByStart, spanFrame, spanLine, type TimeFrame } from './report-format.js';
import { ReportSpans, type LeftOut, type ReportTrace } from './report-spans.js';
import { waterfallBar, waterfallBlank, waterfallFrame } from './waterfall-bar.js';
import { PLAIN_WATERFALL, type WaterfallStyle } from './waterfall-style.js';

/** What the tree could not show as such: spans whose parents form a cycle (shown as roots). */
export interface TreeStats {
  cycles: number;
}

/** How the trees are drawn. */
export interface TreeOptions {
  /**
   * The waterfall column before each span line (see waterfallStyleFor for a stream's style);
   * `false`: none, the tree alone. Default: plain ASCII, DEFAULT_WATERFALL_WIDTH cells.
   */
  waterfall?: WaterfallStyle | false;
}

/**
 * Formats spans as one tree per trace, children in start-time order, each span line after its
 * waterfall bar. Log records that belong to one of the spans are listed under it; the others
 * follow the trees. (All of them: for bounded memory keep them in a ReportSpans and use
 * renderTraceTree.)
 */
export function formatTraceTree(spans: readonly ReadableSpan[], logs: readonly ReadableLogRecord[] = [], options: TreeOptions = {}): string {
  const store = new ReportSpans({ spansPerTrace: Infinity, traces: Infinity, namesCounted: 0 });
  for (const span of spans) store.add(span);
  return renderTraceTree(store, logs, 0, undefined, options).text;
}

/** When the run the report covers started and ended (ms since 1970): the frame of logs outside traces. */
export interface RunTime {
  startMs: number;
  endMs: number;
}

/**
 * The trees of a ReportSpans: each trace from its roots; spans whose parent chain loops are shown
 * as roots marked `(parent cycle)`; what was left out is said under each trace and at the end.
 */
export function renderTraceTree(store: ReportSpans, logs: readonly ReadableLogRecord[], logsLeftOut = 0, run?: RunTime, options: TreeOptions = {}): { text: string; stats: TreeStats } {
  const waterfall = options.waterfall ?? PLAIN_WATERFALL;
  const traces = store.list();
  const logsBySpan = new Map<string, ReadableLogRecord[]>();
  const loose: ReadableLogRecord[] = [];
  for (const log of logs) {
    const context = log.spanContext;
    if (context?.spanId && store.has(context.traceId, context.spanId)) {
      const list = logsBySpan.get(context.spanId) ?? [];
      list.push(log);
      logsBySpan.set(context.spanId, list);
    } else {
      loose.push(log);
    }
  }
  const lines: string[] = [];
  const stats: TreeStats = { cycles: 0 };
  for (const trace of traces) stats.cycles += writeTrace(trace, logsBySpan, lines, waterfall);
  const { traces: moreTraces, spans: moreSpans } = store.tracesLeftOut;
  if (moreSpans > 0) lines.push(`(${moreSpans.toLocaleString('en-US')} more spans in ${moreTraces.toLocaleString('en-US')} more traces not shown)`);
  if (loose.length > 0) {
    // Without a trace above them, "outside these traces" would point at nothing.
    lines.push(traces.length > 0 || moreSpans > 0 ? 'logs outside these traces' : 'logs (their spans are not in this report)');
    const frame: TimeFrame | undefined = run && { ...run, name: 'the run', relative: false };
    for (const log of loose) {
      const context = log.spanContext?.traceId ? `  (trace ${log.spanContext.traceId}${log.spanContext.spanId ? ` span ${log.spanContext.spanId}` : ''})` : '';
      lines.push(`   ${formatLogLine(log, frame)}${context}`);
    }
  }
  if (logsLeftOut > 0) lines.push(`(${logsLeftOut.toLocaleString('en-US')} more log records not shown)`);
  return { text: lines.length > 0 ? lines.join('\n') + '\n' : '', stats };
}

/** Writes one trace; returns how many of its spans sit in a parent cycle. */
function writeTrace(trace: ReportTrace, logsBySpan: Map<string, ReadableLogRecord[]>, lines: string[], waterfall: WaterfallStyle | false): number {
  const ids = new Set(trace.spans.map((span) => span.spanContext().spanId));
  const children = new Map<string, ReadableSpan[]>();
  const roots: ReadableSpan[] = [];
  for (const span of trace.spans) {
    const parent = span.parentSpanContext?.spanId;
    if (parent === span.spanContext().spanId) continue; // its own parent: a cycle of one
    if (parent && ids.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(span);
      children.set(parent, list);
    } else {
      roots.push(span);
    }
  }
  // What no root leads to sits in a parent cycle (or below one): shown as roots too, marked.
  const reachable = new Set<string>();
  const reach = (from: ReadableSpan): void => {
    const queue = [from.spanContext().spanId];
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      if (reachable.has(id)) continue;
      reachable.add(id);
      for (const kid of children.get(id) ?? []) queue.push(kid.spanContext().spanId);
    }
  };
  roots.forEach(reach);
  const cyclic = sortByStart(trace.spans.filter((span) => !reachable.has(span.spanContext().spanId)));
  const cycleRoots: ReadableSpan[] = [];
  for (const span of cyclic) {
    if (reachable.has(span.spanContext().spanId)) continue;
    cycleRoots.push(span);
    reach(span);
  }

  lines.push(`trace ${trace.traceId}`);
  const sortedRoots = sortByStart(roots);
  // The bar column: the span's bar before its line, blanks as wide before the other lines.
  const frame = waterfall ? waterfallFrame([...sortedRoots, ...cycleRoots], trace.spans) : undefined;
  const barOf = (span: ReadableSpan): string => (waterfall && frame ? `${waterfallBar(span, frame, waterfall)} ` : '');
  const blank = waterfall && frame ? `${waterfallBlank(waterfall)} ` : '';
  const written = new Set<string>();
  const write = (span: ReadableSpan, prefix: string, last: boolean, mark: string): void => {
    const id = span.spanContext().spanId;
    written.add(id);
    const parent = span.parentSpanContext?.spanId;
    const note = mark || (parent && !ids.has(parent) ? `  (parent ${parent})` : '');
    lines.push(`${barOf(span)}${prefix}${last ? '└─ ' : '├─ '}${spanLine(span)}${note}`);
    const inner = prefix + (last ? '   ' : '│  ');
    const kids = sortByStart((children.get(id) ?? []).filter((kid) => !written.has(kid.spanContext().spanId)));
    const detailPrefix = inner + (kids.length > 0 ? '│ ' : '  ');
    for (const detail of detailLines(span)) lines.push(blank + detailPrefix + detail);
    const own = spanFrame(span);
    for (const log of logsBySpan.get(id) ?? []) lines.push(blank + detailPrefix + formatLogLine(log, own));
    kids.forEach((kid, i) => {
      if (!written.has(kid.spanContext().spanId)) write(kid, inner, i === kids.length - 1, '');
    });
  };
  const more = cyclic.length > 0 || trace.leftOut.count > 0;
  sortedRoots.forEach((root, i) => write(root, '', i === sortedRoots.length - 1 && !more, ''));
  cycleRoots.forEach((span, i) => write(span, '', i === cycleRoots.length - 1 && trace.leftOut.count === 0, `  (parent cycle: parent ${span.parentSpanContext?.spanId})`));
  writeLeftOut(trace.leftOut, lines, blank);
  return cyclic.length;
}

function writeLeftOut(leftOut: LeftOut, lines: string[], blank: string): void {
  if (leftOut.count === 0) return;
  // The most frequent names (at most 10), then the rest together.
  const sorted = [...leftOut.byName.entries()].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, 10);
  const rest = sorted.slice(10).reduce((sum, [, count]) => sum + count, 0);
  const names = shown.map(([name, count]) => `${name} ${count.toLocaleString('en-US')}`);
  if (rest > 0) names.push(`other names ${rest.toLocaleString('en-US')}`);
  lines.push(`${blank}└─ (${leftOut.count.toLocaleString('en-US')} more spans not shown: ${names.join(', ')})`);
}
