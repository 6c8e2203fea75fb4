/**
 * wasi:observe spans under the host's sampler and span limits, exported over OTLP/HTTP protobuf:
 * a child follows the sampled flag of the span it is started in, a new-root span is decided by the
 * host's sampler, and the provider's limits cut attributes, events and links (counted in OTLP).
 */
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, ParentBasedSampler, SamplingDecision, SimpleSpanProcessor, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHost } from '../src/index.js';
import { hostFor } from './support/library-host.js';
import { Forwarder, FORWARDER, TRACER_SCOPE, hostSpan, remoteContext, s64, str } from './support/observe-guest.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const REMOTE_TRACE = '0af7651916cd43dd8448eb211c80319c';
const REMOTE_SPAN = 'b7ad6b7169203331';
/** A sampled remote parent (an incoming request), with a trace state. */
const sampledParent = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: REMOTE_TRACE,
  spanId: REMOTE_SPAN,
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=v1'),
});

describe('wasi:observe sampling', () => {
  it('a host sampler that refuses new traces: a new-root span does not record and is not exported; a child of a sampled host span records', async () => {
    // Refuses every root (the host span of a call without a parent, and new-root spans).
    const { host, flush } = hostFor(receiver, { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0) }) });
    const plain = new Forwarder(await (await host.load(FORWARDER)).instantiate());
    const guest = plain.under(sampledParent);

    const child = await guest.start('start-child', 'sampled-child', { newRoot: false, attributes: [str('a', 'b')] });
    const root = await guest.start('start-root', 'refused-root', { newRoot: true, attributes: [str('a', 'b')] });
    expect(await guest.isRecording('recording-child', child)).toBe(true);
    expect(await guest.isRecording('recording-root', root)).toBe(false);
    const childContext = await guest.spanContext('context-child', child);
    const rootContext = await guest.spanContext('context-root', root);
    // Inside the refused root: a child of it does not record either.
    const inRoot = await guest.start('start-in-root', 'in-refused-root');
    expect(await guest.isRecording('recording-in-root', inRoot)).toBe(false);
    await guest.end('end-in-root', inRoot);
    await guest.end('end-root', root);
    await guest.end('end-child', child);
    // A call without a parent: its host span is a root, refused; a span started in it does not record.
    const orphan = await plain.start('start-orphan', 'child-of-unsampled');
    expect(await plain.isRecording('recording-orphan', orphan)).toBe(false);
    await plain.end('end-orphan', orphan);
    await flush();

    const spans = receiver.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(
      [
        'context-child',
        'context-root',
        'end-child',
        'end-in-root',
        'end-root',
        'recording-child',
        'recording-in-root',
        'recording-root',
        'sampled-child',
        'start-child',
        'start-in-root',
        'start-root',
      ].sort(),
    );
    const call = hostSpan(spans, 'start-child', REMOTE_SPAN);
    const sampled = byName(spans, 'sampled-child');
    expect(childContext).toEqual({ traceId: REMOTE_TRACE, spanId: sampled.spanId, traceFlags: { sampled: true }, isRemote: false, traceState: [['vendor', 'v1']] });
    expect(sampled).toMatchObject({ traceId: REMOTE_TRACE, parentSpanId: call.spanId, traceState: 'vendor=v1', attributes: { a: 'b' }, scope: TRACER_SCOPE });
    expect(rootContext.traceFlags).toEqual({ sampled: false });
    expect(rootContext.traceId).not.toBe(REMOTE_TRACE);
    expect(rootContext.traceState).toEqual([]);
    expect(spans.some((s) => s.traceId === rootContext.traceId)).toBe(false);
    expect(host.problems()).toEqual({});
  });

  it('the sampler decides a new root with what is known at its start: name, kind, attributes, links', async () => {
    const asked: unknown[] = [];
    const sampler = {
      shouldSample: (_context: unknown, _traceId: string, name: string, kind: number, attributes: Record<string, unknown>, links: { context: { spanId: string } }[]) => {
        asked.push({ name, kind, attributes, links: links.map((l) => l.context.spanId) });
        return { decision: name === 'keep' ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
      },
      toString: () => 'recording sampler',
    };
    const { host, flush } = hostFor(receiver, { sampler: new ParentBasedSampler({ root: sampler }) });
    const guest = new Forwarder(await (await host.load(FORWARDER)).instantiate()).under(sampledParent);
    const link = { spanContext: remoteContext('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'), attributes: [str('why', 'retry')] };
    const kept = await guest.start('start-keep', 'keep', { newRoot: true, spanKind: 'consumer', attributes: [s64('k', 5n)], links: [link] });
    const dropped = await guest.start('start-drop', 'drop', { newRoot: true });
    expect([await guest.isRecording('recording-keep', kept), await guest.isRecording('recording-drop', dropped)]).toEqual([true, false]);
    await guest.end('end-drop', dropped);
    await guest.end('end-keep', kept);
    await flush();
    // (The host spans of the calls have the remote parent: the root sampler is not asked for them.)
    expect(asked).toEqual([
      { name: 'keep', kind: 4, attributes: { k: 5 }, links: ['b7ad6b7169203331'] },
      { name: 'drop', kind: 0, attributes: {}, links: [] },
    ]);
    expect(receiver.spans().map((s) => s.name)).toContain('keep');
    expect(receiver.spans().map((s) => s.name)).not.toContain('drop');
  });

  it('with the default sampler a new-root span records and is exported as the root of its own trace', async () => {
    const { host, flush } = hostFor(receiver);
    const guest = new Forwarder(await (await host.load(FORWARDER)).instantiate()).under(sampledParent);
    const root = await guest.start('start-root', 'sampled-root', { newRoot: true });
    expect(await guest.isRecording('recording-root', root)).toBe(true);
    const context = await guest.spanContext('context-root', root);
    await guest.end('end-root', root);
    await flush();
    const spans = receiver.spans();
    expect(spans).toHaveLength(5);
    const span = byName(spans, 'sampled-root');
    expect(context).toEqual({ traceId: span.traceId, spanId: span.spanId, traceFlags: { sampled: true }, isRemote: false, traceState: [] });
    // Not in the remote parent's trace, and none of its trace state.
    expect(span).toMatchObject({ parentSpanId: '', traceState: '' });
    expect(span.traceId).not.toBe(REMOTE_TRACE);
    expect(hostSpan(spans, 'start-root', REMOTE_SPAN).traceId).toBe(REMOTE_TRACE);
    expect(host.problems()).toEqual({});
  });
});

describe('wasi:observe span limits', () => {
  const link = (n: number) => ({ spanContext: remoteContext(REMOTE_TRACE, `00000000000000${n.toString(16).padStart(2, '0')}`), attributes: [] });

  it('the host limits (attributes 2, events 1, links 1): the first ones are kept, overwrites of kept keys apply, the rest counted in OTLP', async () => {
    const { host, flush } = hostFor(receiver, { limits: { attributeCountLimit: 2, eventCountLimit: 1, linkCountLimit: 1 } });
    const guest = new Forwarder(await (await host.load(FORWARDER)).instantiate());
    const span = await guest.start('start', 'limited', { newRoot: false, attributes: [str('a', 'a1'), str('b', 'b1'), str('c', 'c1')], links: [link(1), link(2)] });
    await guest.setAttributes('set', span, [str('a', 'a2'), s64('d', 4n)]);
    await guest.addEvent('event-1', span, 'first');
    await guest.addEvent('event-2', span, 'second');
    await guest.addLink('link-3', span, link(3));
    await guest.end('end', span);
    await flush();
    const spans = receiver.spans();
    expect(spans).toHaveLength(7);
    const limited = byName(spans, 'limited');
    expect(limited.attributes).toEqual({ a: 'a2', b: 'b1' });
    expect(limited.droppedAttributesCount).toBe(2);
    expect(limited.events.map((e) => e.name)).toEqual(['first']);
    expect(limited.droppedEventsCount).toBe(1);
    expect(limited.links.map((l) => l.spanId)).toEqual(['0000000000000001']);
    expect(limited.droppedLinksCount).toBe(2);
    // What the limits dropped is counted in OTLP and reported, like a wasi:otel span's.
    expect(host.problems()).toEqual({ attributes_dropped: 2, events_dropped: 1, links_dropped: 2 });
  });

  it("the tracer provider's own span limits apply to wasi:observe spans", async () => {
    const provider = new BasicTracerProvider({
      spanLimits: { attributeCountLimit: 1, eventCountLimit: 0, linkCountLimit: 0 },
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }))],
    });
    const host = createHost({ tracerProvider: provider });
    const guest = new Forwarder(await (await host.load(FORWARDER)).instantiate());
    const span = await guest.start('start', 'provider-limited', { newRoot: false, attributes: [str('x', '1'), str('y', '2')], links: [link(1)] });
    await guest.addEvent('event', span, 'dropped-event');
    await guest.end('end', span);
    await provider.forceFlush();
    const limited = byName(receiver.spans(), 'provider-limited');
    expect(limited).toMatchObject({ attributes: { x: '1' }, droppedAttributesCount: 1, events: [], droppedEventsCount: 1, links: [], droppedLinksCount: 1 });
    expect(host.problems()).toEqual({ attributes_dropped: 1, events_dropped: 1, links_dropped: 1 });
  });
});
