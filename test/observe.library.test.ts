/**
 * wasi:observe through the library API: spans the guest starts with `tracer.start` and shapes
 * with the `span` resource's methods, pushed through the real canonical ABI by
 * wasi-observe-forwarder.wasm and exported over OTLP/HTTP protobuf. Every call into the guest has
 * a host span named after the step (see Forwarder), so parents and times are checked against the
 * host span of the very call that made them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WasmOtelError } from '../src/index.js';
import { hostFor, TEST_SERVICE } from './support/library-host.js';
import { Forwarder, FORWARDER, TRACER_SCOPE, at, bool, f64, hostSpan, nanosOf, remoteContext, s64, str, within } from './support/observe-guest.js';
import { OtlpSpanKind, OtlpStatusCode, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

/** A fresh host (its own problem counter) and one instance of the forwarder. */
async function setup(): Promise<{ host: ReturnType<typeof hostFor>['host']; guest: Forwarder; exported: () => Promise<OtlpSpan[]> }> {
  const { host, flush } = hostFor(receiver);
  const guest = new Forwarder(await (await host.load(FORWARDER)).instantiate());
  const exported = async (): Promise<OtlpSpan[]> => {
    await flush();
    return receiver.spans();
  };
  return { host, guest, exported };
}

const names = (spans: readonly OtlpSpan[]): string[] => spans.map((s) => s.name).sort();
const UNSET = { code: OtlpStatusCode.UNSET, message: '' };

describe('wasi:observe tracer through the library', () => {
  it('start: the span-context the guest gets names the exported span; parent, name, kind, times and scope are exact', async () => {
    const { host, guest, exported } = await setup();
    const start = at(1_700_000_000n, 123_456_789);
    const end = at(1_700_000_001n, 987_654_321);
    const span = await guest.start('call-start', 'checkout', { newRoot: false, spanKind: 'server', timestamp: start });
    expect(span).toBe(1);
    const context = await guest.spanContext('call-context', span);
    expect(await guest.isRecording('call-recording', span)).toBe(true);
    await guest.end('call-end', span, end);
    const spans = await exported();
    expect(names(spans)).toEqual(['call-context', 'call-end', 'call-recording', 'call-start', 'checkout']);
    const call = hostSpan(spans, 'call-start');
    const checkout = byName(spans, 'checkout');
    expect(context).toEqual({ traceId: checkout.traceId, spanId: checkout.spanId, traceFlags: { sampled: true }, isRemote: false, traceState: [] });
    expect(checkout).toEqual({
      traceId: call.traceId,
      spanId: context.spanId,
      parentSpanId: call.spanId,
      traceState: '',
      name: 'checkout',
      kind: OtlpSpanKind.SERVER,
      startTimeUnixNano: 1_700_000_000_123_456_789n,
      endTimeUnixNano: 1_700_000_001_987_654_321n,
      attributes: {},
      events: [],
      links: [],
      status: UNSET,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      flags: 0x101, // sampled; has is_remote, not remote
      resource: call.resource,
      scope: TRACER_SCOPE,
    });
    expect(call.resource['service.name']).toBe(TEST_SERVICE);
    expect(guest.instance.openSpanCount).toBe(0);
    expect(host.problems()).toEqual({});
  });

  it('all five span kinds; internal when the options or the kind are left out', async () => {
    const { host, guest, exported } = await setup();
    const kinds = { client: OtlpSpanKind.CLIENT, server: OtlpSpanKind.SERVER, producer: OtlpSpanKind.PRODUCER, consumer: OtlpSpanKind.CONSUMER, internal: OtlpSpanKind.INTERNAL } as const;
    for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) {
      await guest.end(`end-${kind}`, await guest.start(`start-${kind}`, kind, { newRoot: false, spanKind: kind }));
    }
    await guest.end('end-no-options', await guest.start('start-no-options', 'no-options'));
    await guest.end('end-no-kind', await guest.start('start-no-kind', 'no-kind', { newRoot: false }));
    const spans = await exported();
    expect(spans).toHaveLength(7 * 3); // each span, the host spans of its start and its end
    for (const [kind, otlp] of Object.entries(kinds)) {
      const span = byName(spans, kind);
      expect(span.kind).toBe(otlp);
      // Each ended before the next started: each is a child of the host span of its own call.
      expect(span.parentSpanId).toBe(hostSpan(spans, `start-${kind}`).spanId);
      expect(span.traceId).toBe(hostSpan(spans, `start-${kind}`).traceId);
    }
    expect(byName(spans, 'no-options').kind).toBe(OtlpSpanKind.INTERNAL);
    expect(byName(spans, 'no-kind').kind).toBe(OtlpSpanKind.INTERNAL);
    expect(host.problems()).toEqual({});
  });

  it('a span started while another is open is its child (the instance current span, not the call host span); then the host span again', async () => {
    const { host, guest, exported } = await setup();
    const outer = await guest.start('start-outer', 'outer');
    const middle = await guest.start('start-middle', 'middle');
    const inner = await guest.start('start-inner', 'inner');
    expect([outer, middle, inner]).toEqual([1, 2, 3]);
    await guest.end('end-inner', inner);
    await guest.end('end-middle', middle);
    await guest.end('end-outer', outer);
    await guest.end('end-after', await guest.start('start-after', 'after'));
    const spans = await exported();
    expect(spans).toHaveLength(12);
    const first = hostSpan(spans, 'start-outer');
    expect(byName(spans, 'outer')).toMatchObject({ traceId: first.traceId, parentSpanId: first.spanId });
    expect(byName(spans, 'middle')).toMatchObject({ traceId: first.traceId, parentSpanId: byName(spans, 'outer').spanId });
    expect(byName(spans, 'inner')).toMatchObject({ traceId: first.traceId, parentSpanId: byName(spans, 'middle').spanId });
    // The calls that started middle and inner had host spans of their own traces.
    expect(hostSpan(spans, 'start-middle').traceId).not.toBe(first.traceId);
    expect(hostSpan(spans, 'start-inner').traceId).not.toBe(first.traceId);
    const later = hostSpan(spans, 'start-after');
    expect(byName(spans, 'after')).toMatchObject({ traceId: later.traceId, parentSpanId: later.spanId });
    // Ended at the host's clock, during the call that ended each.
    for (const name of ['inner', 'middle', 'outer', 'after']) {
      const span = byName(spans, name);
      expect(within(span.startTimeUnixNano, hostSpan(spans, `start-${name}`))).toBe(true);
      expect(within(span.endTimeUnixNano, hostSpan(spans, `end-${name}`))).toBe(true);
    }
    expect(host.problems()).toEqual({});
  });

  it('new-root: a new trace without a parent, even with a span open; spans started inside it belong to it', async () => {
    const { host, guest, exported } = await setup();
    const open = await guest.start('start-open', 'open');
    const root = await guest.start('start-root', 'root', { newRoot: true, spanKind: 'consumer' });
    const rootContext = await guest.spanContext('context-root', root);
    const child = await guest.start('start-child', 'child');
    await guest.end('end-child', child);
    await guest.end('end-root', root);
    await guest.end('end-open', open);
    const spans = await exported();
    expect(spans).toHaveLength(10);
    const rootSpan = byName(spans, 'root');
    expect(rootContext).toEqual({ traceId: rootSpan.traceId, spanId: rootSpan.spanId, traceFlags: { sampled: true }, isRemote: false, traceState: [] });
    expect(rootSpan.parentSpanId).toBe('');
    expect(rootSpan.kind).toBe(OtlpSpanKind.CONSUMER);
    expect(rootSpan.scope).toEqual(TRACER_SCOPE);
    const traces = new Set(spans.filter((s) => s.name !== 'root' && s.name !== 'child').map((s) => s.traceId));
    expect(traces.has(rootSpan.traceId)).toBe(false);
    expect(byName(spans, 'child')).toMatchObject({ traceId: rootSpan.traceId, parentSpanId: rootSpan.spanId });
    expect(byName(spans, 'open').parentSpanId).toBe(hostSpan(spans, 'start-open').spanId);
    expect(host.problems()).toEqual({});
  });

  it('attributes of every value variant; set-attributes overwrites (last write wins); s64 beyond 2^53 rounded and counted', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'typed', {
      newRoot: false,
      attributes: [
        str('k', 'from-start'),
        str('v.string', 'text é'),
        bool('v.bool', true),
        f64('v.float64', 1.5),
        s64('v.s64', -42n),
        { key: 'v.string-array', value: { tag: 'string-array', val: ['a', 'b'] } },
        { key: 'v.bool-array', value: { tag: 'bool-array', val: [true, false] } },
        { key: 'v.float64-array', value: { tag: 'float64-array', val: new Float64Array([1.5, -2.25]) } },
        { key: 'v.s64-array', value: { tag: 's64-array', val: new BigInt64Array([1n, -2n, 2n ** 53n + 1n]) } },
      ],
    });
    await guest.setAttributes('set-1', span, [str('k', 'first-set'), s64('v.s64-max-safe', 2n ** 53n - 1n), s64('v.s64-big', 2n ** 53n + 1n), str('k', 'second-in-list')]);
    await guest.setAttributes('set-2', span, [s64('v.s64-neg-big', -(2n ** 53n) - 1n), str('k', 'last')]);
    await guest.end('end', span);
    const spans = await exported();
    expect(spans).toHaveLength(5);
    const typed = byName(spans, 'typed');
    expect(typed.attributes).toEqual({
      k: 'last',
      'v.string': 'text é',
      'v.bool': true,
      'v.float64': 1.5,
      'v.s64': -42n,
      'v.string-array': ['a', 'b'],
      'v.bool-array': [true, false],
      'v.float64-array': [1.5, -2.25],
      'v.s64-array': [1n, -2n, 9_007_199_254_740_992n],
      'v.s64-max-safe': 9_007_199_254_740_991n,
      'v.s64-big': 9_007_199_254_740_992n,
      'v.s64-neg-big': -9_007_199_254_740_992n,
    });
    expect(Object.keys(typed.attributes)[0]).toBe('k'); // overwritten in place
    expect(typed.droppedAttributesCount).toBe(0);
    expect(host.problems()).toEqual({ attribute_value_rounded: 3 });
  });

  it('events with and without timestamp and attributes', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'events');
    await guest.addEvent('event-1', span, 'timed', at(1_700_000_000n, 500), [str('e', 'one'), s64('n', 1n)]);
    await guest.addEvent('event-2', span, 'untimed');
    await guest.addEvent('event-3', span, 'untimed-with-attributes', undefined, [bool('flag', false)]);
    await guest.addEvent('event-4', span, 'timed-empty-list', at(1_700_000_002n, 999_999_999), []);
    await guest.end('end', span);
    const spans = await exported();
    expect(spans).toHaveLength(7);
    const { events } = byName(spans, 'events');
    expect(events.map((e) => e.name)).toEqual(['timed', 'untimed', 'untimed-with-attributes', 'timed-empty-list']);
    expect(events[0]).toEqual({ name: 'timed', timeUnixNano: 1_700_000_000_000_000_500n, attributes: { e: 'one', n: 1n }, droppedAttributesCount: 0 });
    expect(events[1]).toMatchObject({ attributes: {}, droppedAttributesCount: 0 });
    expect(within(events[1]!.timeUnixNano, hostSpan(spans, 'event-2'))).toBe(true);
    expect(events[2]).toMatchObject({ attributes: { flag: false }, droppedAttributesCount: 0 });
    expect(within(events[2]!.timeUnixNano, hostSpan(spans, 'event-3'))).toBe(true);
    expect(events[3]).toEqual({ name: 'timed-empty-list', timeUnixNano: nanosOf(at(1_700_000_002n, 999_999_999)), attributes: {}, droppedAttributesCount: 0 });
    expect(host.problems()).toEqual({});
  });

  it('links from the start options and add-link, with their trace state, flags and attributes', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'linked', {
      newRoot: false,
      links: [{ spanContext: remoteContext('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', [['vendor', 'v1'], ['other', 'v2']]), attributes: [str('link.reason', 'retry')] }],
    });
    await guest.addLink('link', span, {
      spanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: {}, isRemote: false, traceState: [] },
      attributes: [],
    });
    await guest.end('end', span);
    const spans = await exported();
    expect(spans).toHaveLength(4);
    expect(byName(spans, 'linked').links).toEqual([
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: 'vendor=v1,other=v2', attributes: { 'link.reason': 'retry' }, droppedAttributesCount: 0, flags: 0x301 },
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 0x100 },
    ]);
    expect(host.problems()).toEqual({});
  });

  it('status: ok is final, an error keeps its message, unset is ignored', async () => {
    const { host, guest, exported } = await setup();
    const cases: [string, { tag: 'unset' } | { tag: 'ok' } | { tag: 'error'; val: string }][][] = [
      [['ok-then-error', { tag: 'ok' }], ['ok-then-error', { tag: 'error', val: 'late' }]],
      [['error-then-ok', { tag: 'error', val: 'first' }], ['error-then-ok', { tag: 'ok' }]],
      [['error-then-unset', { tag: 'error', val: 'boom' }], ['error-then-unset', { tag: 'unset' }]],
      [['error-then-error', { tag: 'error', val: 'one' }], ['error-then-error', { tag: 'error', val: 'two' }]],
      [['only-unset', { tag: 'unset' }]],
      [['error-empty', { tag: 'error', val: '' }]],
    ];
    for (const steps of cases) {
      const name = steps[0]![0];
      const span = await guest.start(`start-${name}`, name);
      for (const [i, [, status]] of steps.entries()) await guest.setStatus(`status-${name}-${i}`, span, status);
      await guest.end(`end-${name}`, span);
    }
    const spans = await exported();
    expect(spans).toHaveLength(cases.length * 3 + cases.flat().length);
    expect(byName(spans, 'ok-then-error').status).toEqual({ code: OtlpStatusCode.OK, message: '' });
    expect(byName(spans, 'error-then-ok').status).toEqual({ code: OtlpStatusCode.OK, message: '' });
    expect(byName(spans, 'error-then-unset').status).toEqual({ code: OtlpStatusCode.ERROR, message: 'boom' });
    expect(byName(spans, 'error-then-error').status).toEqual({ code: OtlpStatusCode.ERROR, message: 'two' });
    expect(byName(spans, 'only-unset').status).toEqual(UNSET);
    expect(byName(spans, 'error-empty').status).toEqual({ code: OtlpStatusCode.ERROR, message: '' });
    expect(host.problems()).toEqual({});
  });

  it('update-name renames; the span keeps its ids', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'before');
    const context = await guest.spanContext('context', span);
    await guest.updateName('rename', span, 'after');
    await guest.end('end', span);
    const spans = await exported();
    expect(names(spans)).toEqual(['after', 'context', 'end', 'rename', 'start']);
    expect(byName(spans, 'after')).toMatchObject({ spanId: context.spanId, traceId: context.traceId, parentSpanId: hostSpan(spans, 'start').spanId });
    expect(host.problems()).toEqual({});
  });

  it('dropping the handle of a span not ended ends it at drop time (no error, no close reason)', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'dropped', { newRoot: false, attributes: [str('a', 'b')] });
    expect(guest.instance.openSpanCount).toBe(1);
    await guest.drop('drop', span);
    expect(guest.instance.openSpanCount).toBe(0);
    const spans = await exported();
    expect(names(spans)).toEqual(['drop', 'dropped', 'start']);
    const dropped = byName(spans, 'dropped');
    expect(dropped).toMatchObject({ attributes: { a: 'b' }, status: UNSET, parentSpanId: hostSpan(spans, 'start').spanId });
    expect(within(dropped.endTimeUnixNano, hostSpan(spans, 'drop'))).toBe(true);
    expect(host.problems()).toEqual({});
  });

  it('nested-drop: a child that outlives its parent keeps it', async () => {
    const { host, guest, exported } = await setup();
    await guest.run('nested', 'nested-drop');
    const spans = await exported();
    expect(names(spans)).toEqual(['inner', 'nested', 'outer']);
    const call = hostSpan(spans, 'nested');
    const outer = byName(spans, 'outer');
    const inner = byName(spans, 'inner');
    expect(outer).toMatchObject({ traceId: call.traceId, parentSpanId: call.spanId, status: UNSET, scope: TRACER_SCOPE });
    expect(inner).toMatchObject({ traceId: call.traceId, parentSpanId: outer.spanId, status: UNSET, scope: TRACER_SCOPE });
    expect(outer.startTimeUnixNano <= inner.startTimeUnixNano).toBe(true);
    expect(outer.endTimeUnixNano <= inner.endTimeUnixNano).toBe(true);
    for (const span of [outer, inner]) {
      expect(within(span.startTimeUnixNano, call)).toBe(true);
      expect(within(span.endTimeUnixNano, call)).toBe(true);
    }
    expect(guest.instance.openSpanCount).toBe(0);
    expect(host.problems()).toEqual({});
  });

  it('a trap closes the spans left open: status error, close reason trap, ended during the trapping call', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'open-at-trap', { newRoot: false, attributes: [s64('n', 1n)] });
    // Dropping handle 0 traps in jco's glue (see the forwarder's header).
    const error = (await guest.drop('trapping', 0).catch((e: unknown) => e)) as WasmOtelError;
    expect(error).toBeInstanceOf(WasmOtelError);
    expect(error.code).toBe('guest_trap');
    expect(span).toBe(1);
    expect(guest.instance.openSpanCount).toBe(0);
    const spans = await exported();
    expect(names(spans)).toEqual(['open-at-trap', 'start', 'trapping']);
    const open = byName(spans, 'open-at-trap');
    const trapping = hostSpan(spans, 'trapping');
    expect(open.attributes).toEqual({ n: 1n, 'wasm_otel.span.close_reason': 'trap' });
    expect(open.status.code).toBe(OtlpStatusCode.ERROR);
    expect(open.status.message).toBe(`span still open when the guest trapped: ${error.message.replace(/^wasi-observe-forwarder\.wasm trapped: /, '')}`);
    expect(open.parentSpanId).toBe(hostSpan(spans, 'start').spanId);
    expect(within(open.endTimeUnixNano, trapping)).toBe(true);
    expect(trapping.status.code).toBe(OtlpStatusCode.ERROR);
    expect(host.problems()).toEqual({ open_spans_closed: 1 });
  });

  it('a final call (finalCall) closes the spans it left open: status error, close reason exit, before its host span ends', async () => {
    const { host, guest, exported } = await setup();
    await guest.instance.invoke('start', ['open-at-exit', undefined], { spanName: 'final', finalCall: true });
    expect(guest.instance.openSpanCount).toBe(0);
    const spans = await exported();
    expect(names(spans)).toEqual(['final', 'open-at-exit']);
    const final = hostSpan(spans, 'final');
    const open = byName(spans, 'open-at-exit');
    expect(open).toMatchObject({
      parentSpanId: final.spanId,
      attributes: { 'wasm_otel.span.close_reason': 'exit' },
      status: { code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited' },
      scope: TRACER_SCOPE,
    });
    expect(within(open.endTimeUnixNano, final)).toBe(true);
    expect(host.problems()).toEqual({ open_spans_closed: 1 });
  });

  it('dispose() closes the spans left open: status error, close reason dispose', async () => {
    const { host, guest, exported } = await setup();
    const outer = await guest.start('start-outer', 'outer-at-dispose');
    await guest.start('start-inner', 'inner-at-dispose', { newRoot: false, spanKind: 'client' });
    expect(guest.instance.openSpanCount).toBe(2);
    guest.instance.dispose();
    expect(guest.instance.openSpanCount).toBe(0);
    const spans = await exported();
    expect(names(spans)).toEqual(['inner-at-dispose', 'outer-at-dispose', 'start-inner', 'start-outer']);
    const closedOuter = byName(spans, 'outer-at-dispose');
    const closedInner = byName(spans, 'inner-at-dispose');
    expect(outer).toBe(1);
    expect(closedInner).toMatchObject({ parentSpanId: closedOuter.spanId, traceId: closedOuter.traceId, kind: OtlpSpanKind.CLIENT });
    for (const span of [closedOuter, closedInner]) {
      expect(span.attributes).toEqual({ 'wasm_otel.span.close_reason': 'dispose' });
      expect(span.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'span still open when the guest instance was disposed' });
      expect(span.endTimeUnixNano >= hostSpan(spans, 'start-inner').endTimeUnixNano).toBe(true);
    }
    expect(host.problems()).toEqual({ open_spans_closed: 2 });
  });
});
