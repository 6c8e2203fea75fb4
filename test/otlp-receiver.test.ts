import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type HrTime,
  type SpanContext,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';

import {
  OtlpSpanKind,
  OtlpStatusCode,
  parseJsonExact,
  startOtlpReceiver,
  type OtlpReceiver,
  type OtlpSpan,
} from './support/otlp-receiver.js';
import { byName, childrenOf, tree } from './support/span-tree.js';

const hrToNs = (t: HrTime): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

const LINK_CONTEXT: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=value,other=x'),
};
const REMOTE_PARENT: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('rojo=00f067aa0ba902b7'),
};

const PARENT_ATTRIBUTES: Attributes = {
  'attr.string': 'hello',
  'attr.empty_string': '',
  'attr.bool': true,
  'attr.int': 42,
  'attr.negative_int': -7,
  'attr.max_safe_int': Number.MAX_SAFE_INTEGER,
  'attr.big_int': 2 ** 60, // exactly representable, encoded as int64 by both exporters
  'attr.double': 1.5,
  'attr.whole_double': 3.0, // JS can't tell: the SDK encodes it as intValue
  'attr.string_array': ['a', 'b'],
  'attr.int_array': [1, 2],
  'attr.mixed_number_array': [1, 2.5],
  'attr.bool_array': [true, false],
  'attr.array_with_null': ['x', null],
};
const EXPECTED_PARENT_ATTRIBUTES = {
  'attr.string': 'hello',
  'attr.empty_string': '',
  'attr.bool': true,
  'attr.int': 42n,
  'attr.negative_int': -7n,
  'attr.max_safe_int': 9007199254740991n,
  // 2^60 exactly via protobuf. The JSON exporter JSON.stringify()s it to the
  // shortest round-trip decimal "1152921504606847000", so an exact int64 JSON
  // reader (like the Collector, or this receiver) sees 1152921504606847000.
  'attr.big_int': 1152921504606846976n,
  'attr.double': 1.5,
  'attr.whole_double': 3n,
  'attr.string_array': ['a', 'b'],
  'attr.int_array': [1n, 2n],
  'attr.mixed_number_array': [1n, 2.5],
  'attr.bool_array': [true, false],
  'attr.array_with_null': ['x', null],
};

interface Produced {
  parent: ReadableSpan;
  child: ReadableSpan;
  remoteChild: ReadableSpan;
}

/** Produce 3 spans through the real SDK + the given exporter: parent(server) → child(client), plus remote-child. */
async function produceSpans(exporter: SpanExporter): Promise<Produced> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'otlp-receiver-test',
      'res.int': 7,
      // Not valid API attribute values, but resources are not sanitized and the
      // exporters encode them as bytesValue / kvlistValue.
      'res.bytes': new Uint8Array([0, 1, 2, 255]) as unknown as string,
      'res.kv': { nested: 'v', n: 5, inner: { deep: true } } as unknown as string,
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test-scope', '1.2.3');

  const parent = tracer.startSpan('parent', {
    kind: SpanKind.SERVER,
    attributes: PARENT_ATTRIBUTES,
    links: [{ context: LINK_CONTEXT, attributes: { 'link.attr': 'x', 'link.int': 3 } }],
  });
  parent.addEvent('something happened', { 'event.int': 1, 'event.string': 's' });
  parent.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });

  const child = tracer.startSpan('child', { kind: SpanKind.CLIENT }, trace.setSpan(ROOT_CONTEXT, parent));
  child.end();
  parent.end();

  const remoteChild = tracer.startSpan('remote-child', {}, trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT));
  remoteChild.end();

  await provider.forceFlush();
  await provider.shutdown();
  return {
    parent: parent as unknown as ReadableSpan,
    child: child as unknown as ReadableSpan,
    remoteChild: remoteChild as unknown as ReadableSpan,
  };
}

function assertSpans(spans: OtlpSpan[], produced: Produced, encoding: 'protobuf' | 'json'): void {
  const { parent, child, remoteChild } = produced;
  const p = byName(spans, 'parent');
  const c = byName(spans, 'child');
  const r = byName(spans, 'remote-child');

  const scope = { name: 'test-scope', version: '1.2.3', attributes: {} };
  const resource = {
    'service.name': 'otlp-receiver-test',
    'res.int': 7n,
    'res.bytes': new Uint8Array([0, 1, 2, 255]),
    'res.kv': { nested: 'v', n: 5n, inner: { deep: true } },
  };

  expect(p).toStrictEqual({
    traceId: parent.spanContext().traceId,
    spanId: parent.spanContext().spanId,
    parentSpanId: '',
    traceState: '',
    name: 'parent',
    kind: OtlpSpanKind.SERVER,
    startTimeUnixNano: hrToNs(parent.startTime),
    endTimeUnixNano: hrToNs(parent.endTime),
    attributes: {
      ...EXPECTED_PARENT_ATTRIBUTES,
      'attr.big_int': encoding === 'protobuf' ? 2n ** 60n : 1152921504606847000n,
    },
    events: [
      {
        name: 'something happened',
        timeUnixNano: hrToNs(parent.events[0]!.time),
        attributes: { 'event.int': 1n, 'event.string': 's' },
        droppedAttributesCount: 0,
      },
    ],
    links: [
      {
        traceId: LINK_CONTEXT.traceId,
        spanId: LINK_CONTEXT.spanId,
        traceState: 'vendor=value,other=x',
        attributes: { 'link.attr': 'x', 'link.int': 3n },
        droppedAttributesCount: 0,
        flags: 0x301, // sampled | has_is_remote | is_remote
      },
    ],
    status: { code: OtlpStatusCode.ERROR, message: 'boom' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    flags: 0x101, // sampled | has_is_remote (local parent)
    resource: expect.objectContaining(resource) as unknown,
    scope,
  });
  expect(p.resource['res.bytes']).toBeInstanceOf(Uint8Array);
  expect(Buffer.isBuffer(p.resource['res.bytes'])).toBe(false);

  expect(c).toMatchObject({
    traceId: parent.spanContext().traceId,
    spanId: child.spanContext().spanId,
    parentSpanId: parent.spanContext().spanId,
    traceState: '',
    kind: OtlpSpanKind.CLIENT,
    startTimeUnixNano: hrToNs(child.startTime),
    endTimeUnixNano: hrToNs(child.endTime),
    attributes: {},
    events: [],
    links: [],
    status: { code: OtlpStatusCode.UNSET, message: '' },
    flags: 0x101,
    scope,
  });
  expect(typeof c.startTimeUnixNano).toBe('bigint');
  expect(c.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(c.spanId).toMatch(/^[0-9a-f]{16}$/);

  expect(r).toMatchObject({
    traceId: REMOTE_PARENT.traceId,
    spanId: remoteChild.spanContext().spanId,
    parentSpanId: REMOTE_PARENT.spanId,
    traceState: 'rojo=00f067aa0ba902b7',
    kind: OtlpSpanKind.INTERNAL,
    flags: 0x301,
  });

  expect(childrenOf(spans, p.spanId).map((s) => s.name)).toEqual(['child']);
  expect(tree(spans)).toEqual([
    { name: 'parent', children: [{ name: 'child', children: [] }] },
    { name: 'remote-child', children: [] },
  ]);
}

describe('otlp receiver', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await receiver.close();
  });

  it('endpoint is a base URL on 127.0.0.1', () => {
    expect(receiver.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('decodes http/protobuf from the real proto exporter', async () => {
    const produced = await produceSpans(new ProtoExporter({ url: `${receiver.endpoint}/v1/traces` }));
    const spans = await receiver.waitForSpans(3);
    expect(receiver.errors).toEqual([]);
    expect(spans).toHaveLength(3);
    expect(receiver.requests.map((r) => [r.path, r.contentType, r.encoding, r.signal])).toEqual(
      Array(3).fill(['/v1/traces', 'application/x-protobuf', 'protobuf', 'traces']),
    );
    assertSpans(spans, produced, 'protobuf');
  });

  it('decodes http/json from the real http exporter (endpoint via OTEL_EXPORTER_OTLP_ENDPOINT)', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.endpoint);
    const produced = await produceSpans(new JsonExporter());
    const spans = await receiver.waitForSpans(3);
    expect(receiver.errors).toEqual([]);
    expect(receiver.requests.map((r) => [r.path, r.contentType, r.encoding])).toEqual(
      Array(3).fill(['/v1/traces', 'application/json', 'json']),
    );
    assertSpans(spans, produced, 'json');

    // How the SDK's JSON exporter encodes things on the wire:
    type WireSpan = Record<string, unknown> & { name: string; attributes: { key: string; value: Record<string, unknown> }[] };
    type Wire = { resourceSpans: { scopeSpans: { spans: WireSpan[] }[] }[] };
    const wireSpans = receiver.requests.flatMap((r) =>
      (r.json as Wire).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
    );
    const wireSpan = wireSpans.find((w) => w.name === 'parent')!;
    expect(wireSpan.traceId).toBe(produced.parent.spanContext().traceId); // hex, not base64
    expect(wireSpan.startTimeUnixNano).toBe(String(hrToNs(produced.parent.startTime))); // decimal string
    expect(wireSpan.kind).toBe(2); // enums as ints
    expect(wireSpan.flags).toBe(0x101);
    const attr = (key: string) => wireSpan.attributes.find((a) => a.key === key)!.value;
    expect(attr('attr.int')).toEqual({ intValue: 42 }); // int64 attributes as bare JSON numbers...
    const rawBody = receiver.requests.map((r) => new TextDecoder().decode(r.body)).join('\n');
    // ...even beyond 2^53, where JSON.stringify's shortest decimal is not the exact value (2^60 = 1152921504606846976):
    expect(rawBody).toContain('{"key":"attr.big_int","value":{"intValue":1152921504606847000}}');
    expect(attr('attr.big_int')).toEqual({ intValue: '1152921504606847000' }); // parseJsonExact keeps the literal exact
  });

  it('both protocols decode to identical normalized spans', async () => {
    await produceSpans(new ProtoExporter({ url: `${receiver.endpoint}/v1/traces` }));
    const viaProto = await receiver.waitForSpans(3);
    receiver.reset();
    await produceSpans(new JsonExporter({ url: `${receiver.endpoint}/v1/traces` }));
    const viaJson = await receiver.waitForSpans(3);
    // Ids and timestamps differ between the two runs; everything else must be identical.
    const strip = (s: OtlpSpan) => ({
      ...s,
      traceId: undefined,
      spanId: undefined,
      parentSpanId: s.parentSpanId === '' ? '' : s.name === 'remote-child' ? s.parentSpanId : 'local',
      startTimeUnixNano: undefined,
      endTimeUnixNano: undefined,
      events: s.events.map((e) => ({ ...e, timeUnixNano: undefined })),
      // 2^60 differs by protocol (see EXPECTED_PARENT_ATTRIBUTES)
      attributes: { ...s.attributes, 'attr.big_int': s.name === 'parent' ? 'differs' : undefined },
    });
    const sorted = (spans: OtlpSpan[]) => [...spans].sort((a, b) => a.name.localeCompare(b.name)).map(strip);
    expect(sorted(viaJson)).toStrictEqual(sorted(viaProto));
  });

  it('answers protocol-correct empty responses, 404 for unknown paths, 415 for unknown content types', async () => {
    const pb = await fetch(`${receiver.endpoint}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(0),
    });
    expect(pb.status).toBe(200);
    expect(pb.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await pb.arrayBuffer()).byteLength).toBe(0);

    const js = await fetch(`${receiver.endpoint}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceLogs":[]}',
    });
    expect(js.status).toBe(200);
    expect(await js.json()).toEqual({});
    expect(receiver.requests.map((r) => [r.signal, r.encoding])).toEqual([
      ['metrics', 'protobuf'],
      ['logs', 'json'],
    ]);

    const nf = await fetch(`${receiver.endpoint}/v1/nope`, { method: 'POST', body: '{}' });
    expect(nf.status).toBe(404);
    const bad = await fetch(`${receiver.endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(bad.status).toBe(415);
    expect(receiver.errors.map((e) => [e.status, e.path])).toEqual([
      [404, '/v1/nope'],
      [415, '/v1/traces'],
    ]);
  });

  it('OTLP/JSON: accepts int64 strings and enum names, rejects base64 ids', async () => {
    const span = {
      trace_id: '5B8EFFF798038103D269B633813FC60C', // snake_case key, uppercase hex
      spanId: 'eee19b7ec3c1b174',
      name: 'hand-made',
      kind: 'SPAN_KIND_PRODUCER',
      startTimeUnixNano: '1544712660000000000',
      endTimeUnixNano: '__END__', // replaced by a bare number beyond 2^53 below
      flags: 257,
      attributes: [
        { key: 'big', value: { intValue: '9223372036854775807' } },
        { key: 'min', value: { intValue: '-9223372036854775808' } },
        { key: 'bytes', value: { bytesValue: 'AAH/' } },
        { key: 'nan', value: { doubleValue: 'NaN' } },
        { key: 'empty', value: {} },
        { key: 'kv', value: { kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ boolValue: false }] } } }] } } },
      ],
      status: { code: 'STATUS_CODE_OK' },
    };
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }).replace(
      '"__END__"',
      '1544712661000000001',
    );
    const ok = await fetch(`${receiver.endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    expect(receiver.errors).toEqual([]);
    expect(ok.status).toBe(200);
    const [s] = await receiver.waitForSpans(1);
    expect(s).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: '',
      kind: OtlpSpanKind.PRODUCER,
      startTimeUnixNano: 1544712660000000000n,
      endTimeUnixNano: 1544712661000000001n,
      flags: 257,
      status: { code: OtlpStatusCode.OK, message: '' },
      resource: {},
      scope: { name: '', version: '', attributes: {} },
    });
    expect(s!.attributes).toStrictEqual({
      big: 9223372036854775807n,
      min: -9223372036854775808n,
      bytes: new Uint8Array([0, 1, 255]),
      nan: Number.NaN,
      empty: null,
      kv: { a: [false] },
    });

    const b64 = await fetch(`${receiver.endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ ...span, trace_id: 'W47/95gDgQPSabYzgT/GDA==' }] }] }],
      }),
    });
    expect(b64.status).toBe(400);
    expect(receiver.errors[0]!.message).toMatch(/traceId: OTLP\/JSON ids must be 32 hex chars \(not base64\)/);
  });

  it('waitForSpans rejects with the names received so far', async () => {
    await produceSpans(new ProtoExporter({ url: `${receiver.endpoint}/v1/traces` }));
    const err = await receiver.waitForSpans(5, 200).then(
      () => new Error('expected a rejection'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toMatch(/^waitForSpans\(5\) timed out after 200ms; 3 span\(s\) received: \[/);
    for (const name of ['"parent"', '"child"', '"remote-child"']) expect(err.message).toContain(name);
  });

  it('parseJsonExact keeps big integer literals exact and leaves strings alone', () => {
    expect(parseJsonExact('{"a":9007199254740993,"b":"9007199254740993","c":1.5,"d":"x\\"1234567890123456789"}')).toEqual({
      a: '9007199254740993',
      b: '9007199254740993',
      c: 1.5,
      d: 'x"1234567890123456789',
    });
  });
});

describe('span-tree', () => {
  const s = (name: string, spanId: string, parentSpanId: string, start: bigint) => ({
    name,
    spanId,
    parentSpanId,
    traceId: 't',
    startTimeUnixNano: start,
  });
  const spans = [s('b', '2', '1', 5n), s('root', '1', '', 1n), s('a', '3', '1', 5n), s('grand', '4', '3', 9n)];

  it('builds an ordered tree', () => {
    expect(tree(spans)).toEqual([
      {
        name: 'root',
        children: [
          { name: 'a', children: [{ name: 'grand', children: [] }] },
          { name: 'b', children: [] },
        ],
      },
    ]);
    expect(childrenOf(spans, '1').map((x) => x.name)).toEqual(['a', 'b']);
    expect(childrenOf(spans, '').map((x) => x.name)).toEqual(['root']);
  });

  it('byName requires exactly one match', () => {
    expect(byName(spans, 'grand').spanId).toBe('4');
    expect(() => byName(spans, 'nope')).toThrow(/exactly one span named "nope", found 0/);
    expect(() => byName([...spans, s('a', '9', '', 0n)], 'a')).toThrow(/found 2/);
  });
});
