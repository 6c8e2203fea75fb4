import { SpanKind, SpanStatusCode, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type * as Tracing from '../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-tracing.js';
import { GuestReadableSpan } from '../src/engine/index.js';
import { ProblemCounter, createHost } from '../src/index.js';
import { ConsoleReport } from '../src/telemetry/console-report.js';
import { ReportSpans } from '../src/telemetry/report-spans.js';
import { renderTraceTree } from '../src/telemetry/trace-tree.js';
import { runCli } from './support/cli.js';
import { component } from './support/paths.js';

/* The console report (the default without an OTLP endpoint): bounded memory, cycles shown. */

const TRACE = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0';
const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

function span(id: number, parent: number | undefined, name = 'work', traceId = TRACE): ReadableSpan {
  const context: SpanContext = { traceId, spanId: hex16(id), traceFlags: TraceFlags.SAMPLED };
  const parentContext = parent === undefined ? undefined : { traceId, spanId: hex16(parent), traceFlags: TraceFlags.SAMPLED };
  return new GuestReadableSpan(context, parentContext, name, SpanKind.INTERNAL, [1_700_000_000, id], [1_700_000_000, id + 10], { code: SpanStatusCode.UNSET }, {}, [], [], emptyResource(), { name: 'test' }, 0, 0, 0);
}

describe('the report keeps bounded memory for any number of spans', () => {
  it('a million spans of one trace, children before parents: 500 kept with the root, the rest counted by name', () => {
    const store = new ReportSpans();
    // a root (id 1) with a million children, each child ending before the root
    for (let i = 2; i <= 1_000_001; i++) store.add(span(i, 1, i % 2 === 0 ? 'even' : 'odd'));
    store.add(span(1, undefined, 'root'));
    expect(store.size).toBe(500);
    expect(store.has(TRACE, hex16(1))).toBe(true);
    const [trace] = store.list();
    expect(trace!.leftOut.count).toBe(1_000_001 - 500);
    expect(Object.fromEntries(trace!.leftOut.byName)).toEqual({ even: 500_000 - 249, odd: 500_000 - 250 });
    const { text } = renderTraceTree(store, []);
    expect(text.split('\n')[1]).toBe('├─ root  internal  0.0us');
    expect(text.trimEnd().split('\n').pop()).toBe('└─ (999,501 more spans not shown: even 499,751, odd 499,750)');
  });

  it('a deep chain keeps its ancestors: the kept spans always reach the root', () => {
    const store = new ReportSpans({ spansPerTrace: 10, traces: 50, namesCounted: 10 });
    // a chain 1 <- 2 <- ... <- 1000, ending deepest first
    for (let i = 1000; i >= 1; i--) store.add(span(i, i === 1 ? undefined : i - 1));
    const kept = store.list()[0]!.spans.map((s) => s.spanContext().spanId);
    expect(kept).toHaveLength(10);
    expect(kept).toContain(hex16(1));
    const { text } = renderTraceTree(store, []);
    expect(text).not.toContain('(parent ');
  });

  it('past 50 traces, the spans of further traces are counted', () => {
    const store = new ReportSpans();
    for (let t = 0; t < 1000; t++) store.add(span(1, undefined, 'root', `f${t.toString(16).padStart(31, '0')}`));
    expect(store.list()).toHaveLength(50);
    expect(store.tracesLeftOut).toEqual({ traces: 950, spans: 950 });
    expect(renderTraceTree(store, []).text.trimEnd().split('\n').pop()).toBe('(950 more spans in 950 more traces not shown)');
  });

  it('through the CLI: 100,000 spans of one call print a bounded tree that says what it left out', async () => {
    const result = await runCli(['run', component('flood.wasm'), '--invoke', 'spans-100k'], {});
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n');
    expect(lines).toContain('└─ (99,500 more spans not shown: flood 99,500)');
    expect(lines.filter((line) => line.includes('flood  internal'))).toHaveLength(500);
    const roots = lines.filter((line) => line.startsWith('└─ flood.wasm'));
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatch(/^└─ flood\.wasm {2}internal {2}\d+ms {2}OK$/);
  });
});

describe('spans whose parents form a cycle', () => {
  it('are shown as roots, marked, and counted', () => {
    const store = new ReportSpans();
    store.add(span(1, undefined, 'root'));
    store.add(span(2, 3, 'a'));
    store.add(span(3, 2, 'b'));
    store.add(span(4, 2, 'under-a'));
    store.add(span(5, 5, 'own-parent'));
    const { text, stats } = renderTraceTree(store, []);
    expect(stats.cycles).toBe(4);
    expect(text).toBe(
      [
        `trace ${TRACE}`,
        '├─ root  internal  0.0us',
        `├─ a  internal  0.0us  (parent cycle: parent ${hex16(3)})`,
        '│  ├─ b  internal  0.0us',
        '│  └─ under-a  internal  0.0us',
        `└─ own-parent  internal  0.0us  (parent cycle: parent ${hex16(5)})`,
        '',
      ].join('\n'),
    );
  });

  it('a guest sending a cycle: the report shows it and counts parent_cycle', async () => {
    const problems = new ProblemCounter();
    const report = new ConsoleReport(problems);
    const { SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const host = createHost({ spanProcessors: [new SimpleSpanProcessor(report.spanExporter)], problemCounter: problems });
    const instance = await (await host.load(component('forwarder-rc.2.wasm'))).instantiate();
    const data = (id: string, parent: string, name: string): Tracing.SpanData => ({
      spanContext: { traceId: TRACE, spanId: id, traceFlags: { sampled: true }, isRemote: false, traceState: [] },
      parentSpanId: parent,
      spanKind: 'internal',
      name,
      startTime: { seconds: 1_700_000_000n, nanoseconds: 0 },
      endTime: { seconds: 1_700_000_000n, nanoseconds: 1000 },
      attributes: [],
      events: [],
      links: [],
      status: { tag: 'unset' },
      instrumentationScope: { name: 'cyclic', version: undefined, schemaUrl: undefined, attributes: [] },
      droppedAttributes: 0,
      droppedEvents: 0,
      droppedLinks: 0,
    });
    await instance.invoke('end', [data('00000000000000a1', '00000000000000a2', 'ping')]);
    await instance.invoke('end', [data('00000000000000a2', '00000000000000a1', 'pong')]);
    let printed = '';
    report.print({ write: (text: string) => (printed += text) });
    expect(printed).toContain(`trace ${TRACE}\n└─ ping  internal  1.0us  (parent cycle: parent 00000000000000a2)\n   └─ pong  internal  1.0us\n`);
    expect(problems.count('parent_cycle')).toBe(2);
  });
});
