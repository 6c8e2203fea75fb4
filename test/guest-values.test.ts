import { describe, expect, it } from 'vitest';
import { ProblemCounter, createHostCaches, resolveLimits } from '../src/engine/index.js';
import { decodeJsonValue } from '../src/otel/json-value.js';
import { decodeSpanData } from '../src/otel/span-data.js';
import { timeFrom } from '../src/otel/time.js';
import { spanContextFromGuest, spanContextToGuest, spanIdFrom, traceIdFrom } from '../src/otel/span-context.js';

// Unit checks of the decoders behind on-start / on-end; the end-to-end behaviour is covered by
// the component tests (scenarios, bad-input).
describe('JSON attribute values', () => {
  const decode = (text: string) => decodeJsonValue(text, 1024);
  it.each([
    ['"hello"', 'hello'],
    ['"a\\"b"', 'a"b'],
    ['"tab\\there"', 'tab\there'],
    ['true', true],
    ['false', false],
    ['42', 42],
    ['-0.5', -0.5],
    ['1e3', 1000],
    ['["a","b"]', ['a', 'b']],
    ['[1,null,2]', [1, null, 2]],
    ['{"a":{"b":[1,"x"]}}', { a: { b: [1, 'x'] } }],
  ])('%s decodes', (text, value) => {
    expect(decode(text)).toEqual({ ok: true, value });
  });

  it('bytes in the data: URI form become a Uint8Array, also inside arrays', () => {
    expect(decode('"data:application/octet-stream;base64,AQID/w=="')).toEqual({ ok: true, value: new Uint8Array([1, 2, 3, 255]) });
    expect(decode('["data:application/octet-stream;base64,AA=="]')).toEqual({ ok: true, value: [new Uint8Array([0])] });
  });

  it.each(['01', '1.', '1e', '-', 'null', '', 'NaN', 'Infinity', '0x10', '{', '"open', 'not json', '[1,]'])('%j is rejected', (text) => {
    expect(decode(text).ok).toBe(false);
  });

  it('whole numbers beyond int64 (which the OTLP exporters would send as an int64) are rejected, saying why; 2^63 - 1024 and fractions are kept', () => {
    const why = 'a whole number beyond 64-bit integers (the OTLP exporters would send it as an int64, which cannot hold it)';
    expect(decode('1e300')).toEqual({ ok: false, reason: `"1e300" is ${why}` });
    expect(decode('-9223372036854775808')).toEqual({ ok: false, reason: `"-9223372036854775808" is ${why}` });
    expect(decode('[1, 1e20]').ok).toBe(false);
    expect(decode('{"a": 1e20}').ok).toBe(false);
    expect(decode('9223372036854774784')).toEqual({ ok: true, value: 9223372036854774784 });
    expect(decode('1.5e-300')).toEqual({ ok: true, value: 1.5e-300 });
  });

  it('a JSON text longer than the limit is rejected without parsing', () => {
    expect(decodeJsonValue(`"${'x'.repeat(100)}"`, 50)).toEqual({ ok: false, reason: 'JSON value of 102 characters exceeds 50' });
  });
});

describe('ids and span contexts', () => {
  it('ids: hex of the right length, not all zero; upper case is lower-cased', () => {
    expect(traceIdFrom('4BF92F3577B34DA6A3CE929D0E0E4736')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdFrom('0'.repeat(32))).toBeUndefined();
    expect(traceIdFrom('4bf92f3577b34da6a3ce929d0e0e473')).toBeUndefined();
    expect(traceIdFrom('4bf92f3577b34da6a3ce929d0e0e473g')).toBeUndefined();
    expect(spanIdFrom('00f067aa0ba902b7')).toBe('00f067aa0ba902b7');
    expect(spanIdFrom('0000000000000000')).toBeUndefined();
    expect(spanIdFrom(42)).toBeUndefined();
  });

  const guest = (traceState: [string, string][]) => ({
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: { sampled: true },
    isRemote: true,
    traceState,
  });

  it('a valid trace state is kept in order and round-trips to the guest shape', () => {
    const problems = new ProblemCounter();
    const context = spanContextFromGuest(guest([['vendor', 'value1'], ['other', 'v2']]), 'test', resolveLimits(undefined), problems)!;
    expect(context.traceState?.serialize()).toBe('vendor=value1,other=v2');
    expect(spanContextToGuest(context)).toEqual(guest([['vendor', 'value1'], ['other', 'v2']]));
    expect(problems.snapshot()).toEqual({});
  });

  it('an invalid trace state (bad key, duplicate key, too many entries) is treated as empty and counted', () => {
    const problems = new ProblemCounter();
    const limits = resolveLimits(undefined);
    expect(spanContextFromGuest(guest([['Bad Key', 'v']]), 'test', limits, problems)!.traceState).toBeUndefined();
    expect(spanContextFromGuest(guest([['a', '1'], ['a', '2']]), 'test', limits, problems)!.traceState).toBeUndefined();
    const many = Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'] as [string, string]);
    expect(spanContextFromGuest(guest(many), 'test', limits, problems)!.traceState).toBeUndefined();
    expect(problems.snapshot()).toEqual({ invalid_trace_state: 3 });
  });
});

describe('guest times', () => {
  it('valid datetimes become HrTime exactly; invalid ones are counted and replaced by the host clock', () => {
    const problems = new ProblemCounter();
    const cx = { limits: resolveLimits(undefined), problems };
    const what = () => 'span x';
    expect(timeFrom({ seconds: 1_700_000_000n, nanoseconds: 123_456_789 }, what, 'start time', cx)).toEqual([1_700_000_000, 123_456_789]);
    expect(timeFrom({ seconds: 0n, nanoseconds: 0 }, what, 'start time', cx)).toEqual([0, 0]);
    for (const bad of [
      { seconds: -1n, nanoseconds: 0 },
      { seconds: 2n ** 60n, nanoseconds: 0 },
      { seconds: 1n, nanoseconds: 1_000_000_000 },
      { seconds: 1n, nanoseconds: -1 },
    ]) {
      const [s, ns] = timeFrom(bad, what, 'end time', cx);
      expect(Math.abs(s * 1000 + ns / 1e6 - Date.now())).toBeLessThan(60_000);
    }
    expect(problems.snapshot()).toEqual({ invalid_time: 4 });
  });
});

describe('span data repairs', () => {
  it('an end before the start is reported and set to the start; invalid parent ids make a root', () => {
    const problems = new ProblemCounter();
    const report = decodeSpanData(
      {
        spanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: { sampled: true }, isRemote: false, traceState: [] },
        parentSpanId: 'not-an-id',
        spanKind: 'client',
        name: 'backwards',
        startTime: { seconds: 1_700_000_001n, nanoseconds: 0 },
        endTime: { seconds: 1_700_000_000n, nanoseconds: 0 },
        attributes: [],
        events: [],
        links: [],
        status: { tag: 'error', val: 'x' },
        instrumentationScope: { name: 's', version: undefined, schemaUrl: undefined, attributes: [] },
        droppedAttributes: 2,
        droppedEvents: 3,
        droppedLinks: 4,
      },
      { limits: resolveLimits(undefined), problems, caches: createHostCaches() },
    )!;
    expect(report.endTime).toEqual([1_700_000_001, 0]);
    expect(report.parentSpanId).toBeUndefined();
    expect(report.attributes.dropped).toBe(2);
    expect([report.droppedEventsCount, report.droppedLinksCount]).toEqual([3, 4]);
    expect(problems.snapshot()).toEqual({ end_before_start: 1, invalid_parent_span_id: 1 });
  });
});
