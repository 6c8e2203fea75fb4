/**
 * The `wasi:observe` world through the CLI (`wasm-otel run --invoke`, a child process): the WAT
 * guests wasi-observe-forwarder.wasm (wasi:observe/tracer and wasi:logging) and logging-only.wasm
 * (wasi:logging alone), exported over OTLP/HTTP and over OTLP/gRPC to receivers that decode with
 * the official schema, (the console tree, unknown handles and float64 values: observe-console.cli.test.ts).
 *
 * Exact values everywhere; only what is random (trace and span ids the host chooses, the times of
 * the clock) is masked, and those ids are compared between spans and records instead.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { OtlpSpanKind, OtlpStatusCode, type OtlpReceiver } from './support/otlp-receiver.js';
import { receivedLogs } from './support/otlp-signals.js';
import { component } from './support/paths.js';
import { byName, childrenOf } from './support/span-tree.js';
import { BENCH_ATTRIBUTES, FORWARDER, LOGGING_ONLY, LOG_ALL, ROUNDED_LINE, START_BIG, START_FULL, START_ROOT, START_SERVER, TRANSPORTS, expectHostSpan, expectLogRecords, expectObserveSpan, timesOf, within } from './support/observe-cli.js';

describe.each(TRANSPORTS)('wasi:observe through the CLI over $name', (transport) => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await transport.start();
  });
  afterAll(async () => receiver.close());
  beforeEach(() => receiver.reset());

  /** Runs the CLI on `file` with `--invoke invoke`, exporting to this receiver. */
  const run = (file: string, invoke: string) => runCli(['run', component(file), '--invoke', invoke], transport.env(receiver));
  /** The paths the receiver got requests on, each once, sorted. */
  const paths = (): string[] => [...new Set(receiver.requests.map((r) => r.path))].sort();

  it('nested-drop: host span -> outer -> inner; outer dropped (so ended) before inner ends', async () => {
    expect(await run(FORWARDER, 'nested-drop')).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(3);
    expect(spans.map((s) => s.name).sort()).toEqual(['inner', 'outer', FORWARDER]);
    const host = expectHostSpan(spans, FORWARDER, 'nested-drop');
    const outer = byName(spans, 'outer');
    const inner = byName(spans, 'inner');
    expectObserveSpan(outer, host.traceId, host.spanId);
    expectObserveSpan(inner, host.traceId, outer.spanId);
    expect(new Set([host.spanId, outer.spanId, inner.spanId]).size).toBe(3);
    for (const span of [outer, inner]) {
      expect([span.kind, span.attributes, span.events, span.links, span.status]).toEqual([OtlpSpanKind.INTERNAL, {}, [], [], { code: OtlpStatusCode.UNSET, message: '' }]);
      expect(within(timesOf(span), host)).toBe(true);
    }
    // outer starts, inner starts, outer is dropped, inner ends.
    expect(outer.startTimeUnixNano < inner.startTimeUnixNano && inner.startTimeUnixNano < outer.endTimeUnixNano && outer.endTimeUnixNano < inner.endTimeUnixNano).toBe(true);
    expect(paths()).toEqual([transport.paths.traces]);
  });

  it('bench-spans(2): two spans with the five typed attributes and the event, each a child of the host span', async () => {
    expect(await run(FORWARDER, 'bench-spans(2)')).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(3);
    expect(spans).toHaveLength(3);
    const host = expectHostSpan(spans, FORWARDER, 'bench-spans');
    const bench = childrenOf(spans, host.spanId);
    expect(bench.map((s) => s.name)).toEqual(['bench', 'bench']);
    expect(bench[0]!.spanId).not.toBe(bench[1]!.spanId);
    for (const span of bench) {
      expectObserveSpan(span, host.traceId, host.spanId);
      expect([span.kind, span.attributes, span.links, span.status]).toEqual([OtlpSpanKind.INTERNAL, BENCH_ATTRIBUTES, [], { code: OtlpStatusCode.UNSET, message: '' }]);
      expect(span.events.map((e) => [e.name, e.attributes, e.droppedAttributesCount])).toEqual([['bench-event', {}, 0]]);
      expect(within({ start: span.events[0]!.timeUnixNano, end: span.events[0]!.timeUnixNano }, span)).toBe(true);
      expect(within(timesOf(span), host)).toBe(true);
    }
    // The second starts after the first ended.
    expect(bench[0]!.endTimeUnixNano <= bench[1]!.startTimeUnixNano).toBe(true);
  });

  it('start-drop(3): three spans ended by the drop of their handles (no close reason, status unset)', async () => {
    expect(await run(FORWARDER, 'start-drop(3)')).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(4);
    expect(spans).toHaveLength(4);
    const host = expectHostSpan(spans, FORWARDER, 'start-drop');
    const dropped = childrenOf(spans, host.spanId);
    expect(dropped.map((s) => [s.name, s.kind, s.attributes, s.events, s.status])).toEqual(Array(3).fill(['dropped', OtlpSpanKind.INTERNAL, {}, [], { code: OtlpStatusCode.UNSET, message: '' }]));
    expect(new Set(dropped.map((s) => s.spanId)).size).toBe(3);
    for (const span of dropped) expectObserveSpan(span, host.traceId, host.spanId);
  });

  it('a span left open when the run ends (--invoke start(...), kind server): exported closed, status error, close reason "exit"', async () => {
    // The export returns the guest's handle index of the span: 1.
    expect(await run(FORWARDER, START_SERVER)).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const spans = await receiver.waitForSpans(2);
    expect(spans).toHaveLength(2);
    const host = expectHostSpan(spans, FORWARDER, 'start');
    const open = byName(spans, 'x');
    expectObserveSpan(open, host.traceId, host.spanId);
    expect([open.kind, open.attributes, open.events, open.links, open.status]).toEqual([
      OtlpSpanKind.SERVER,
      { 'wasm_otel.span.close_reason': 'exit' },
      [],
      [],
      { code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited' },
    ]);
    expect(within(timesOf(open), host)).toBe(true);
  });

  it('an s64 of 9007199254740993 given through --invoke: reported on stderr, exported as 9007199254740992', async () => {
    expect(await run(FORWARDER, START_BIG)).toEqual({ code: 0, stdout: '1\n', stderr: `${ROUNDED_LINE}\n` });
    const spans = await receiver.waitForSpans(2);
    const host = expectHostSpan(spans, FORWARDER, 'start');
    const big = byName(spans, 'big');
    expectObserveSpan(big, host.traceId, host.spanId);
    expect(big.attributes).toEqual({ big: 9007199254740992n, 'wasm_otel.span.close_reason': 'exit' });
  });

  it('every start option: kind consumer, one attribute of each value type, a link, the guest\'s start time', async () => {
    expect(await run(FORWARDER, START_FULL)).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const spans = await receiver.waitForSpans(2);
    const host = expectHostSpan(spans, FORWARDER, 'start');
    const full = byName(spans, 'full');
    expectObserveSpan(full, host.traceId, host.spanId);
    expect(full.kind).toBe(OtlpSpanKind.CONSUMER);
    expect(full.startTimeUnixNano).toBe(1_700_000_000_000_000_005n);
    expect(full.endTimeUnixNano >= host.startTimeUnixNano && full.endTimeUnixNano <= host.endTimeUnixNano).toBe(true);
    expect(full.attributes).toEqual({
      s: 'text',
      b: false,
      f: -0.25,
      i: -42n,
      sa: ['x', ''],
      ba: [true, false],
      fa: [1.5, -2.5],
      ia: [1n, -9007199254740991n],
      'wasm_otel.span.close_reason': 'exit',
    });
    expect(full.links).toEqual([
      {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceState: 'vendor=v1',
        attributes: { 'link.n': 7n },
        droppedAttributesCount: 0,
        flags: 0x301, // sampled, has is_remote, is_remote
      },
    ]);
    expect(full.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited' });
  });

  it('new-root: a span of a trace of its own, without a parent (kind producer)', async () => {
    expect(await run(FORWARDER, START_ROOT)).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const spans = await receiver.waitForSpans(2);
    const host = expectHostSpan(spans, FORWARDER, 'start');
    const root = byName(spans, 'root');
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.traceId).not.toBe(host.traceId);
    expectObserveSpan(root, root.traceId, '');
    expect([root.kind, root.attributes, root.status]).toEqual([
      OtlpSpanKind.PRODUCER,
      { 'wasm_otel.span.close_reason': 'exit' },
      { code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited' },
    ]);
  });

  it('logging-only log-all: six records, severity from the level, body the message, the context as wasi.logging.context, in the host span', async () => {
    expect(await run(LOGGING_ONLY, 'log-all')).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(1);
    expect(spans).toHaveLength(1);
    const host = expectHostSpan(spans, LOGGING_ONLY, 'log-all');
    const logs = receivedLogs(receiver);
    expect(logs).toHaveLength(6);
    expectLogRecords(logs, host, LOG_ALL);
    expect(paths()).toEqual([transport.paths.logs, transport.paths.traces].sort());
  });

  it('logging-only log(...): the strings the host lowered reach the record unchanged; an empty context is no attribute', async () => {
    expect(await run(LOGGING_ONLY, 'log(critical, "", "all \\"quoted\\" ü")')).toEqual({ code: 0, stdout: '', stderr: '' });
    const host = expectHostSpan(await receiver.waitForSpans(1), LOGGING_ONLY, 'log');
    expectLogRecords(receivedLogs(receiver), host, [{ severityNumber: 21, severityText: 'FATAL', body: 'all "quoted" ü', attributes: {} }]);
  });

  it('the forwarder\'s log(...): wasi:logging next to wasi:observe, the record in the host span', async () => {
    expect(await run(FORWARDER, 'log(debug, "ctx.fwd", "forwarded")')).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(1);
    expect(spans).toHaveLength(1);
    const host = expectHostSpan(spans, FORWARDER, 'log');
    expectLogRecords(receivedLogs(receiver), host, [{ severityNumber: 5, severityText: 'DEBUG', body: 'forwarded', attributes: { 'wasi.logging.context': 'ctx.fwd' } }]);
  });
});
