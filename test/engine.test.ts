import { SpanStatusCode, TraceFlags, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceSpanState, ProblemCounter, createHostCaches, resolveLimits } from '../src/engine/index.js';
import { hostTracingFor } from '../src/telemetry/sdk-pipeline.js';
import { decodeSpanData } from '../src/otel/span-data.js';
import { OtlpStatusCode, startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { byName } from './support/span-tree.js';

// The span-state engine as the wasi:observe and core-module front-ends will drive it: spans whose
// ids the engine chooses, mixed with guest-identified ones, exported over real OTLP.
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());

function engine() {
  const processor = new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }));
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const { tracer, pipeline } = hostTracingFor(provider);
  const problems = new ProblemCounter();
  const state = new InstanceSpanState(pipeline, resolveLimits(pipeline.spanLimits), problems);
  return { tracer, state, problems, flush: () => processor.forceFlush() };
}

describe('span-state engine: managed spans', () => {
  it('nest under the current span, collect attributes, events, status and name, and mix with guest spans', async () => {
    receiver.reset();
    const { tracer, state, problems, flush } = engine();
    const host = tracer.startSpan('call');
    state.enterCall(host.spanContext(), (host as unknown as { startTime: HrTime }).startTime);

    const manual = state.startManagedSpan({ name: 'manual', tag: 'manual', attributes: [['k', 'v1']] });
    expect(state.currentSpanContext()).toBe(manual);
    const auto = state.startManagedSpan({ name: 'func[7]', tag: 7 });
    expect(state.findOpen((tag) => tag === 'manual')).toBe(manual);
    expect(state.findOpen((tag) => tag === 7)).toBe(auto);
    expect(state.setAttributes(manual.spanId, [['k', 'v2'], ['n', 3]])).toBe(true);
    expect(state.addEvent(manual.spanId, 'checkpoint', [['step', 1]], [1_700_000_000, 5])).toBe(true);
    expect(state.setStatus(manual.spanId, { code: SpanStatusCode.OK })).toBe(true);
    expect(state.updateName(manual.spanId, 'renamed')).toBe(true);
    expect(state.endManagedSpan(auto.spanId)).toBe(true);

    // A guest-identified span opened inside the managed one takes it as parent.
    const guest = { traceId: manual.traceId, spanId: 'c0ffee0000000001', traceFlags: TraceFlags.SAMPLED };
    state.guestSpanStarted(guest);
    expect(state.currentSpanContext()).toBe(guest);
    expect(state.closeOpenSpans('trap', 'span still open when the guest trapped: boom')).toBe(2);
    state.leaveCall();
    host.end();

    expect(state.endManagedSpan(auto.spanId)).toBe(false);
    expect(state.setAttributes('0123456789abcdef', [['x', 1]])).toBe(false);
    expect(problems.snapshot()).toEqual({ span_ended_twice: 1, invalid_argument: 1, open_spans_closed: 2 });

    await flush();
    const spans = await receiver.waitForSpans(4);
    const hostSpan = byName(spans, 'call');
    const renamed = byName(spans, 'renamed');
    const autoSpan = byName(spans, 'func[7]');
    const unended = byName(spans, 'unended guest span');
    expect(renamed.spanId).toBe(manual.spanId);
    expect(renamed.parentSpanId).toBe(hostSpan.spanId);
    expect(renamed.traceId).toBe(hostSpan.traceId);
    expect(renamed.attributes).toEqual({ k: 'v2', n: 3n, 'wasm_otel.span.close_reason': 'trap' });
    expect(renamed.events).toEqual([{ name: 'checkpoint', timeUnixNano: 1_700_000_000_000_000_005n, attributes: { step: 1n }, droppedAttributesCount: 0 }]);
    expect(renamed.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'span still open when the guest trapped: boom' });
    expect(renamed.scope.name).toBe('wasm-otel');
    expect(autoSpan.parentSpanId).toBe(manual.spanId);
    expect(autoSpan.status.code).toBe(OtlpStatusCode.UNSET);
    expect(autoSpan.endTimeUnixNano <= renamed.endTimeUnixNano).toBe(true);
    expect(unended.spanId).toBe('c0ffee0000000001');
    expect(unended.parentSpanId).toBe(manual.spanId);
    expect(renamed.endTimeUnixNano <= hostSpan.endTimeUnixNano).toBe(true);
  });

  it('a managed root span starts a new trace that the host sampler decides', async () => {
    receiver.reset();
    const { state, flush } = engine();
    const root = state.startManagedSpan({ name: 'root', root: true });
    expect(root.traceFlags).toBe(TraceFlags.SAMPLED);
    const child = state.startManagedSpan({ name: 'child' });
    expect(child.traceId).toBe(root.traceId);
    state.endManagedSpan(child.spanId);
    state.endManagedSpan(root.spanId);
    await flush();
    const spans = await receiver.waitForSpans(2);
    expect(byName(spans, 'root').parentSpanId).toBe('');
    expect(byName(spans, 'child').parentSpanId).toBe(root.spanId);
  });
});

describe('span-state engine: guest span data the scenario guests do not send', () => {
  it('scope attributes, schema URL and the dropped counts the guest reports reach OTLP', async () => {
    receiver.reset();
    const { state, problems, flush } = engine();
    const report = decodeSpanData(
      {
        spanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: { sampled: true }, isRemote: false, traceState: [] },
        parentSpanId: '',
        spanKind: 'producer',
        name: 'scoped',
        startTime: { seconds: 1_700_000_000n, nanoseconds: 0 },
        endTime: { seconds: 1_700_000_001n, nanoseconds: 0 },
        attributes: [{ key: 'a', value: '1' }],
        events: [],
        links: [],
        status: { tag: 'unset' },
        instrumentationScope: { name: 'guest-lib', version: '2.0.0', schemaUrl: 'https://opentelemetry.io/schemas/1.30.0', attributes: [{ key: 'lib.kind', value: '"sdk"' }] },
        droppedAttributes: 2,
        droppedEvents: 3,
        droppedLinks: 4,
      },
      { limits: resolveLimits(undefined), problems, caches: createHostCaches() },
    )!;
    state.guestSpanEnded(report);
    await flush();
    const [span] = await receiver.waitForSpans(1);
    expect(span!.scope).toEqual({ name: 'guest-lib', version: '2.0.0', attributes: { 'lib.kind': 'sdk' } });
    expect(receiver.requests[0]!.decoded).toMatchObject({
      resourceSpans: [{ scopeSpans: [{ schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' }] }],
    });
    expect([span!.droppedAttributesCount, span!.droppedEventsCount, span!.droppedLinksCount]).toEqual([2, 3, 4]);
    expect(span!.startTimeUnixNano).toBe(1_700_000_000_000_000_000n);
    expect(span!.endTimeUnixNano).toBe(1_700_000_001_000_000_000n);
    // never announced by on-start: counted, and exported since its data is complete
    expect(problems.snapshot()).toEqual({ span_end_without_start: 1 });
  });
});
