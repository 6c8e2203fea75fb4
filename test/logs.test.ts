/**
 * wasi:otel/logs end to end: log records pushed through the real canonical ABI by the forwarder
 * guests (`emit-log` -> `logs.on-emit`), exported over OTLP/HTTP protobuf and compared field by
 * field with what the guest sent; bad input is repaired, counted and never thrown into the guest.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as Logs from '../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-logs.js';
import type * as Tracing from '../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-tracing.js';
import type { GuestInstance, LoadedComponent, WasmOtelHost } from '../src/index.js';
import { hostFor, TEST_SERVICE } from './support/library-host.js';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { receivedLogs, waitForLogs, type OtlpLog } from './support/otlp-signals.js';
import { component } from './support/paths.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;
let host: WasmOtelHost;
let flush: () => Promise<void>;
let rc2: LoadedComponent;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(async () => {
  receiver.reset();
  // a fresh host per test: host.problems() counts only what the test did
  ({ host, flush } = hostFor(receiver));
  rc2 = await host.load(component('forwarder-rc.2.wasm'));
});

// ---- values -----------------------------------------------------------------------------------

const dt = (seconds: number, nanoseconds = 0): Tracing.Datetime => ({ seconds: BigInt(seconds), nanoseconds });
const ns = (seconds: number, nanoseconds = 0): bigint => BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

/** A record with every field absent. */
const EMPTY: Logs.LogRecord = {
  timestamp: undefined,
  observedTimestamp: undefined,
  severityText: undefined,
  severityNumber: undefined,
  body: undefined,
  attributes: undefined,
  eventName: undefined,
  resource: undefined,
  instrumentationScope: undefined,
  traceId: undefined,
  spanId: undefined,
  traceFlags: undefined,
};
/** Most records carry an observed timestamp, so the whole exported record is known exactly. */
const OBSERVED = dt(1_700_000_000, 999);
const record = (fields: Partial<Logs.LogRecord>): Logs.LogRecord => ({ ...EMPTY, observedTimestamp: OBSERVED, ...fields });

function ctx(traceId: string, spanId: string, sampled = true): Tracing.SpanContext {
  return { traceId, spanId, traceFlags: { sampled }, isRemote: false, traceState: [] };
}

function spanData(context: Tracing.SpanContext, parentSpanId: string, name: string): Tracing.SpanData {
  return {
    spanContext: context,
    parentSpanId,
    spanKind: 'internal',
    name,
    startTime: dt(1_700_000_001),
    endTime: dt(1_700_000_002),
    attributes: [],
    events: [],
    links: [],
    status: { tag: 'unset' },
    instrumentationScope: { name: 'tracer', version: undefined, schemaUrl: undefined, attributes: [] },
    droppedAttributes: 0,
    droppedEvents: 0,
    droppedLinks: 0,
  };
}

/** What a record with only the observed timestamp becomes, emitted inside the host span `span`. */
function exported(span: { traceId: string; spanId: string }, flags = 1): OtlpLog {
  return {
    resource: { 'service.name': TEST_SERVICE },
    resourceSchemaUrl: '',
    scope: { name: 'wasm-otel', version: '', attributes: {} },
    scopeSchemaUrl: '',
    timeUnixNano: 0n,
    observedTimeUnixNano: ns(1_700_000_000, 999),
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: {},
    droppedAttributesCount: 0,
    flags,
    traceId: span.traceId,
    spanId: span.spanId,
    eventName: '',
  };
}

// ---- helpers ----------------------------------------------------------------------------------

/** `emit-log` inside a host span called `spanName`; the call must return normally. */
async function emit(instance: GuestInstance, fields: Logs.LogRecord, spanName = 'emit'): Promise<void> {
  expect(await instance.invoke('emit-log', [fields], { spanName })).toBeUndefined();
}

/** Exactly `count` log records and `spans` spans arrived. */
async function received(count: number, spans: number): Promise<{ logs: OtlpLog[]; spans: OtlpSpan[] }> {
  await flush();
  const logs = await waitForLogs(receiver, count);
  expect(logs).toHaveLength(count);
  const got = await receiver.waitForSpans(spans);
  expect(got).toHaveLength(spans);
  return { logs, spans: got };
}

/** Records arrive in any order (one export per record): sorted by event name. */
function byEventName(logs: OtlpLog[]): OtlpLog[] {
  return [...logs].sort((a, b) => a.eventName.localeCompare(b.eventName));
}

/** Emits one record from a fresh rc.2 instance; returns it as exported and the host span of the call. */
async function emitOne(fields: Logs.LogRecord): Promise<{ log: OtlpLog; call: OtlpSpan }> {
  const instance = await rc2.instantiate();
  await emit(instance, fields);
  const { logs, spans } = await received(1, 1);
  return { log: logs[0]!, call: byName(spans, 'emit') };
}

/**
 * Emits a bad record, then a good one from the same instance: the bad call returns normally (nothing
 * thrown into the guest), the instance keeps working, both records are exported.
 */
async function emitBad(fields: Logs.LogRecord): Promise<{ log: OtlpLog; call: OtlpSpan }> {
  const instance = await rc2.instantiate();
  await emit(instance, fields, 'bad');
  await emit(instance, record({ eventName: 'after', body: '"still fine"' }), 'after');
  const { logs, spans } = await received(2, 2);
  const after = logs.find((l) => l.eventName === 'after')!;
  expect(after).toEqual({ ...exported(byName(spans, 'after')), eventName: 'after', body: 'still fine' });
  return { log: logs.find((l) => l !== after)!, call: byName(spans, 'bad') };
}

// ---- fields -----------------------------------------------------------------------------------

describe('each log record field arrives exactly (rc.2 emit-log)', () => {
  it('timestamp', async () => {
    const { log, call } = await emitOne(record({ timestamp: dt(1_700_000_123, 456_789_012) }));
    expect(log).toEqual({ ...exported(call), timeUnixNano: ns(1_700_000_123, 456_789_012) });
    expect(host.problems()).toEqual({});
  });

  it('timestamp absent: exported as 0 (unknown)', async () => {
    const { log, call } = await emitOne(record({ severityText: 'INFO', severityNumber: 9 }));
    expect(log).toEqual({ ...exported(call), severityText: 'INFO', severityNumber: 9, timeUnixNano: 0n });
    expect(host.problems()).toEqual({});
  });

  it('observed timestamp', async () => {
    const { log, call } = await emitOne(record({ observedTimestamp: dt(1_600_000_000, 1) }));
    expect(log).toEqual({ ...exported(call), observedTimeUnixNano: ns(1_600_000_000, 1) });
  });

  it("observed timestamp absent: the host's clock when the record was emitted", async () => {
    const instance = await rc2.instantiate();
    // The host's clock is OpenTelemetry's (performance.timeOrigin + performance.now(), in whole
    // microseconds here), which drifts from Date.now() by up to a millisecond or so.
    const clockNs = (round: (x: number) => number) => BigInt(round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
    const before = clockNs(Math.floor) - 1000n;
    await emit(instance, { ...EMPTY, eventName: 'no-observed' });
    const after = clockNs(Math.ceil) + 1000n;
    const { logs, spans } = await received(1, 1);
    const log = logs[0]!;
    expect(log.observedTimeUnixNano >= before && log.observedTimeUnixNano <= after, `${before} <= ${log.observedTimeUnixNano} <= ${after}`).toBe(true);
    expect(log).toEqual({ ...exported(byName(spans, 'emit')), eventName: 'no-observed', observedTimeUnixNano: log.observedTimeUnixNano });
    expect(host.problems()).toEqual({});
  });

  it('severity text and number; a valid number wins and any text is kept as is', async () => {
    const instance = await rc2.instantiate();
    await emit(instance, record({ eventName: 'a', severityText: 'ERROR', severityNumber: 17 }));
    await emit(instance, record({ eventName: 'b', severityText: 'custom level', severityNumber: 21 }));
    await emit(instance, record({ eventName: 'c', severityNumber: 1 }));
    await emit(instance, record({ eventName: 'd', severityNumber: 24 }));
    const { logs } = await received(4, 4);
    expect(byEventName(logs).map((l) => [l.eventName, l.severityText, l.severityNumber])).toEqual([
      ['a', 'ERROR', 17],
      ['b', 'custom level', 21],
      ['c', '', 1],
      ['d', '', 24],
    ]);
    expect(host.problems()).toEqual({});
  });

  it.each([
    ['a string', '"line one\\nline \\"two\\" é"', 'line one\nline "two" é'],
    ['an int', '42', 42n],
    ['a negative int', '-7', -7n],
    ['a double', '2.5', 2.5],
    ['a bool', 'true', true],
    ['a nested map', '{"user":{"id":7,"tags":["a","b"]},"ok":false,"ratio":0.5}', { user: { id: 7n, tags: ['a', 'b'] }, ok: false, ratio: 0.5 }],
    ['an array', '[1,"two",3.5,false,[4]]', [1n, 'two', 3.5, false, [4n]]],
    ['bytes (data: URI)', '"data:application/octet-stream;base64,AAEC/w=="', new Uint8Array([0, 1, 2, 255])],
    ['bytes inside a map', '{"raw":"data:application/octet-stream;base64,AQ=="}', { raw: new Uint8Array([1]) }],
    ['JSON null (no body)', 'null', null],
  ])('body: %s', async (_what, body, value) => {
    const { log, call } = await emitOne(record({ body }));
    expect(log).toEqual({ ...exported(call), body: value });
    expect(host.problems()).toEqual({});
  });

  it('attributes: decoded JSON, nested maps, arrays and bytes; the last of a repeated key wins', async () => {
    const { log, call } = await emitOne(
      record({
        attributes: [
          { key: 'http.route', value: '"/orders/{id}"' },
          { key: 'retry', value: 'false' },
          { key: 'attempt', value: '3' },
          { key: 'load', value: '0.75' },
          { key: 'tags', value: '["x","y"]' },
          { key: 'order', value: '{"id":"A-1","lines":[{"sku":"s1","qty":2}],"paid":true}' },
          { key: 'digest', value: '"data:application/octet-stream;base64,3q2+7w=="' },
          { key: 'attempt', value: '4' },
        ],
      }),
    );
    expect(log).toEqual({
      ...exported(call),
      attributes: {
        'http.route': '/orders/{id}',
        retry: false,
        attempt: 4n,
        load: 0.75,
        tags: ['x', 'y'],
        order: { id: 'A-1', lines: [{ sku: 's1', qty: 2n }], paid: true },
        digest: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      },
    });
    expect(Object.keys(log.attributes)).toEqual(['http.route', 'retry', 'attempt', 'load', 'tags', 'order', 'digest']);
    expect(host.problems()).toEqual({});
  });

  it('event name', async () => {
    const { log, call } = await emitOne(record({ eventName: 'browser.page_view' }));
    expect(log).toEqual({ ...exported(call), eventName: 'browser.page_view' });
  });

  it("the record's own resource replaces the host's (attributes and schema URL exactly as sent)", async () => {
    const instance = await rc2.instantiate();
    await emit(
      instance,
      record({
        eventName: 'own',
        resource: {
          attributes: [
            { key: 'service.name', value: '"checkout"' },
            { key: 'service.instance.id', value: '"i-1"' },
            { key: 'process.pid', value: '4242' },
          ],
          schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        },
      }),
    );
    await emit(instance, record({ eventName: 'empty', resource: { attributes: [], schemaUrl: undefined } }), 'emit empty');
    await emit(instance, record({ eventName: 'host' }), 'emit host');
    const { logs, spans } = await received(3, 3);
    const [own, empty, hostResource] = ['own', 'empty', 'host'].map((name) => logs.find((l) => l.eventName === name)!);
    expect(own).toEqual({
      ...exported(byName(spans, 'emit')),
      eventName: 'own',
      resource: { 'service.name': 'checkout', 'service.instance.id': 'i-1', 'process.pid': 4242n },
      resourceSchemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    });
    expect(empty).toEqual({ ...exported(byName(spans, 'emit empty')), eventName: 'empty', resource: {} });
    // absent: the host's resource
    expect(hostResource).toEqual({ ...exported(byName(spans, 'emit host')), eventName: 'host', resource: { 'service.name': TEST_SERVICE } });
    // the host's own spans keep the host's resource
    expect(spans.map((s) => s.resource)).toEqual(Array(3).fill({ 'service.name': TEST_SERVICE }));
    expect(host.problems()).toEqual({});
  });

  it('instrumentation scope: name, version, schema URL and attributes exactly; absent: the host scope wasm-otel', async () => {
    const instance = await rc2.instantiate();
    await emit(
      instance,
      record({
        eventName: 'scoped',
        instrumentationScope: {
          name: 'io.example.orders',
          version: '3.1.4',
          schemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
          attributes: [
            { key: 'lib.kind', value: '"logger"' },
            { key: 'lib.level', value: '2' },
          ],
        },
      }),
    );
    await emit(instance, record({ eventName: 'name only', instrumentationScope: { name: 'bare', version: undefined, schemaUrl: undefined, attributes: [] } }), 'emit bare');
    await emit(instance, record({ eventName: 'unscoped' }), 'emit unscoped');
    const { logs, spans } = await received(3, 3);
    const [scoped, bare, unscoped] = ['scoped', 'name only', 'unscoped'].map((name) => logs.find((l) => l.eventName === name)!);
    expect(scoped).toEqual({
      ...exported(byName(spans, 'emit')),
      eventName: 'scoped',
      scope: { name: 'io.example.orders', version: '3.1.4', attributes: { 'lib.kind': 'logger', 'lib.level': 2n } },
      scopeSchemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
    });
    expect(bare).toEqual({ ...exported(byName(spans, 'emit bare')), eventName: 'name only', scope: { name: 'bare', version: '', attributes: {} } });
    expect(unscoped).toEqual({ ...exported(byName(spans, 'emit unscoped')), eventName: 'unscoped', scope: { name: 'wasm-otel', version: '', attributes: {} } });
    expect(host.problems()).toEqual({});
  });

  it('trace id, span id and flags given: kept exactly (not the host span), a trace id alone too', async () => {
    const instance = await rc2.instantiate();
    await emit(instance, record({ eventName: 'sampled', traceId: TRACE, spanId: SPAN, traceFlags: { sampled: true } }));
    await emit(instance, record({ eventName: 'not sampled', traceId: TRACE, spanId: SPAN, traceFlags: { sampled: false } }));
    await emit(instance, record({ eventName: 'no flags', traceId: TRACE.toUpperCase(), spanId: SPAN.toUpperCase() }));
    await emit(instance, record({ eventName: 'trace only', traceId: TRACE, traceFlags: { sampled: true } }));
    const { logs } = await received(4, 4);
    const of = (name: string) => logs.find((l) => l.eventName === name)!;
    expect(of('sampled')).toEqual({ ...exported({ traceId: TRACE, spanId: SPAN }, 1), eventName: 'sampled' });
    expect(of('not sampled')).toEqual({ ...exported({ traceId: TRACE, spanId: SPAN }, 0), eventName: 'not sampled' });
    expect(of('no flags')).toEqual({ ...exported({ traceId: TRACE, spanId: SPAN }, 0), eventName: 'no flags' });
    expect(of('trace only')).toEqual({ ...exported({ traceId: TRACE, spanId: '' }, 1), eventName: 'trace only' });
    expect(host.problems()).toEqual({});
  });

  it('ids absent: the record goes with the current span: a guest span still open from an earlier call, else the host span of the emitting call', async () => {
    const instance = await rc2.instantiate();
    const outer = (await instance.invoke('outer', [], { spanName: 'outer' })) as Tracing.SpanContext;
    const guest = ctx(outer.traceId, 'a000000000000001');
    // in the host's trace, not sampled: the span is not exported, the record is (with flags 0)
    const unsampled = ctx(outer.traceId, 'a000000000000002', false);
    await emit(instance, record({ eventName: 'before start' }), 'emit before start');
    await instance.invoke('start', [guest], { spanName: 'start' });
    await emit(instance, record({ eventName: 'in guest span' }), 'emit in guest span');
    await instance.invoke('start', [unsampled], { spanName: 'start unsampled' });
    await emit(instance, record({ eventName: 'in unsampled span' }), 'emit in unsampled span');
    await instance.invoke('end', [spanData(unsampled, guest.spanId, 'unsampled')], { spanName: 'end unsampled' });
    await emit(instance, record({ eventName: 'guest span again' }), 'emit guest span again');
    await instance.invoke('end', [spanData(guest, outer.spanId, 'guest')], { spanName: 'end' });
    await emit(instance, record({ eventName: 'after end' }), 'emit after end');
    // 10 host spans and the sampled guest span (the unsampled one is not exported)
    const { logs, spans } = await received(5, 11);
    const of = (name: string) => logs.find((l) => l.eventName === name)!;
    const hostOf = (name: string) => byName(spans, name);
    expect(byName(spans, 'guest').spanId).toBe(guest.spanId);
    expect(of('before start')).toEqual({ ...exported(hostOf('emit before start')), eventName: 'before start' });
    expect(of('in guest span')).toEqual({ ...exported({ traceId: outer.traceId, spanId: guest.spanId }), eventName: 'in guest span' });
    expect(of('in unsampled span')).toEqual({ ...exported({ traceId: unsampled.traceId, spanId: unsampled.spanId }, 0), eventName: 'in unsampled span' });
    expect(of('guest span again')).toEqual({ ...exported({ traceId: outer.traceId, spanId: guest.spanId }), eventName: 'guest span again' });
    expect(of('after end')).toEqual({ ...exported(hostOf('emit after end')), eventName: 'after end' });
    expect(hostOf('emit after end').spanId).not.toBe(hostOf('emit before start').spanId);
    expect(host.problems()).toEqual({});
  });

  it('emit-log-n: the same record n times; n = 0 emits nothing', async () => {
    const instance = await rc2.instantiate();
    expect(await instance.invoke('emit-log-n', [record({ eventName: 'repeated', body: '"x"' }), 0], { spanName: 'zero' })).toBeUndefined();
    expect(await instance.invoke('emit-log-n', [record({ eventName: 'repeated', body: '"x"' }), 3], { spanName: 'three' })).toBeUndefined();
    const { logs, spans } = await received(3, 2);
    expect(logs).toEqual(Array(3).fill({ ...exported(byName(spans, 'three')), eventName: 'repeated', body: 'x' }));
  });
});

// ---- other shapes -----------------------------------------------------------------------------

describe('other shapes', () => {
  it('main: the record goes with the span current-span-context returns (the innermost open guest span)', async () => {
    const instance = await (await host.load(component('forwarder-main.wasm'))).instantiate();
    const hostSpan = (await instance.call('current')) as Tracing.SpanContext;
    const first = ctx(hostSpan.traceId, 'b000000000000001');
    const second = ctx(hostSpan.traceId, 'b000000000000002');
    await instance.invoke('start', [first]);
    await instance.invoke('start', [second]);
    const current = (await instance.call('current')) as Tracing.SpanContext;
    expect(current).toEqual(second);
    await emit(instance, record({ eventName: 'inner' }));
    await instance.invoke('end', [spanData(second, first.spanId, 'second')]);
    expect(await instance.call('current')).toEqual(first);
    await emit(instance, record({ eventName: 'outer' }));
    await instance.invoke('end', [spanData(first, hostSpan.spanId, 'first')]);
    const { logs } = await received(2, 11);
    expect(logs.find((l) => l.eventName === 'inner')).toEqual({ ...exported(second), eventName: 'inner' });
    expect(logs.find((l) => l.eventName === 'outer')).toEqual({ ...exported(first), eventName: 'outer' });
    expect(host.problems()).toEqual({});
  });

  it('draft-2025-12 (wasi:otel/logs@0.2.0-draft): the same record exported the same; logs go with the open guest span although its tracing has no current-span-context', async () => {
    const draft = await host.load(component('forwarder-draft-2025-12.wasm'));
    expect(draft.shape).toBe('draft-2025-12');
    const instance = await draft.instantiate();
    const full = record({
      timestamp: dt(1_700_000_010, 10),
      severityText: 'DEBUG',
      severityNumber: 5,
      body: '{"k":[1,"v"]}',
      attributes: [{ key: 'a', value: '"b"' }],
      eventName: 'draft',
      resource: { attributes: [{ key: 'service.name', value: '"draft-guest"' }], schemaUrl: undefined },
      instrumentationScope: { name: 'draft-logger', version: '0.1', schemaUrl: undefined, attributes: [] },
      traceId: TRACE,
      spanId: SPAN,
      traceFlags: { sampled: true },
    });
    await emit(instance, full, 'emit full');
    const outer = (await instance.call('outer')) as Tracing.SpanContext;
    const guest = ctx(outer.traceId, 'c000000000000001');
    await instance.invoke('start', [guest]);
    await emit(instance, record({ eventName: 'correlated' }), 'emit correlated');
    await instance.invoke('end', [spanData(guest, outer.spanId, 'guest')]);
    const { logs } = await received(2, 6);
    expect(logs.find((l) => l.eventName === 'draft')).toEqual({
      ...exported({ traceId: TRACE, spanId: SPAN }),
      resource: { 'service.name': 'draft-guest' },
      scope: { name: 'draft-logger', version: '0.1', attributes: {} },
      timeUnixNano: ns(1_700_000_010, 10),
      severityNumber: 5,
      severityText: 'DEBUG',
      body: { k: [1n, 'v'] },
      attributes: { a: 'b' },
      eventName: 'draft',
    });
    expect(logs.find((l) => l.eventName === 'correlated')).toEqual({ ...exported(guest), eventName: 'correlated' });
    expect(host.problems()).toEqual({});
  });
});

// ---- bad input --------------------------------------------------------------------------------

describe('bad input: no throw into the guest, the record still exported, the problem counted', () => {
  it("severity number absent, text 'WARN': 13 (not a problem)", async () => {
    const { log, call } = await emitBad(record({ severityText: 'WARN' }));
    expect(log).toEqual({ ...exported(call), severityText: 'WARN', severityNumber: 13 });
    expect(host.problems()).toEqual({});
  });

  it("severity number absent, text 'warn2': 14 (not a problem)", async () => {
    const { log, call } = await emitBad(record({ severityText: 'warn2' }));
    expect(log).toEqual({ ...exported(call), severityText: 'warn2', severityNumber: 14 });
    expect(host.problems()).toEqual({});
  });

  it("severity number absent, unknown text 'LOUD': severity 0, invalid_severity", async () => {
    const { log, call } = await emitBad(record({ severityText: 'LOUD' }));
    expect(log).toEqual({ ...exported(call), severityText: 'LOUD', severityNumber: 0 });
    expect(host.problems()).toEqual({ invalid_severity: 1 });
  });

  it("severity number 0 with text 'ERROR': the number from the text (17), invalid_severity", async () => {
    const { log, call } = await emitBad(record({ severityText: 'ERROR', severityNumber: 0 }));
    expect(log).toEqual({ ...exported(call), severityText: 'ERROR', severityNumber: 17 });
    expect(host.problems()).toEqual({ invalid_severity: 1 });
  });

  it('severity number 200: left unspecified (0), or taken from the text; invalid_severity', async () => {
    const instance = await rc2.instantiate();
    await emit(instance, record({ eventName: 'no text', severityNumber: 200 }));
    await emit(instance, record({ eventName: 'text', severityNumber: 200, severityText: 'debug3' }));
    const { logs } = await received(2, 2);
    expect(byEventName(logs).map((l) => [l.eventName, l.severityText, l.severityNumber])).toEqual([
      ['no text', '', 0],
      ['text', 'debug3', 7],
    ]);
    expect(host.problems()).toEqual({ invalid_severity: 2 });
  });

  it("body that is not JSON ('{oops'): exported as the string '{oops', invalid_log_body", async () => {
    const { log, call } = await emitBad(record({ body: '{oops' }));
    expect(log).toEqual({ ...exported(call), body: '{oops' });
    expect(host.problems()).toEqual({ invalid_log_body: 1 });
  });

  it('an attribute that is not JSON: that attribute dropped (droppedAttributesCount 1), the others kept, invalid_attribute_value', async () => {
    const { log, call } = await emitBad(
      record({
        attributes: [
          { key: 'good', value: '"yes"' },
          { key: 'bad', value: 'not json' },
          { key: 'also.good', value: '1' },
        ],
      }),
    );
    expect(log).toEqual({ ...exported(call), attributes: { good: 'yes', 'also.good': 1n }, droppedAttributesCount: 1 });
    expect(host.problems()).toEqual({ invalid_attribute_value: 1 });
  });

  it("invalid trace id 'xyz': invalid_trace_id, the record goes with the current span instead", async () => {
    const instance = await rc2.instantiate();
    const outer = (await instance.call('outer')) as Tracing.SpanContext;
    const guest = ctx(outer.traceId, 'd000000000000001');
    await instance.invoke('start', [guest]);
    await emit(instance, record({ eventName: 'bad trace', traceId: 'xyz', spanId: SPAN, traceFlags: { sampled: false } }), 'bad');
    await emit(instance, record({ eventName: 'after' }), 'after');
    const { logs } = await received(2, 4);
    expect(logs.find((l) => l.eventName === 'bad trace')).toEqual({ ...exported(guest), eventName: 'bad trace' });
    expect(logs.find((l) => l.eventName === 'after')).toEqual({ ...exported(guest), eventName: 'after' });
    expect(instance.openSpanCount).toBe(1);
    expect(host.problems()).toEqual({ invalid_trace_id: 1 });
  });

  it('invalid span id with a valid trace id: invalid_span_id, exported with the trace id only', async () => {
    const { log } = await emitBad(record({ traceId: TRACE, spanId: 'not-a-span-id!!!', traceFlags: { sampled: true } }));
    expect(log).toEqual({ ...exported({ traceId: TRACE, spanId: '' }, 1) });
    expect(host.problems()).toEqual({ invalid_span_id: 1 });
  });

  it('all-zero ids mean "no span": the record goes with the current span, nothing counted', async () => {
    const { log, call } = await emitBad(record({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: { sampled: false } }));
    expect([log.traceId, log.spanId]).toEqual([call.traceId, call.spanId]);
    expect(host.problems()).toEqual({});
  });

  it('host.problems() returns the counts by reason, as a copy', async () => {
    const instance = await rc2.instantiate();
    expect(host.problems()).toEqual({});
    await emit(instance, record({ eventName: '1', severityText: 'LOUD' }));
    await emit(instance, record({ eventName: '2', severityText: 'QUIET', body: '{oops', attributes: [{ key: 'x', value: '[1,' }, { key: 'y', value: '' }] }));
    await emit(instance, record({ eventName: '3', traceId: 'xyz', severityNumber: 25, severityText: 'info' }));
    await received(3, 3);
    const snapshot = host.problems();
    expect(snapshot).toEqual({ invalid_severity: 3, invalid_log_body: 1, invalid_attribute_value: 2, invalid_trace_id: 1 });
    snapshot.invalid_severity = 100;
    expect(host.problems().invalid_severity).toBe(3);
    expect(byEventName(receivedLogs(receiver)).map((l) => [l.severityNumber, l.body, l.attributes, l.droppedAttributesCount])).toEqual([
      [0, null, {}, 0],
      [0, '{oops', {}, 2],
      [9, null, {}, 0],
    ]);
  });
});
