import { SpanKind, SpanStatusCode, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
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
/** Before a line without a bar: as wide as the waterfall column (24 cells, 2 borders) and its space. */
const NO_BAR = ' '.repeat(27);
/** The CLI's output is 96 columns wide for these tests: bars of 24 cells, whatever the test's own COLUMNS. */
const COLUMNS_96 = { COLUMNS: '96' };

function span(id: number, parent: number | undefined, name = 'work', traceId = TRACE, scope = 'test'): ReadableSpan {
  const context: SpanContext = { traceId, spanId: hex16(id), traceFlags: TraceFlags.SAMPLED };
  const parentContext = parent === undefined ? undefined : { traceId, spanId: hex16(parent), traceFlags: TraceFlags.SAMPLED };
  return new GuestReadableSpan(context, parentContext, name, SpanKind.INTERNAL, [1_700_000_000, id], [1_700_000_000, id + 10], { code: SpanStatusCode.UNSET }, {}, [], [], emptyResource(), { name: scope }, 0, 0, 0);
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
    // The root (1 to 11 ns) in a frame its kept children (2 to 511 ns, each overlapping the next) widen to 1 to 511 ns.
    expect(text.split('\n')[1]).toBe('|=                       | ├─ root  internal  0.0us');
    expect(text.trimEnd().split('\n').pop()).toBe(`${NO_BAR}└─ (999,501 more spans not shown: even 499,751, odd 499,750)`);
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

  it("function-call spans give way to the guest's and the host's own; the names left out most are named", () => {
    const store = new ReportSpans({ spansPerTrace: 10, traces: 50, namesCounted: 1000 });
    // host 1 > fn 2 > guest 3 > 30 function spans (ids 10..39, names f0..f14 twice), ending first
    for (let i = 10; i < 40; i++) store.add(span(i, 3, `f${i % 15}`, TRACE, 'dylibso:observe/instrument'));
    for (let i = 40; i < 52; i++) store.add(span(i, 2, 'hot', TRACE, 'dylibso:observe/instrument'));
    store.add(span(3, 2, 'guest-span'));
    store.add(span(2, 1, 'nested-spans', TRACE, 'dylibso:observe/instrument'));
    store.add(span(1, undefined, 'host'));
    const kept = new Set(store.list()[0]!.spans.map((s) => s.name));
    expect([...kept].filter((name) => !/^f\d+$|^hot$/.test(name)).sort()).toEqual(['guest-span', 'host', 'nested-spans']);
    const { text } = renderTraceTree(store, []);
    // 42 function spans in, 10 kept minus the 3 that had to stay: hot is the most left out.
    expect(text.trimEnd().split('\n').pop()).toMatch(/^ {27}└─ \(35 more spans not shown: hot \d+, f\d+ 2, .*, other names \d+\)$/);
  });

  it('past 50 traces, the spans of further traces are counted', () => {
    const store = new ReportSpans();
    for (let t = 0; t < 1000; t++) store.add(span(1, undefined, 'root', `f${t.toString(16).padStart(31, '0')}`));
    expect(store.list()).toHaveLength(50);
    expect(store.tracesLeftOut).toEqual({ traces: 950, spans: 950 });
    expect(renderTraceTree(store, []).text.trimEnd().split('\n').pop()).toBe('(950 more spans in 950 more traces not shown)');
  });

  it('through the CLI: 100,000 spans of one call print a bounded tree that says what it left out', async () => {
    const result = await runCli(['run', component('flood.wasm'), '--invoke', 'spans-100k'], COLUMNS_96);
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n');
    expect(lines).toContain(`${NO_BAR}└─ (99,500 more spans not shown: flood 99,500)`);
    expect(lines.filter((line) => /^\|[ =]{24}\| [├└]─ flood {2}internal /.test(line))).toHaveLength(500);
    const roots = lines.filter((line) => line.includes('└─ flood.wasm'));
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatch(/^\|={24}\| └─ flood\.wasm {2}internal {2}\d+ms {2}OK$/);
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
        // The frame: the roots (root, and a and own-parent shown as roots), 1 to 15 ns; each span 10 ns.
        '|==================      | ├─ root  internal  0.0us',
        `| ==================     | ├─ a  internal  0.0us  (parent cycle: parent ${hex16(3)})`,
        '|   ==================   | │  ├─ b  internal  0.0us',
        '|     ================== | │  └─ under-a  internal  0.0us',
        `|      ==================| └─ own-parent  internal  0.0us  (parent cycle: parent ${hex16(5)})`,
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
    expect(printed).toContain(`trace ${TRACE}\n|${'='.repeat(24)}| └─ ping  internal  1.0us  (parent cycle: parent 00000000000000a2)\n|${'='.repeat(24)}|    └─ pong  internal  1.0us\n`);
    expect(problems.count('parent_cycle')).toBe(2);
  });
});

describe('what the console report makes of times and metric identities (forwarder guest records)', () => {
  const dt = (seconds: number, nanoseconds = 0): Tracing.Datetime => ({ seconds: BigInt(seconds), nanoseconds });
  const JAN_2024 = 1_704_067_200; // 2024-01-01T00:00:00Z
  const GUEST_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const GUEST_SPAN = '00f067aa0ba902b7';

  async function reportHost() {
    const problems = new ProblemCounter();
    const report = new ConsoleReport(problems);
    const { SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const { SimpleLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
    const host = createHost({
      spanProcessors: [new SimpleSpanProcessor(report.spanExporter)],
      logRecordProcessors: [new SimpleLogRecordProcessor({ exporter: report.logExporter })],
      metricExporters: [report.metricExporter],
      problemCounter: problems,
    });
    const instance = await (await host.load(component('forwarder-rc.2.wasm'))).instantiate();
    const print = (): string => {
      let printed = '';
      report.print({ write: (text: string) => (printed += text) });
      return printed;
    };
    return { instance, print, problems };
  }

  /** The lines of one trace's tree in the printed report. */
  const traceBlock = (printed: string, traceId: string): string[] => {
    const lines = printed.split('\n');
    const start = lines.indexOf(`trace ${traceId}`);
    const end = lines.findIndex((line, i) => i > start && !/^[ |]/.test(line));
    return lines.slice(start, end);
  };

  it('a time outside its span is shown as a date with its distance from the span, never as a bare date or offset', async () => {
    const { instance, print, problems } = await reportHost();
    const log = (body: string, timestamp: Tracing.Datetime, traceId = GUEST_TRACE, spanId = GUEST_SPAN) =>
      instance.invoke('emit-log', [
        { timestamp, observedTimestamp: dt(JAN_2024), severityText: 'INFO', severityNumber: 9, body: JSON.stringify(body), attributes: undefined, eventName: undefined,
          resource: undefined, instrumentationScope: undefined, traceId, spanId, traceFlags: { sampled: true } },
      ]);
    await log('in the span', dt(JAN_2024, 500_000_000));
    await log('no clock', dt(0, 1)); // 1970 (0 s 0 ns would be "unknown", then the observed time)
    await log('later', dt(1_717_200_000)); // 2024-06-01
    // (A time no date can hold no longer reaches the report: past 2554, OTLP's limit, it is invalid_time.)
    const span: Tracing.SpanData = {
      spanContext: { traceId: GUEST_TRACE, spanId: GUEST_SPAN, traceFlags: { sampled: true }, isRemote: false, traceState: [] },
      parentSpanId: '',
      spanKind: 'internal',
      name: 'guest-work',
      startTime: dt(JAN_2024),
      endTime: dt(JAN_2024 + 2),
      attributes: [],
      events: [
        { name: 'early', time: dt(JAN_2024 - 90), attributes: [] },
        { name: 'inside', time: dt(JAN_2024 + 1, 250_000_000), attributes: [] },
      ],
      links: [],
      status: { tag: 'unset' },
      instrumentationScope: { name: 'guest', version: undefined, schemaUrl: undefined, attributes: [] },
      droppedAttributes: 0,
      droppedEvents: 0,
      droppedLinks: 0,
    };
    await instance.invoke('start', [span.spanContext]);
    await instance.invoke('end', [span]);
    expect(traceBlock(print(), GUEST_TRACE)).toEqual([
      `trace ${GUEST_TRACE}`,
      // "inside", 1.25 s into the 2 s span, marked in cell 15 (1.25 / 2 * 24); "early" lies outside the frame.
      '|===============*========| └─ guest-work  internal  2000ms',
      `${NO_BAR}     event "early" at 2023-12-31T23:58:30.000Z (1.5 min before its span)`,
      `${NO_BAR}     event "inside" at +1250ms`,
      `${NO_BAR}     log INFO "in the span" at +500ms`,
      `${NO_BAR}     log INFO "no clock" at 1970-01-01T00:00:00.000Z (54.00 years before its span)`,
      `${NO_BAR}     log INFO "later" at 2024-06-01T00:00:00.000Z (152.0 days after its span ended)`,
    ]);
    expect(problems.snapshot()).toEqual({});
  });

  it('a log outside the report\'s traces far from the run says how far (the run: while the report collected)', async () => {
    // The run's clock (Date) stands at 2025-01-01 while the report collects and prints.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
    const { instance, print } = await reportHost().finally(() => vi.useRealTimers());
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-01-01T00:00:01Z'));
    await instance.invoke('emit-log', [
      { timestamp: dt(JAN_2024), observedTimestamp: dt(JAN_2024), severityText: 'WARN', severityNumber: 13, body: '"stale"', attributes: undefined, eventName: undefined,
        resource: undefined, instrumentationScope: undefined, traceId: GUEST_TRACE, spanId: GUEST_SPAN, traceFlags: { sampled: true } },
    ]);
    let printed: string[];
    try {
      printed = print().split('\n');
    } finally {
      vi.useRealTimers();
    }
    const at = printed.indexOf('logs outside these traces');
    // 366 days (2024 is a leap year) before the run began.
    expect(printed.slice(at, at + 2)).toEqual(['logs outside these traces', `   log WARN "stale" at 2024-01-01T00:00:00.000Z (1.00 years before the run)  (trace ${GUEST_TRACE} span ${GUEST_SPAN})`]);
  });

  it('metrics that share a name but differ in unit, description, kind or value type stay apart', async () => {
    const { instance, print, problems } = await reportHost();
    const point = (value: { tag: 'u64'; val: bigint } | { tag: 'f64'; val: number }) => ({ attributes: [{ key: 'route', value: '"/checkout"' }], value, exemplars: [] });
    const sum = (value: { tag: 'u64'; val: bigint } | { tag: 'f64'; val: number }) => ({
      dataPoints: [point(value)],
      startTime: dt(JAN_2024),
      time: dt(JAN_2024 + 10),
      temporality: 'cumulative' as const,
      isMonotonic: true,
    });
    const batch = (count: bigint) => ({
      resource: { attributes: [{ key: 'service.name', value: '"shop"' }], schemaUrl: undefined },
      scopeMetrics: [
        {
          scope: { name: 'shop-meter', version: undefined, schemaUrl: undefined, attributes: [] },
          metrics: [
            { name: 'requests', description: 'Requests handled', unit: '{request}', data: { tag: 'u64-sum', val: sum({ tag: 'u64', val: count }) } },
            { name: 'requests', description: 'Requests handled', unit: '{request}', data: { tag: 'f64-sum', val: sum({ tag: 'f64', val: 2.5 }) } },
            { name: 'requests', description: 'Requests seen by the proxy', unit: '{request}', data: { tag: 'u64-sum', val: sum({ tag: 'u64', val: 3n }) } },
            { name: 'requests', description: 'Requests handled', unit: 's', data: { tag: 'u64-sum', val: sum({ tag: 'u64', val: 4n }) } },
            { name: 'requests', description: 'Requests handled', unit: '{request}', data: { tag: 'f64-gauge', val: { dataPoints: [point({ tag: 'f64', val: 5 })], startTime: undefined, time: dt(JAN_2024 + 10) } } },
            { name: 'latency', description: '', unit: 'ms', data: { tag: 'f64-gauge', val: { dataPoints: [point({ tag: 'f64', val: 6 })], startTime: undefined, time: dt(JAN_2024 + 10) } } },
          ],
        },
      ],
    });
    expect(await instance.invoke('export-metrics', [batch(1n)])).toBeUndefined();
    expect(await instance.invoke('export-metrics', [batch(10n)])).toBeUndefined(); // the latest point of each series is shown
    const printed = print();
    expect(printed.slice(printed.indexOf('metrics\n'))).toBe(
      [
        'metrics',
        '   resource service.name="shop"',
        '      scope shop-meter',
        '         requests {request}  sum cumulative monotonic  "Requests handled"  int',
        '            route="/checkout"  = 10',
        '         requests {request}  sum cumulative monotonic  "Requests handled"  double',
        '            route="/checkout"  = 2.5',
        '         requests {request}  sum cumulative monotonic  "Requests seen by the proxy"  int',
        '            route="/checkout"  = 3',
        '         requests s  sum cumulative monotonic',
        '            route="/checkout"  = 4',
        '         requests {request}  gauge',
        '            route="/checkout"  = 5',
        '         latency ms  gauge',
        '            route="/checkout"  = 6',
        '',
      ].join('\n'),
    );
    expect(problems.snapshot()).toEqual({});
  });
});
