/**
 * `wasm-otel run` joins a trace from outside (issue 10, item 5): TRACEPARENT, TRACESTATE and
 * BAGGAGE from its environment (the OpenTelemetry environment-variable carrier), through the
 * propagators of OTEL_PROPAGATORS (default tracecontext,baggage), make the host span a child of
 * that remote context; the guest's spans nest under the host span as always.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, propagation, type Context } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createHost, runFile, runInWorker } from '../src/index.js';
import { runCli } from './support/cli.js';
import { OtlpSpanFlags, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { SPAN_COUNT, guestId } from './support/scenarios.js';
import { byName } from './support/span-tree.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;
const REMOTE_SAMPLED = OtlpSpanFlags.CONTEXT_HAS_IS_REMOTE_MASK | OtlpSpanFlags.CONTEXT_IS_REMOTE_MASK | 0x01;
/** A root span's flags: the is-remote bit is known (there is no parent), the trace is sampled. */
const ROOT_SAMPLED = OtlpSpanFlags.CONTEXT_HAS_IS_REMOTE_MASK | 0x01;

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const otlp = (env: Record<string, string> = {}): Record<string, string> => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...env });

/** Runs nested-spans through the CLI; returns the exported spans (checked: exit 0, stderr as given). */
async function runNested(env: Record<string, string>, stderr = ''): Promise<OtlpSpan[]> {
  const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans'], otlp(env));
  expect([result.code, result.stderr]).toEqual([0, stderr]);
  const spans = await receiver.waitForSpans(SPAN_COUNT['nested-spans']!);
  expect(spans).toHaveLength(4);
  return spans;
}

/** [name, traceId, spanId, parentSpanId, traceState] of the guest's spans, in nesting order. */
function guestSpans(spans: OtlpSpan[]): [string, string, string, string, string][] {
  return ['outer', 'middle', 'inner'].map((name) => {
    const span = byName(spans, name);
    return [name, span.traceId, span.spanId, span.parentSpanId, span.traceState];
  });
}

/** What nested-spans exports under a host span: its trace, ids #1..#3 chained, the host's trace state. */
function nestedUnder(host: OtlpSpan): [string, string, string, string, string][] {
  return [
    ['outer', host.traceId, guestId(1), host.spanId, host.traceState],
    ['middle', host.traceId, guestId(2), guestId(1), host.traceState],
    ['inner', host.traceId, guestId(3), guestId(2), host.traceState],
  ];
}

describe('wasm-otel run joins the trace in TRACEPARENT / TRACESTATE / BAGGAGE', () => {
  it('TRACEPARENT: the host span is a child of the remote parent (same trace, flags say remote), tracestate kept', async () => {
    const spans = await runNested({ TRACEPARENT, TRACESTATE: 'vendor=abc,other=x', BAGGAGE: 'user.id=alice' });
    const host = byName(spans, 'scenarios.wasm');
    expect([host.traceId, host.parentSpanId, host.traceState, host.flags]).toEqual([TRACE_ID, PARENT_ID, 'vendor=abc,other=x', REMOTE_SAMPLED]);
    expect(host.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(host.spanId).not.toBe(PARENT_ID);
    expect(guestSpans(spans)).toEqual(nestedUnder(host));
    // Baggage is context, not telemetry: it is not copied onto the spans.
    expect(spans.map((s) => Object.keys(s.attributes).filter((k) => k.startsWith('user')))).toEqual([[], [], [], []]);
  });

  it('a core module joins the same way', async () => {
    const result = await runCli(['run', component('reactor.wasm'), '--invoke', 'work'], otlp({ TRACEPARENT }));
    expect([result.code, result.stderr]).toEqual([0, '']);
    const spans = await receiver.waitForSpans(2);
    const host = byName(spans, 'reactor.wasm');
    const work = byName(spans, 'reactor-work');
    expect([host.traceId, host.parentSpanId, host.flags]).toEqual([TRACE_ID, PARENT_ID, REMOTE_SAMPLED]);
    expect([work.traceId, work.parentSpanId]).toEqual([TRACE_ID, host.spanId]);
  });

  it('a not-sampled TRACEPARENT (flags 00): the run follows its parent and exports no span', async () => {
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans'], otlp({ TRACEPARENT: `00-${TRACE_ID}-${PARENT_ID}-00`, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }));
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(receiver.spans()).toEqual([]);
    expect(receiver.requests).toEqual([]);
  });

  it('a malformed TRACEPARENT is one invalid_config line and ignored: the run starts its own trace', async () => {
    const spans = await runNested(
      { TRACEPARENT: '00-not-a-trace-id-01', TRACESTATE: 'vendor=abc' },
      'wasm-otel: invalid_config: TRACEPARENT value "00-not-a-trace-id-01" is not a W3C traceparent (00-<32 hex trace id>-<16 hex span id>-<2 hex flags>); ignored, the run starts a new trace\n',
    );
    const host = byName(spans, 'scenarios.wasm');
    expect([host.parentSpanId, host.traceState, host.flags]).toEqual(['', '', ROOT_SAMPLED]);
    expect(host.traceId).not.toBe(TRACE_ID);
    expect(guestSpans(spans)).toEqual(nestedUnder(host));
  });

  it('an all-zero trace id is malformed too (W3C forbids it)', async () => {
    const value = `00-${'0'.repeat(32)}-${PARENT_ID}-01`;
    const spans = await runNested(
      { TRACEPARENT: value },
      `wasm-otel: invalid_config: TRACEPARENT value "${value}" is not a W3C traceparent (00-<32 hex trace id>-<16 hex span id>-<2 hex flags>); ignored, the run starts a new trace\n`,
    );
    expect(byName(spans, 'scenarios.wasm').parentSpanId).toBe('');
  });

  it('OTEL_PROPAGATORS=none ignores TRACEPARENT (no warning, even for a malformed one)', async () => {
    for (const traceparent of [TRACEPARENT, 'garbage']) {
      receiver.reset();
      const spans = await runNested({ OTEL_PROPAGATORS: 'none', TRACEPARENT: traceparent });
      const host = byName(spans, 'scenarios.wasm');
      expect([host.parentSpanId, host.flags]).toEqual(['', ROOT_SAMPLED]);
      expect(host.traceId).not.toBe(TRACE_ID);
    }
  });

  it('OTEL_PROPAGATORS=baggage alone leaves TRACEPARENT out; an unknown propagator is one invalid_config line and ignored', async () => {
    const alone = await runNested({ OTEL_PROPAGATORS: 'baggage', TRACEPARENT });
    expect(byName(alone, 'scenarios.wasm').parentSpanId).toBe('');
    receiver.reset();
    const joined = await runNested(
      { OTEL_PROPAGATORS: 'b3,tracecontext', TRACEPARENT },
      'wasm-otel: invalid_config: OTEL_PROPAGATORS value "b3" is not supported (use tracecontext, baggage or none); ignored\n',
    );
    expect([byName(joined, 'scenarios.wasm').traceId, byName(joined, 'scenarios.wasm').parentSpanId]).toEqual([TRACE_ID, PARENT_ID]);
  });
});

/** The context a caller got from a W3C carrier (as from incoming request headers). */
function extracted(carrier: Record<string, string>): Context {
  const getter = { get: (c: Record<string, string>, key: string) => c[key], keys: (c: Record<string, string>) => Object.keys(c) };
  return new W3CBaggagePropagator().extract(new W3CTraceContextPropagator().extract(ROOT_CONTEXT, carrier, getter), carrier, getter);
}

describe('library: runFile and runInWorker join the context they are given', () => {
  it('runInWorker({ parentContext }): the context reaches the guest\'s thread; its host span is a child of it', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const parentContext = extracted({ traceparent: TRACEPARENT, tracestate: 'vendor=abc', baggage: 'user.id=alice' });
    const outcome = await runInWorker({ file: component('reactor.wasm'), invoke: 'work', tracerProvider: provider, parentContext }).outcome;
    expect(outcome).toEqual({ exitCode: 0, result: '101', stopped: false });
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const host = spans.find((s) => s.name === 'reactor.wasm')!;
    const work = spans.find((s) => s.name === 'reactor-work')!;
    expect([host.spanContext().traceId, host.parentSpanContext?.spanId, host.parentSpanContext?.isRemote, host.spanContext().traceState?.serialize()]).toEqual([
      TRACE_ID,
      PARENT_ID,
      true,
      'vendor=abc',
    ]);
    expect([work.spanContext().traceId, work.parentSpanContext?.spanId]).toEqual([TRACE_ID, host.spanContext().spanId]);
  });

  it('parentContext: the host span is its child, and its baggage is in the context the host span starts in', async () => {
    const exporter = new InMemorySpanExporter();
    const seen: Record<string, string | undefined>[] = [];
    // What a baggage span processor reads: the parent context at span start.
    const baggageReader: SpanProcessor = {
      onStart: (_span: Span, parentContext: Context) => seen.push({ user: propagation.getBaggage(parentContext)?.getEntry('user.id')?.value }),
      onEnd: () => {},
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const provider = new BasicTracerProvider({ spanProcessors: [baggageReader, new SimpleSpanProcessor(exporter)] });
    const parentContext = extracted({ traceparent: TRACEPARENT, tracestate: 'vendor=abc', baggage: 'user.id=alice' });
    const outcome = await runFile(createHost({ tracerProvider: provider }), { file: component('reactor.wasm'), invoke: 'work', parentContext });
    expect(outcome).toEqual({ exitCode: 0, result: '101' });
    const [work, host] = exporter.getFinishedSpans();
    expect([host!.name, host!.spanContext().traceId, host!.parentSpanContext?.spanId, host!.parentSpanContext?.isRemote, host!.spanContext().traceState?.serialize()]).toEqual([
      'reactor.wasm',
      TRACE_ID,
      PARENT_ID,
      true,
      'vendor=abc',
    ]);
    expect([work!.name, work!.spanContext().traceId, work!.parentSpanContext?.spanId]).toEqual(['reactor-work', TRACE_ID, host!.spanContext().spanId]);
    expect(seen).toEqual([{ user: 'alice' }]);
  });
});
