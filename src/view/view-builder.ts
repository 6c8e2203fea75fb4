import { basename } from 'node:path';
import { flameGraph } from './flame-graph.js';
import { argsOf } from './span-table.js';
import { chooseSpans, resolveParents, treeOrder } from './span-tree.js';
import { eventSpanKey, TraceCollector, type CollectedEvent } from './trace-collector.js';
import { readTraceEvents } from './trace-events-reader.js';
import type { ViewData, ViewSpan, ViewSpanEvent } from './view-data.js';

/** How much a page embeds at most (a page of a million spans would not open). */
export interface ViewLimits {
  /** Spans drawn in the waterfall (plus their ancestors). */
  spans: number;
  /** Span events shown in the details. */
  events: number;
  /** Nodes of the flame graph (which merges every span of the file). */
  flameNodes: number;
}

export const DEFAULT_VIEW_LIMITS: ViewLimits = { spans: 50_000, events: 200_000, flameNodes: 50_000 };

/** What a page is made with besides the file and the limits. */
export interface HtmlViewOptions {
  /** The page's heading and title (default: the trace file's name). */
  title?: string;
}

/**
 * Reads a Chrome Trace Event file into the data its page embeds: every span goes into the
 * tree and the flame graph, the first `limits.spans` by start (and their ancestors) into the
 * waterfall with their args and events. A file over the limit is read twice (the second time
 * for the args of the chosen spans only), so memory stays bounded by the columns of
 * SpanTable. Throws TraceFileError for a file it cannot read.
 */
export async function buildViewData(traceFile: string, limits: ViewLimits = DEFAULT_VIEW_LIMITS, options: HtmlViewOptions = {}): Promise<ViewData> {
  let collector = new TraceCollector(limits.spans, limits.events);
  const { layout, producer, endsEarly } = await readTraceEvents(traceFile, (event) => collector.add(event), () => (collector = new TraceCollector(limits.spans, limits.events)));
  const { table } = collector;
  resolveParents(table);
  const { chosen } = chooseSpans(table, limits.spans);
  let details = collector;
  if (collector.overLimit) {
    const spanKeys = new Set<string>();
    for (let i = 0; i < table.count; i++) {
      const key = chosen[i] === 1 ? table.keyOf(i) : undefined;
      if (key !== undefined) spanKeys.add(key);
    }
    const wanted = { indexes: chosen, spanKeys, traceOfPid: collector.traceOfPid };
    const again = (): TraceCollector => new TraceCollector(limits.spans, limits.events, wanted);
    details = again();
    await readTraceEvents(traceFile, (event) => details.add(event), () => (details = again()), layout);
  }
  const { order, depth, traces } = treeOrder(table, chosen);
  let startMicros = Infinity;
  for (let i = 0; i < table.count; i++) startMicros = Math.min(startMicros, table.start[i]!);
  if (!Number.isFinite(startMicros)) startMicros = 0;

  // Events by the key of their span (trace and span id: guests reuse span ids in every trace).
  const eventsBySpan = new Map<string, CollectedEvent[]>();
  for (const event of details.events) {
    const key = eventSpanKey(event, collector.traceOfPid);
    (eventsBySpan.get(key) ?? eventsBySpan.set(key, []).get(key)!).push(event);
  }
  const position = new Map<number, number>();
  order.forEach((index, at) => position.set(index, at));
  const spans: ViewSpan[] = order.map((i) => {
    const event = details.details?.[i] ?? {};
    const args = argsOf(event);
    const spanId = table.spanIds[i] ?? null;
    const start = table.start[i]!;
    const key = table.keyOf(i);
    const events: ViewSpanEvent[] = (key !== undefined ? eventsBySpan.get(key) ?? [] : []).map((e) => ({ name: e.name, offset: e.ts - start, attributes: withoutOtel(e.args) }));
    const threadKey = table.threads.values[table.thread[i]!]!;
    return {
      name: table.names.values[table.name[i]!]!,
      start: start - startMicros,
      duration: table.duration[i]!,
      depth: depth.get(i)!,
      parent: table.parent[i]! >= 0 ? position.get(table.parent[i]!) ?? -1 : -1,
      trace: 0,
      traceId: stringOrNull(args['otel.trace_id']),
      spanId,
      parentSpanId: table.parentSpanIds[i] ?? null,
      kind: stringOrNull(args['otel.kind']),
      status: stringOrNull(args['otel.status_code']) ?? 'UNSET',
      statusMessage: stringOrNull(args['otel.status_message']),
      scope: stringOrNull(args['otel.scope']) ?? stringOrNull((event as { cat?: unknown }).cat),
      thread: collector.threadNames.get(threadKey) ?? threadKey,
      attributes: withoutOtel(args),
      events,
      links: Array.isArray(args['otel.links']) ? (args['otel.links'] as unknown[]).map(String) : [],
    };
  });
  const viewTraces = traces.map((segment, at) => {
    for (let k = segment.first; k < segment.first + segment.count; k++) spans[k]!.trace = at;
    const key = table.traces.values[segment.trace]!;
    const pid = key.startsWith('pid ') ? key.slice(4) : undefined;
    return { label: pid !== undefined ? collector.processNames.get(pid) ?? `process ${pid}` : key, first: segment.first, count: segment.count };
  });
  return {
    title: options.title ?? basename(traceFile),
    producer,
    ...(endsEarly !== undefined ? { endsEarlyAfter: endsEarly.events } : {}),
    startMicros: startMicros > 1e14 ? startMicros : 0,
    spanCount: table.count,
    spansLeftOut: table.count - spans.length,
    eventsLeftOut: details.eventsLeftOut,
    traces: viewTraces,
    spans,
    flame: flameGraph(table, limits.flameNodes),
  };
}

/** Args without the `otel.*` ones (they are shown as the span's ids, kind, status and links). */
function withoutOtel(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) if (!key.startsWith('otel.')) out[key] = value;
  return out;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
