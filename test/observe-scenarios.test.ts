/**
 * The componentize-js guest components/scenarios.wasm (a StarlingMonkey guest with a tiny wasi:otel
 * rc.2 tracer) using wasi:observe and wasi:logging through the real host, over real OTLP: the two
 * front-ends interleaved in one instance (an observe span inside an otel span and the reverse),
 * every tracer option, drop, calls after end, logging levels and a trap. Library and CLI.
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WasmOtelError, type LoadedComponent } from '../src/index.js';
import { runCli } from './support/cli.js';
import { hostFor } from './support/library-host.js';
import { OtlpSpanKind, OtlpStatusCode, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { waitForLogs } from './support/otlp-signals.js';
import { component } from './support/paths.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;
let flush: () => Promise<void>;
let host: ReturnType<typeof hostFor>['host'];
let scenarios: LoadedComponent;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  ({ host, flush } = hostFor(receiver));
  scenarios = await host.load(component('scenarios.wasm'));
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const OTEL_SCOPE = 'wasm-otel-scenarios';
const OBSERVE_SCOPE = 'wasi:observe/tracer';
const ns = (seconds: number, nanos: number): bigint => BigInt(seconds) * 1_000_000_000n + BigInt(nanos);

/** Runs one export on a fresh instance and returns its spans (the host span included) and the host span. */
async function runExport(name: string, count: number): Promise<{ spans: OtlpSpan[]; hostSpan: OtlpSpan; problems: Record<string, number> }> {
  const before = host.problems();
  const instance = await scenarios.instantiate();
  await instance.call(name);
  instance.dispose();
  await flush();
  const spans = await receiver.waitForSpans(count);
  expect(spans).toHaveLength(count);
  const hostSpan = byName(spans, 'scenarios.wasm');
  const after = host.problems();
  const problems = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k as keyof typeof before] ?? 0)]).filter(([, v]) => v !== 0));
  return { spans, hostSpan, problems };
}

/** Every span of the call is in the host span's trace, inside the host span's time. */
function expectInHostTrace(spans: OtlpSpan[], hostSpan: OtlpSpan): void {
  for (const span of spans) {
    expect(span.traceId).toBe(hostSpan.traceId);
    if (span === hostSpan) continue;
    expect(span.startTimeUnixNano >= hostSpan.startTimeUnixNano && span.endTimeUnixNano <= hostSpan.endTimeUnixNano).toBe(true);
  }
}

describe('scenarios.wasm: wasi:otel and wasi:observe in one instance (library, OTLP/HTTP)', () => {
  it('the component says what it imports', () => {
    expect(scenarios.shape).toBe('rc.2');
    expect(scenarios.observeInterfaces).toEqual(['wasi:logging/logging', 'wasi:observe/tracer']);
  });

  it('observe-in-otel: host -> otel-outer -> observe-middle -> otel-inner (the otel span takes the observe span\'s ids as its parent)', async () => {
    const { spans, hostSpan, problems } = await runExport('observe-in-otel', 4);
    const outer = byName(spans, 'otel-outer');
    const middle = byName(spans, 'observe-middle');
    const inner = byName(spans, 'otel-inner');
    expect([outer.parentSpanId, middle.parentSpanId, inner.parentSpanId]).toEqual([hostSpan.spanId, outer.spanId, middle.spanId]);
    expect([outer.scope.name, middle.scope.name, inner.scope.name]).toEqual([OTEL_SCOPE, OBSERVE_SCOPE, OTEL_SCOPE]);
    expect(outer.spanId).toBe('a000000000000001');
    expect(inner.spanId).toBe('a000000000000002');
    expect(middle.kind).toBe(OtlpSpanKind.INTERNAL);
    // The observe span ends after its otel child and before its otel parent. The otel spans' times
    // are the guest's (whole milliseconds of its own wall clock), the observe span's the host's:
    // compared with the skew the scenario tests allow between the two clocks.
    const SKEW_NS = 5_000_000n;
    expect(inner.endTimeUnixNano <= middle.endTimeUnixNano + SKEW_NS && middle.endTimeUnixNano <= outer.endTimeUnixNano + SKEW_NS).toBe(true);
    expectInHostTrace(spans, hostSpan);
    expect(problems).toEqual({});
  });

  it('otel-in-observe: host -> observe-outer -> otel-middle -> observe-inner (the host makes the observe span a child of the open otel span)', async () => {
    const { spans, hostSpan, problems } = await runExport('otel-in-observe', 4);
    const outer = byName(spans, 'observe-outer');
    const middle = byName(spans, 'otel-middle');
    const inner = byName(spans, 'observe-inner');
    expect([outer.parentSpanId, middle.parentSpanId, inner.parentSpanId]).toEqual([hostSpan.spanId, outer.spanId, middle.spanId]);
    expect([outer.scope.name, middle.scope.name, inner.scope.name]).toEqual([OBSERVE_SCOPE, OTEL_SCOPE, OBSERVE_SCOPE]);
    expect(middle.spanId).toBe('a000000000000001');
    expectInHostTrace(spans, hostSpan);
    expect(problems).toEqual({});
  });

  it('observe-all: every option, value type, event, link and status; span-context and is-recording as the guest saw them', async () => {
    const { spans, hostSpan, problems } = await runExport('observe-all', 11); // 10 observe spans and the host span
    const none = byName(spans, 'options-none');
    expect(none).toMatchObject({ parentSpanId: hostSpan.spanId, kind: OtlpSpanKind.INTERNAL, attributes: {} });
    expect(byName(spans, 'options-none-child').parentSpanId).toBe(none.spanId);
    for (const [kind, otlp] of [['client', OtlpSpanKind.CLIENT], ['server', OtlpSpanKind.SERVER], ['producer', OtlpSpanKind.PRODUCER], ['consumer', OtlpSpanKind.CONSUMER], ['internal', OtlpSpanKind.INTERNAL]] as const) {
      expect(byName(spans, `kind-${kind}`)).toMatchObject({ parentSpanId: hostSpan.spanId, kind: otlp });
    }
    const all = byName(spans, 'all-options-renamed');
    expect(all).toMatchObject({ parentSpanId: hostSpan.spanId, kind: OtlpSpanKind.PRODUCER, startTimeUnixNano: ns(1_700_000_000, 500_000_000), endTimeUnixNano: ns(1_700_000_002, 750_000_000) });
    expect(all.status).toEqual({ code: OtlpStatusCode.OK, message: '' });
    expect(all.attributes).toEqual({
      'attr.string': 'hello',
      'attr.bool': true,
      'attr.float64': 3.5,
      'attr.s64': 42n,
      'attr.s64_big': 9007199254740992n,
      'attr.s64_negative': -9007199254740992n,
      'attr.string_array': ['a', 'b'],
      'attr.bool_array': [true, false],
      'attr.float64_array': [1.5, -2.5],
      'attr.s64_array': [1n, -2n, 9007199254740992n],
      k: 'second',
      // what span-context() and is-recording() returned for options-none: the exported ids
      'options-none.trace-id': hostSpan.traceId,
      'options-none.span-id': none.spanId,
      'options-none.sampled': true,
      'options-none.is-remote': false,
      'options-none.trace-state': [],
      'options-none.is-recording': true,
    });
    expect(all.events.map((e) => [e.name, e.attributes])).toEqual([
      ['event-bare', {}],
      ['event-timed', {}],
      ['event-attributes', { 'event.index': 3n }],
      ['event-full', { 'event.index': 4n, 'event.ok': true }],
    ]);
    expect(all.events[1]!.timeUnixNano).toBe(ns(1_700_000_001, 250_000_000));
    expect(all.events[3]!.timeUnixNano).toBe(ns(1_700_000_001, 250_000_000));
    expect(all.links.map((l) => [l.traceId, l.spanId, l.traceState, l.attributes])).toEqual([
      ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 'vendor=value1,other=v2', { 'link.reason': 'retry', 'link.index': 1n }],
      ['0af7651916cd43dd8448eb211c80319c', '00f067aa0ba902b7', '', { 'link.reason': 'follow-up' }],
    ]);
    expect(byName(spans, 'error-status').status).toEqual({ code: OtlpStatusCode.ERROR, message: 'boom' });
    const root = byName(spans, 'observe-new-root');
    expect(root.parentSpanId).toBe('');
    expect(root.traceId).not.toBe(hostSpan.traceId);
    expect(spans.filter((s) => s.traceId === hostSpan.traceId)).toHaveLength(10);
    expect(problems).toEqual({ attribute_value_rounded: 3 });
  });

  it('observe-dropped: a span dropped without end is ended at the drop; a child that outlives its parent keeps it', async () => {
    const { spans, hostSpan, problems } = await runExport('observe-dropped', 4);
    const dropped = byName(spans, 'dropped-unended');
    const parent = byName(spans, 'early-parent');
    const child = byName(spans, 'late-child');
    expect([dropped.parentSpanId, parent.parentSpanId, child.parentSpanId]).toEqual([hostSpan.spanId, hostSpan.spanId, parent.spanId]);
    expect(dropped.status.code).toBe(OtlpStatusCode.UNSET);
    expect(dropped.attributes).toEqual({});
    expect(dropped.endTimeUnixNano <= parent.startTimeUnixNano).toBe(true);
    expect(child.endTimeUnixNano >= parent.endTimeUnixNano).toBe(true);
    expect(problems).toEqual({});
  });

  it('observe-after-end: the six calls after end are ignored and counted; the span is exported as it was at its end', async () => {
    const { spans, hostSpan, problems } = await runExport('observe-after-end', 2);
    expect(byName(spans, 'ended-span')).toMatchObject({ parentSpanId: hostSpan.spanId, attributes: {}, events: [], links: [], status: { code: OtlpStatusCode.UNSET, message: '' } });
    expect(problems).toEqual({ span_already_ended: 6 });
  });

  it('logging-levels: six wasi:logging records in logging-span, severities from the levels, the context when not empty', async () => {
    const { spans } = await runExport('logging-levels', 2);
    const span = byName(spans, 'logging-span');
    const logs = await waitForLogs(receiver, 6);
    expect(logs.map((l) => [l.severityNumber, l.severityText, l.body, l.attributes, l.traceId, l.spanId, l.scope.name])).toEqual(
      (
        [
          ['trace', SeverityNumber.TRACE, 'TRACE', 'ctx.trace'],
          ['debug', SeverityNumber.DEBUG, 'DEBUG', 'ctx.debug'],
          ['info', SeverityNumber.INFO, 'INFO', ''],
          ['warn', SeverityNumber.WARN, 'WARN', 'ctx.warn'],
          ['error', SeverityNumber.ERROR, 'ERROR', 'ctx.error'],
          ['critical', SeverityNumber.FATAL, 'FATAL', 'ctx.critical'],
        ] as const
      ).map(([level, number, text, context]) => [number, text, `${level} message`, context ? { 'wasi.logging.context': context } : {}, span.traceId, span.spanId, 'wasi:logging/logging']),
    );
  });

  it('observe-trap: the call traps; both open observe spans are closed (status error, close reason trap) and exported', async () => {
    const instance = await scenarios.instantiate();
    const error = await instance.call('observe-trap').catch((e: unknown) => e);
    expect((error as WasmOtelError).code).toBe('guest_trap');
    await flush();
    const spans = await receiver.waitForSpans(3);
    const hostSpan = byName(spans, 'scenarios.wasm');
    const outer = byName(spans, 'trap-outer');
    const inner = byName(spans, 'trap-inner');
    expect([outer.parentSpanId, inner.parentSpanId]).toEqual([hostSpan.spanId, outer.spanId]);
    for (const span of [outer, inner]) {
      expect(span.status.code).toBe(OtlpStatusCode.ERROR);
      expect(span.status.message).toMatch(/^span still open when the guest trapped: /);
      expect(span.attributes).toEqual({ 'wasm_otel.span.close_reason': 'trap' });
    }
    expect(instance.openSpanCount).toBe(0);
  });
});

describe('scenarios.wasm through the CLI (OTLP/HTTP)', () => {
  it('--invoke otel-in-observe: the same tree, exported by wasm-otel run', async () => {
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'otel-in-observe'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(4);
    const hostSpan = byName(spans, 'scenarios.wasm');
    const outer = byName(spans, 'observe-outer');
    const middle = byName(spans, 'otel-middle');
    const inner = byName(spans, 'observe-inner');
    expect([hostSpan.parentSpanId, outer.parentSpanId, middle.parentSpanId, inner.parentSpanId]).toEqual(['', hostSpan.spanId, outer.spanId, middle.spanId]);
    expectInHostTrace(spans, hostSpan);
  });
});
