/**
 * Bad input through wasi:observe (pushed by wasi-observe-forwarder.wasm through the canonical
 * ABI): each is reported with a `wasm-otel:` line and counted, never thrown into the guest, and
 * what is valid is kept. Also: handles are per instance, and 100,000 dropped spans leave nothing
 * behind.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHost } from '../src/index.js';
import { hostFor } from './support/library-host.js';
import { Forwarder, FORWARDER, at, hostSpan, nanosOf, remoteContext, str, within, type ObserveLink } from './support/observe-guest.js';
import { OtlpStatusCode, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { byName } from './support/span-tree.js';
import { collectWarnings } from './support/warnings.js';

let receiver: OtlpReceiver;
const warnings = collectWarnings();
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

async function setup(): Promise<{ host: ReturnType<typeof hostFor>['host']; guest: Forwarder; load: () => Promise<Forwarder>; exported: () => Promise<OtlpSpan[]> }> {
  const { host, flush } = hostFor(receiver);
  const loaded = await host.load(FORWARDER);
  const load = async (): Promise<Forwarder> => new Forwarder(await loaded.instantiate());
  const exported = async (): Promise<OtlpSpan[]> => {
    await flush();
    return receiver.spans();
  };
  return { host, guest: await load(), load, exported };
}

const INVALID_CONTEXT = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: { sampled: false }, isRemote: false, traceState: [] };
const LINK: ObserveLink = { spanContext: remoteContext('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'), attributes: [] };
const unknownHandle = (method: string): string => `wasm-otel: unknown_span_handle: span.${method}: the handle names no span of this instance (unknown or already dropped); ignored`;

/** Every mutating method of the span resource, once, on `span`. */
async function mutateAll(guest: Forwarder, span: number, prefix: string): Promise<void> {
  await guest.setAttributes(`${prefix}-set-attributes`, span, [str('late', 'x')]);
  await guest.addEvent(`${prefix}-add-event`, span, 'late-event');
  await guest.addLink(`${prefix}-add-link`, span, LINK);
  await guest.setStatus(`${prefix}-set-status`, span, { tag: 'error', val: 'late' });
  await guest.updateName(`${prefix}-update-name`, span, 'late-name');
  await guest.end(`${prefix}-end`, span, at(1_800_000_000n, 0));
}
const MUTATING = ['set-attributes', 'add-event', 'add-link', 'set-status', 'update-name', 'end'];

describe('wasi:observe bad input: reported, counted, never thrown into the guest', () => {
  it('after end: every mutating method is ignored and counted span_already_ended; span-context still answers, is-recording is false', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'ended', { newRoot: false, attributes: [str('a', 'b')] });
    const end = at(2_000_000_000n, 42); // after the start (an end before it would be end_before_start)
    await guest.end('end', span, end);
    await mutateAll(guest, span, 'after');
    const context = await guest.spanContext('context', span);
    expect(await guest.isRecording('recording', span)).toBe(false);
    expect(guest.instance.openSpanCount).toBe(0);
    const spans = await exported();
    expect(spans).toHaveLength(2 + MUTATING.length + 2 + 1);
    const ended = byName(spans, 'ended');
    expect(context).toEqual({ traceId: ended.traceId, spanId: ended.spanId, traceFlags: { sampled: true }, isRemote: false, traceState: [] });
    expect(ended).toMatchObject({ attributes: { a: 'b' }, events: [], links: [], status: { code: OtlpStatusCode.UNSET, message: '' }, endTimeUnixNano: nanosOf(end) });
    expect(host.problems()).toEqual({ span_already_ended: MUTATING.length });
    expect(warnings).toEqual(MUTATING.map((method) => `wasm-otel: span_already_ended: span.${method} on span ${ended.spanId} ("ended"): the span has ended; ignored`));
  });

  it('set-status after end does not change the status', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'failed');
    await guest.setStatus('status', span, { tag: 'error', val: 'boom' });
    await guest.end('end', span);
    await guest.setStatus('status-after-end', span, { tag: 'ok' });
    const spans = await exported();
    expect(byName(spans, 'failed').status).toEqual({ code: OtlpStatusCode.ERROR, message: 'boom' });
    expect(host.problems()).toEqual({ span_already_ended: 1 });
  });

  it('span-context and is-recording through a dropped or a never-issued handle: an invalid context / false, counted unknown_span_handle', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'dropped');
    await guest.drop('drop', span);
    expect(await guest.spanContext('context-dropped', span)).toEqual(INVALID_CONTEXT);
    expect(await guest.isRecording('recording-dropped', span)).toBe(false);
    expect(await guest.spanContext('context-never-issued', 77)).toEqual(INVALID_CONTEXT);
    expect(await guest.isRecording('recording-never-issued', 77)).toBe(false);
    const spans = await exported();
    expect(spans).toHaveLength(7);
    expect(host.problems()).toEqual({ unknown_span_handle: 4 });
    expect(warnings).toEqual(['span-context', 'is-recording', 'span-context', 'is-recording'].map(unknownHandle));
  });

  it('mutating methods through a dropped or a never-issued handle: ignored, counted unknown_span_handle, the call succeeds', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'dropped');
    await guest.drop('drop', span);
    await mutateAll(guest, span, 'dropped');
    await mutateAll(guest, 77, 'never-issued');
    const spans = await exported();
    expect(byName(spans, 'dropped')).toMatchObject({ attributes: {}, events: [], links: [], status: { code: OtlpStatusCode.UNSET, message: '' } });
    expect(host.problems()).toEqual({ unknown_span_handle: 2 * MUTATING.length });
    // One line per case, at most 10 per reason at once (the report rate limit); the rest counted.
    expect(warnings).toEqual([...MUTATING, ...MUTATING].slice(0, 10).map(unknownHandle));
    expect(host.problemCounter.suppressed()).toEqual({ unknown_span_handle: 2 });
  });

  it('links with an invalid trace or span id are dropped (counted), the span and its valid links kept; upper-case ids are lower-cased', async () => {
    const { host, guest, exported } = await setup();
    const badTrace: ObserveLink = { spanContext: remoteContext('xyz', 'b7ad6b7169203331'), attributes: [str('bad', 'trace')] };
    const span = await guest.start('start', 'linked', { newRoot: false, links: [badTrace, LINK] });
    await guest.addLink('add-zero-span', span, { spanContext: remoteContext('4bf92f3577b34da6a3ce929d0e0e4736', '0000000000000000'), attributes: [] });
    await guest.addLink('add-zero-trace', span, { spanContext: remoteContext('0'.repeat(32), '00f067aa0ba902b7'), attributes: [] });
    await guest.addLink('add-upper', span, { spanContext: remoteContext('4BF92F3577B34DA6A3CE929D0E0E4736', '00F067AA0BA902B7'), attributes: [] });
    await guest.end('end', span);
    const spans = await exported();
    const linked = byName(spans, 'linked');
    expect(linked.links.map((l) => [l.traceId, l.spanId])).toEqual([
      ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
      ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'],
    ]);
    // The three invalid links count as dropped in OTLP (as for wasi:otel); each was reported once, by its id.
    expect(linked.droppedLinksCount).toBe(3);
    expect(host.problems()).toEqual({ invalid_trace_id: 2, invalid_span_id: 1 });
    expect(warnings).toEqual([
      'wasm-otel: invalid_trace_id: tracer.start "linked": link: trace id "xyz" is not 32 hex digits (non-zero)',
      `wasm-otel: invalid_span_id: span.add-link on span ${linked.spanId} ("linked"): link: span id "0000000000000000" is not 16 hex digits (non-zero)`,
      `wasm-otel: invalid_trace_id: span.add-link on span ${linked.spanId} ("linked"): link: trace id "00000000000000000000000000000000" is not 32 hex digits (non-zero)`,
    ]);
  });

  it('times with nanoseconds >= 1e9: counted invalid_time, the host clock used (within the call that gave them)', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'bad-times', { newRoot: false, timestamp: at(1_700_000_000n, 1_000_000_000) });
    await guest.addEvent('event', span, 'bad-time', at(1_700_000_000n, 4_000_000_000));
    await guest.end('end', span, at(1_700_000_001n, 1_000_000_000));
    const spans = await exported();
    const span_ = byName(spans, 'bad-times');
    expect(host.problems()).toEqual({ invalid_time: 3 });
    expect(warnings).toEqual([
      `wasm-otel: invalid_time: tracer.start "bad-times" start time 1700000000s 1000000000ns is not a valid time; using the host's clock`,
      `wasm-otel: invalid_time: span.add-event on span ${span_.spanId} ("bad-times") "bad-time" time 1700000000s 4000000000ns is not a valid time; using the host's clock`,
      `wasm-otel: invalid_time: span.end on span ${span_.spanId} ("bad-times") end time 1700000001s 1000000000ns is not a valid time; using the host's clock`,
    ]);
    // The host's clock, on the time line of the host span of each call (as for times left out).
    expect(within(span_.startTimeUnixNano, hostSpan(spans, 'start'))).toBe(true);
    expect(within(span_.events[0]!.timeUnixNano, hostSpan(spans, 'event'))).toBe(true);
    expect(within(span_.endTimeUnixNano, hostSpan(spans, 'end'))).toBe(true);
  });

  it('times OTLP cannot hold (after 2554-07-21T23:34:33.709551615Z) are invalid_time; an end before the start is end_before_start', async () => {
    const { host, guest, exported } = await setup();
    // The last nanosecond OTLP holds is kept exactly; one more is refused.
    const last = await guest.start('start-last', 'last', { newRoot: false, timestamp: at(18_446_744_073n, 709_551_615) });
    await guest.end('end-last', last, at(18_446_744_073n, 709_551_615));
    const far = await guest.start('start-far', 'far', { newRoot: false, timestamp: at(1_700_000_000n, 0) });
    await guest.end('end-far', far, at(1_000_000_000_000n, 0));
    const backwards = await guest.start('start-backwards', 'backwards', { newRoot: false, timestamp: at(1_700_000_010n, 0) });
    await guest.end('end-backwards', backwards, at(1_700_000_000n, 0));
    const spans = await exported();
    expect(byName(spans, 'last')).toMatchObject({ startTimeUnixNano: 18_446_744_073_709_551_615n, endTimeUnixNano: 18_446_744_073_709_551_615n });
    const far_ = byName(spans, 'far');
    expect(far_.startTimeUnixNano).toBe(1_700_000_000_000_000_000n);
    expect(within(far_.endTimeUnixNano, hostSpan(spans, 'end-far'))).toBe(true);
    expect(byName(spans, 'backwards')).toMatchObject({ startTimeUnixNano: 1_700_000_010_000_000_000n, endTimeUnixNano: 1_700_000_010_000_000_000n });
    expect(host.problems()).toEqual({ invalid_time: 1, end_before_start: 1 });
    expect(warnings).toEqual([
      `wasm-otel: invalid_time: span.end on span ${far_.spanId} ("far") end time 1000000000000s 0ns is not a valid time; using the host's clock`,
      `wasm-otel: end_before_start: span ${byName(spans, 'backwards').spanId} ("backwards"): end time is before start time; end set to start`,
    ]);
  });

  it('float64 whole numbers beyond int64 are dropped (OTLP/JSON could not carry them), reported; the span and its other attributes are kept', async () => {
    const { host, guest, exported } = await setup();
    const span = await guest.start('start', 'huge-floats', {
      newRoot: false,
      attributes: [
        { key: 'big', value: { tag: 'float64', val: 1e300 } },
        { key: 'big-array', value: { tag: 'float64-array', val: Float64Array.from([1.5, -1e20]) } },
        { key: 'also-big', value: { tag: 'float64', val: 5e299 } },
        { key: 'small', value: { tag: 'float64', val: 0.25 } },
      ],
    });
    await guest.end('end', span);
    const exportedSpan = byName(await exported(), 'huge-floats');
    expect(exportedSpan.attributes).toEqual({ small: 0.25 });
    expect(exportedSpan.droppedAttributesCount).toBe(0);
    expect(host.problems()).toEqual({ invalid_attribute_value: 3 });
    const why = 'a whole number beyond 64-bit integers (the OTLP exporters would send it as an int64, which cannot hold it)';
    expect(warnings).toEqual([
      `wasm-otel: invalid_attribute_value: tracer.start "huge-floats": attribute "big" dropped: float64 value holds ${why}`,
      `wasm-otel: invalid_attribute_value: tracer.start "huge-floats": attribute "big-array" dropped: float64-array value holds ${why}`,
      `wasm-otel: invalid_attribute_value: tracer.start "huge-floats": attribute "also-big" dropped: float64 value holds ${why}`,
    ]);
  });

  it('names over the name length limit are cut to it (start and update-name), counted name_truncated', async () => {
    const { host, guest, exported } = await setup();
    await guest.end('end-long', await guest.start('start-long', 'n'.repeat(5000)));
    const renamed = await guest.start('start-renamed', 'short');
    await guest.updateName('rename', renamed, `r${'é'.repeat(2000)}`);
    await guest.end('end-renamed', renamed);
    const spans = await exported();
    expect(byName(spans, 'n'.repeat(1024)).parentSpanId).toBe(hostSpan(spans, 'start-long').spanId);
    expect(byName(spans, `r${'é'.repeat(1023)}`).parentSpanId).toBe(hostSpan(spans, 'start-renamed').spanId);
    expect(host.problems()).toEqual({ name_truncated: 2 });
  });

  it('a name with invalid UTF-8 bytes: U+FFFD for each, counted invalid_utf8, the span kept', async () => {
    const { host, guest, exported } = await setup();
    await guest.run('bad-utf8', 'bad-utf8');
    const spans = await exported();
    expect(spans).toHaveLength(2);
    const span = byName(spans, 'bad\ufffd\ufffdutf');
    expect(span.parentSpanId).toBe(hostSpan(spans, 'bad-utf8').spanId);
    expect(host.problems()).toEqual({ invalid_utf8: 1 });
    expect(warnings).toEqual(['wasm-otel: invalid_utf8: tracer.start "bad\ufffd\ufffdutf": 1 string is not valid UTF-8; invalid bytes were replaced with U+FFFD']);
  });
});

describe('wasi:observe handles belong to one instance', () => {
  it("a handle issued in instance A names nothing in B: span-context / is-recording in B are unknown_span_handle, A's span unaffected", async () => {
    const { host, guest: a, load, exported } = await setup();
    const b = await load();
    const span = await a.start('a-start', 'a-span');
    expect(span).toBe(1);
    expect(await b.spanContext('b-context', span)).toEqual(INVALID_CONTEXT);
    expect(await b.isRecording('b-recording', span)).toBe(false);
    const context = await a.spanContext('a-context', span);
    expect(await a.isRecording('a-recording', span)).toBe(true);
    await a.end('a-end', span);
    const spans = await exported();
    const aSpan = byName(spans, 'a-span');
    expect(context).toMatchObject({ traceId: aSpan.traceId, spanId: aSpan.spanId });
    expect(host.problems()).toEqual({ unknown_span_handle: 2 });
  });

  it("a handle issued in instance A used for set-attributes and end in B: ignored there (counted), A's span still open and unchanged", async () => {
    const { host, guest: a, load, exported } = await setup();
    const b = await load();
    const span = await a.start('a-start', 'a-span', { newRoot: false, attributes: [str('owner', 'a')] });
    await b.setAttributes('b-set', span, [str('owner', 'b')]);
    await b.end('b-end', span, at(1_700_000_000n, 0));
    expect(a.instance.openSpanCount).toBe(1);
    expect(b.instance.openSpanCount).toBe(0);
    await a.end('a-end', span);
    const spans = await exported();
    const aSpan = byName(spans, 'a-span');
    expect(aSpan.attributes).toEqual({ owner: 'a' });
    expect(within(aSpan.endTimeUnixNano, hostSpan(spans, 'a-end'))).toBe(true);
    expect(host.problems()).toEqual({ unknown_span_handle: 2 });
  });
});

/** A span processor that only counts the spans that end (holds none of them). */
class CountingProcessor implements SpanProcessor {
  ended = 0;
  onStart(_span: unknown, _context: Context): void {}
  onEnd(span: ReadableSpan): void {
    if (span.name === 'dropped') this.ended++;
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A forced full collection (vitest has no --expose-gc: the flag is set now, gc taken from a fresh context). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

describe('wasi:observe heap', () => {
  /** A host whose span processor holds nothing, and an instance warmed up (code compiled, tables sized). */
  async function droppingHost(): Promise<{ host: ReturnType<typeof createHost>; guest: Forwarder; processor: CountingProcessor }> {
    const processor = new CountingProcessor();
    const host = createHost({ spanProcessors: [processor] });
    const guest = new Forwarder(await (await host.load(FORWARDER)).instantiate());
    await guest.run('warm-up', 'start-drop', 1_000);
    return { host, guest, processor };
  }

  it('100,000 spans started and dropped in one call: all ended and handed to the processor, no engine state left', async () => {
    const { host, guest, processor } = await droppingHost();
    await guest.run('many', 'start-drop', 100_000);
    expect(processor.ended).toBe(101_000);
    expect(guest.instance.openSpanCount).toBe(0);
    expect(host.problems()).toEqual({});
  });

  it('100,000 spans started and dropped in one call leave no heap behind', async () => {
    const gc = collector();
    const { guest } = await droppingHost();
    const heapUsed = (): number => {
      for (let i = 0; i < 4; i++) gc();
      return v8.getHeapStatistics().used_heap_size;
    };
    const before = heapUsed();
    await guest.run('many', 'start-drop', 100_000);
    const after = heapUsed();
    const growth = after - before;
    console.log(`wasi:observe start-drop(100000): heap ${(before / 2 ** 20).toFixed(1)} MiB -> ${(after / 2 ** 20).toFixed(1)} MiB (${(growth / 2 ** 20).toFixed(2)} MiB growth)`);
    expect(guest.instance.openSpanCount).toBe(0);
    // Nothing per span may stay: 10 bytes a span would already be 1 MiB. (Measured without
    // anything kept per span: under 0.4 MiB.)
    expect(growth).toBeLessThan(2 ** 20);
  });
});
