import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as TraceEngine from '@paulirish/trace_engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChromeTraceExporter, ChromeTraceSpanProcessor, createHost, type ChromeTraceSink } from '../src/index.js';
import { ChromeTraceLanes, MAX_TRACES } from '../src/telemetry/chrome-trace-lanes.js';
import { runCli } from './support/cli.js';
import { component } from './support/paths.js';

/*
 * The Chrome Trace Event exporter as a library (ChromeTraceSpanProcessor under createHost with a
 * real component, ChromeTraceExporter under the SDK's SimpleSpanProcessor), and its files loaded
 * by a maintained trace parser: Chrome DevTools' trace engine (@paulirish/trace_engine, the
 * Performance panel's model), which must see every span on its thread, nested as the spans are.
 */

interface TraceEvent {
  ph: string;
  pid: number;
  tid: number;
  name: string;
  ts?: number;
  dur?: number;
  args: Record<string, unknown>;
}

/** A sink that keeps the text (in tests only: a file sink keeps nothing). */
function textSink(): ChromeTraceSink & { text: string; closed: boolean } {
  return {
    text: '',
    closed: false,
    write(chunk) {
      this.text += chunk;
    },
    close() {
      this.closed = true;
    },
  };
}
const eventsOf = (text: string): TraceEvent[] => (JSON.parse(text) as { traceEvents: TraceEvent[] }).traceEvents;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-trace-lib-'));
  // The trace engine is DevTools' code: it expects the browser's DOMRect (used for layout shifts only).
  (globalThis as { DOMRect?: unknown }).DOMRect ??= class DOMRect {
    constructor(
      readonly x = 0,
      readonly y = 0,
      readonly width = 0,
      readonly height = 0,
    ) {}
  };
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The file parsed by Chrome DevTools' trace engine: its threads, each with its tree of entries. */
async function devtoolsThreads(path: string): Promise<TraceEngine.Handlers.Threads.ThreadData[]> {
  const model = TraceEngine.TraceModel.Model.createWithAllHandlers();
  const events = (JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: TraceEngine.Types.Events.Event[] }).traceEvents;
  await model.parse(events);
  const parsed = model.parsedTrace();
  expect(parsed).not.toBeNull();
  return [...TraceEngine.Handlers.Threads.threadsInTrace(parsed!.data)];
}

/** A thread's tree as nested [name, children] pairs, and each entry's duration. */
function treeOf(thread: TraceEngine.Handlers.Threads.ThreadData): unknown[] {
  const node = (n: TraceEngine.Helpers.TreeHelpers.TraceEntryNode): unknown => (n.children.length > 0 ? [n.entry.name, n.children.map(node)] : n.entry.name);
  return [...thread.tree.roots].map(node);
}

describe('trace files loaded by Chrome DevTools trace engine (@paulirish/trace_engine)', () => {
  it('nested-spans: one thread named after the instance, the four spans nested as in the trace, with their durations', async () => {
    const path = join(scratch, 'nested.json');
    expect(await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans()', '--trace-file', path], { OTEL_TRACES_EXPORTER: 'none' })).toMatchObject({ code: 0 });
    const written = eventsOf(readFileSync(path, 'utf8')).filter((e) => e.ph === 'X');
    const threads = await devtoolsThreads(path);
    expect(threads.map((t) => [t.pid, t.tid, t.name, t.entries.length])).toEqual([[1, 1, 'scenarios.wasm #1', 4]]);
    expect(treeOf(threads[0]!)).toEqual([['scenarios.wasm', [['outer', [['middle', ['inner']]]]]]]);
    const durations = Object.fromEntries(threads[0]!.entries.map((e) => [e.name, e.dur]));
    expect(durations).toEqual(Object.fromEntries(written.map((e) => [e.name, e.dur])));
  });

  it('outlives-parent: the child on a second thread, each thread a proper stack', async () => {
    const path = join(scratch, 'outlives.json');
    expect(await runCli(['run', component('scenarios.wasm'), '--invoke', 'outlives-parent()', '--trace-file', path], { OTEL_TRACES_EXPORTER: 'none' })).toMatchObject({ code: 0 });
    const threads = await devtoolsThreads(path);
    expect(threads.map((t) => [t.tid, t.name, treeOf(t)])).toEqual([
      [1, 'scenarios.wasm #1', [['scenarios.wasm', ['parent']]]],
      [2, 'scenarios.wasm #1 (2)', ['child']],
    ]);
  });

  it('an instrumented core module (function spans under a microsecond): every span in the tree, under its parent but where rounding made intervals equal', async () => {
    const path = join(scratch, 'recursion.json');
    expect(await runCli(['run', component('instr-recursion.wasm'), '--instrument', '--min-span-us', '0', '--trace-file', path], { OTEL_TRACES_EXPORTER: 'none' })).toMatchObject({ code: 0 });
    const spans = eventsOf(readFileSync(path, 'utf8')).filter((e) => e.ph === 'X');
    expect(spans.length).toBeGreaterThan(30_000);
    const byId = new Map(spans.map((e) => [e.args['otel.span_id'], e]));
    // In the file (the reader's doubles): every span within its parent, all on one thread.
    for (const child of spans) {
      const parent = byId.get(child.args['otel.parent_span_id']);
      if (parent === undefined) continue;
      expect(parent.ts! <= child.ts! && child.ts! + child.dur! <= parent.ts! + parent.dur!, child.args['otel.span_id'] as string).toBe(true);
    }
    expect(new Set(spans.map((e) => e.tid))).toEqual(new Set([1]));
    const threads = await devtoolsThreads(path);
    expect(threads).toHaveLength(1);
    const thread = threads[0]!;
    expect(thread.entries).toHaveLength(spans.length);
    expect(thread.entryToNode.size).toBe(spans.length);
    expect(treeOf(thread)).toHaveLength(1);
    const depth = (id: unknown): number => (byId.has(byId.get(id)?.args['otel.parent_span_id']) ? 1 + depth(byId.get(id)!.args['otel.parent_span_id']) : 0);
    expect(thread.tree.maxDepth).toBe(Math.max(...spans.map((e) => depth(e.args['otel.span_id']))) + 1);
    // A node under another parent than its span's is a tie a viewer cannot tell apart: a span of
    // no length (at a quarter microsecond), or intervals that rounded to the same (the span's and
    // its parent's, or its parent's and the one it is drawn under).
    const same = (a: { ts?: number; dur?: number } | undefined, b: { ts?: number; dur?: number }): boolean => a !== undefined && a.ts === b.ts && a.dur === b.dur;
    let exact = 0;
    for (const [entry, node] of thread.entryToNode) {
      const event = entry as unknown as TraceEvent;
      const parent = byId.get(event.args['otel.parent_span_id']);
      const drawnUnder = node.parent?.entry as unknown as TraceEvent | undefined;
      if (parent === undefined || drawnUnder?.args['otel.span_id'] === parent.args['otel.span_id']) {
        exact++;
        continue;
      }
      expect(event.dur === 0 || same(drawnUnder, event) || same(parent, event) || same(drawnUnder, parent), event.args['otel.span_id'] as string).toBe(true);
    }
    expect(exact / spans.length).toBeGreaterThan(0.5);
  });
});

describe('ChromeTraceSpanProcessor under createHost (library)', () => {
  it('one process per trace, in first-seen order, each with its instance thread', async () => {
    const sink = textSink();
    const processor = new ChromeTraceSpanProcessor({ sink, threadLabel: 'scenarios.wasm' });
    const host = createHost({ spanProcessors: [processor] });
    const scenarios = await host.load(component('scenarios.wasm'));
    for (const name of ['span-kinds', 'statuses']) await (await scenarios.instantiate()).invoke(name, [], { finalCall: true });
    await processor.shutdown();
    expect(sink.closed).toBe(true);
    const events = eventsOf(sink.text);
    const spans = events.filter((e) => e.ph === 'X');
    expect(spans.map((e) => [e.pid, e.tid, e.name, e.args['otel.kind'], e.args['otel.status_code'], e.args['otel.status_message']])).toEqual([
      [1, 1, 'client', 'client', 'UNSET', undefined],
      [1, 1, 'server', 'server', 'UNSET', undefined],
      [1, 1, 'producer', 'producer', 'UNSET', undefined],
      [1, 1, 'consumer', 'consumer', 'UNSET', undefined],
      [1, 1, 'internal', 'internal', 'UNSET', undefined],
      [1, 1, 'scenarios.wasm', 'internal', 'OK', undefined],
      [2, 1, 'ok-span', 'internal', 'OK', undefined],
      [2, 1, 'error-span', 'internal', 'ERROR', 'boom'],
      [2, 1, 'unset-span', 'internal', 'UNSET', undefined],
      [2, 1, 'scenarios.wasm', 'internal', 'OK', undefined],
    ]);
    expect(events.filter((e) => e.ph === 'M').map((e) => [e.pid, e.tid, e.name, e.args.name])).toEqual([
      [1, 0, 'process_name', `trace ${spans[0]!.args['otel.trace_id']}`],
      [1, 1, 'thread_name', 'scenarios.wasm #1'],
      [2, 0, 'process_name', `trace ${spans[6]!.args['otel.trace_id']}`],
      [2, 1, 'thread_name', 'scenarios.wasm #1'],
    ]);
    expect(processor.written).toBe(10);
  });
});

describe('ChromeTraceExporter under the SDK', () => {
  function tracerFor(exporter: ChromeTraceExporter) {
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    return { tracer: provider.getTracer('lib-test', '1.0.0'), provider };
  }

  it('times as the doubles a reader holds, overlapping spans that do not nest on separate lanes, a nested one back on the first', async () => {
    const sink = textSink();
    const exporter = new ChromeTraceExporter({ sink, threadLabel: 'app' });
    const { tracer, provider } = tracerFor(exporter);
    const at = (micros: number, nanos = 0): [number, number] => [1_700_000_000, micros * 1000 + nanos];
    const root = tracer.startSpan('request', { startTime: at(0, 1), attributes: { list: ['a', 'b'], n: 7 } });
    const context = trace.setSpan(ROOT_CONTEXT, root);
    const a = tracer.startSpan('a', { startTime: at(10) }, context);
    const b = tracer.startSpan('b', { startTime: at(20), kind: SpanKind.CLIENT }, context);
    a.addEvent('tick', { n: 1 }, at(15, 500));
    a.end(at(30)); // b started inside a and ends after it: not a's child on one stack
    const c = tracer.startSpan('c', { startTime: at(35) }, context);
    c.end(at(38));
    b.end(at(40));
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    root.end(at(100, 999));
    await provider.shutdown();
    const events = eventsOf(sink.text);
    const place = (name: string): [number, number] => {
      const e = events.find((x) => x.ph === 'X' && x.name === name)!;
      return [e.pid, e.tid];
    };
    expect(['a', 'b', 'c', 'request'].map(place)).toEqual([
      [1, 1],
      [1, 2],
      [1, 1],
      [1, 1],
    ]);
    expect(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [e.tid, e.args.name])).toEqual([
      [1, 'app #1'],
      [2, 'app #1 (2)'],
    ]);
    // 1,700,000,000 s + 1 ns to + 100.999 us: a double that large holds quarters of a microsecond.
    expect(sink.text).toContain('"name":"request","cat":"lib-test","ts":1700000000000000,"dur":101,"args":{"list":["a","b"],"n":7,');
    const request = events.find((e) => e.name === 'request')!;
    const aEvent = events.find((e) => e.ph === 'X' && e.name === 'a')!;
    expect(sink.text).toContain(`"name":"tick","ts":1700000000000015.5,"args":{"n":1,"otel.trace_id":"${request.args['otel.trace_id']}","otel.span_id":"${aEvent.args['otel.span_id']}"}}`);
    expect(request.args['otel.status_message']).toBe('failed');
    expect(request.args['otel.parent_span_id']).toBeUndefined();
    expect(events.find((e) => e.name === 'b')!.args['otel.parent_span_id']).toBe(request.args['otel.span_id']);
  });

  it('a sink that fails: the export fails, what could not be written is counted, the exporter keeps going quietly', async () => {
    let writes = 0;
    const exporter = new ChromeTraceExporter({
      sink: {
        write() {
          writes++;
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
      },
    });
    const { tracer } = tracerFor(exporter);
    const span = tracer.startSpan('x') as Span;
    span.end();
    const results: ExportResultCode[] = [];
    await exporter.forceFlush();
    exporter.export([], (result) => results.push(result.code));
    expect(results).toEqual([ExportResultCode.FAILED]);
    expect(exporter.failed).toMatchObject({ lostSpans: 1 });
    await exporter.shutdown();
    expect(writes).toBe(1);
    expect(exporter.written).toBe(0);
  });

  it('a file that cannot be opened throws the fs error from the constructor', () => {
    expect(() => new ChromeTraceExporter({ path: join(scratch, 'missing', 'x.json') })).toThrow(/ENOENT/);
  });
});

describe('lanes (which thread a span is drawn on)', () => {
  it('a parent that arrives before its child, or a span inside one whose insides were forgotten, goes to another lane: never a wrong stack', () => {
    const lanes = new ChromeTraceLanes();
    const tid = (start: number, end: number, traceId = 'a'): number => lanes.place(traceId, start, end).tid;
    expect(tid(0, 10)).toBe(1);
    expect(tid(2, 3)).toBe(2); // inside a span that came first: its insides are not known
    expect(tid(12, 20)).toBe(1); // after everything: a sibling
    expect(tid(11, 30)).toBe(1); // contains [12, 20]: its parent
    expect(tid(25, 40)).toBe(2); // starts inside [11, 30] and ends after it
    expect(lanes.place('b', 0, 1)).toEqual({ pid: 2, tid: 1, newProcess: true, newThread: true });
    // 2,000 siblings on lane 1 of trace c: the oldest are folded into one forgotten block.
    for (let i = 0; i < 2000; i++) expect(tid(i * 10, i * 10 + 5, 'c')).toBe(1);
    expect(tid(3, 19_000, 'c')).toBe(2); // starts inside the forgotten block: cannot be checked there
    expect(tid(0, 20_000, 'c')).toBe(1); // contains the forgotten block and all after it: their parent
    expect(tid(20_000, 20_001, 'c')).toBe(1);
  });

  it('past MAX_TRACES the least recently used trace is forgotten: a long-lived one keeps its pid however many come after it', () => {
    const lanes = new ChromeTraceLanes();
    expect(lanes.place('long', 0, 1)).toEqual({ pid: 1, tid: 1, newProcess: true, newThread: true });
    expect(lanes.place('old', 0, 1).pid).toBe(2);
    for (let n = 0; n < MAX_TRACES - 2; n++) lanes.place(`short-${n}`, 0, 1);
    // Every new trace from here on forgets one; `long` is used between them, so it is never the one.
    for (let n = 0; n < MAX_TRACES * 2; n++) {
      expect(lanes.place('long', 2 * n + 2, 2 * n + 3)).toEqual({ pid: 1, tid: 1, newProcess: false, newThread: false });
      lanes.place(`later-${n}`, 0, 1);
    }
    // `old` was the least recently used when the first later trace came: it was forgotten, and comes back as a new process.
    expect(lanes.place('old', 5, 6)).toEqual({ pid: MAX_TRACES + MAX_TRACES * 2 + 1, tid: 1, newProcess: true, newThread: true });
  });
});
