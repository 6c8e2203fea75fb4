/**
 * Raw wasi:otel span-data records (the JSON-valued layout, see components/wat/span-bench.wat's
 * header) written straight into guest memory, with ways to break their structure that jco's
 * generated lifting checks: for test/glue-span-reader.test.ts.
 */
import fc from 'fast-check';
import { DEFAULT_LIMITS, type EngineLimits } from '../../src/engine/index.js';

// span-bench.wasm: its record is at 0x1000 (built on the first emit-span); on-start always sends
// the same ids. The record is overwritten and what it points at put from 0x2000.
export const RECORD = 0x1000;
export const DATA = 0x2000;
export const BENCH_TRACE = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';
export const BENCH_SPAN = 'b000000000000001';

/** The default limits mostly; sometimes limits that make the limit paths likely. */
export const limitsArbitrary: fc.Arbitrary<EngineLimits> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(DEFAULT_LIMITS) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        attributeCountLimit: fc.constantFrom(128, 2),
        attributeValueLengthLimit: fc.constantFrom(Infinity, 6),
        eventCountLimit: fc.constantFrom(128, 1),
        attributePerEventCountLimit: fc.constantFrom(128, 1),
        maxNameLength: fc.constantFrom(DEFAULT_LIMITS.maxNameLength, 10),
        maxValueJsonLength: fc.constantFrom(DEFAULT_LIMITS.maxValueJsonLength, 12),
        maxRecordBytes: fc.constantFrom(DEFAULT_LIMITS.maxRecordBytes, 400, 60),
      })
      .map((overrides) => ({ ...DEFAULT_LIMITS, ...overrides })),
  },
);

/** Bytes of a string field: UTF-8 text, or raw bytes (invalid UTF-8 included). */
const bytesOf = (value: string | Uint8Array): Uint8Array => (typeof value === 'string' ? new TextEncoder().encode(value) : value);

/** A raw record: field values plus ways to break its structure. */
export interface RawRecord {
  traceId: string | Uint8Array;
  spanId: string;
  flags: number;
  remote: number;
  traceState: readonly [string, string][];
  parent: string;
  kind: number;
  name: string | Uint8Array;
  times: [number, number, number, number];
  attributes: [string | Uint8Array, string | Uint8Array][];
  events: { name: string; seconds: number; nanos: number; attributes: [string, string | Uint8Array][] }[];
  links: number;
  status: [number, string | Uint8Array];
  scope: { name: string | Uint8Array; version: [number, string]; schemaUrl: [number, string]; attributes: number };
  dropped: [number, number, number];
  /** A field whose pointer is moved: off alignment, or out of memory. */
  damage: 'none' | 'misalign-attributes' | 'misalign-events' | 'misalign-links' | 'misalign-trace-state' | 'misalign-scope-attributes' | 'name-out-of-bounds' | 'empty-parent-out-of-bounds' | 'attributes-too-long';
}

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 16 });
/** Mostly `valid`, sometimes `invalid`: about a quarter of the records are valid in every field. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>): fc.Arbitrary<T | U> => fc.oneof({ weight: 14, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const fieldText = mostly(ascii, fc.oneof(fc.string({ maxLength: 8 }), fc.uint8Array({ maxLength: 6 }), fc.constant('x'.repeat(2000))));
const jsonText = mostly(
  fc.constantFrom('"GET"', '200', '-0', '-17', '0', '0.5', '12.25', '-3.125', 'true', 'false', '1e5', '"\\u0041"', '[1,2]', '{"a":1}', '"data:application/octet-stream;base64,AAEC"', '"aaaaaaaaaaaaaaaaaa"', '9007199254740993', '123456789012345', '1234567890123456', '0.05', '-0.0', '100.001', '0.1', '3.14159265358979', '99999999999999.9'),
  fc.oneof(fc.constantFrom('null', '01', '00', '-01', '.5', '1.', '1.2.3', '-.5', 'nope', '"\u00e9"', '1.', '-', '"a\\"', '1e400'), fieldText),
);

export const rawRecord: fc.Arbitrary<RawRecord> = fc.record({
  traceId: mostly(fc.oneof({ weight: 4, arbitrary: fc.constant(BENCH_TRACE) }, { weight: 1, arbitrary: hex(32) }), fc.oneof(fc.constantFrom('0'.repeat(32), BENCH_TRACE.toUpperCase(), 'b0b0'), fc.uint8Array({ minLength: 32, maxLength: 32 }))),
  spanId: mostly(fc.oneof({ weight: 4, arbitrary: fc.constant(BENCH_SPAN) }, { weight: 1, arbitrary: hex(16) }), fc.constantFrom('0'.repeat(16), 'B000000000000001', 'xyz')),
  flags: mostly(fc.constantFrom(1, 1, 0), fc.constant(2)),
  remote: mostly(fc.constantFrom(0, 0, 1), fc.constant(3)),
  traceState: mostly(fc.constant([] as [string, string][]), fc.constant([['k', 'v']] as [string, string][])),
  parent: mostly(fc.oneof(fc.constant(''), hex(16)), fc.constantFrom('0'.repeat(16), 'zz', 'B000000000000001')),
  kind: mostly(fc.constantFrom(0, 1, 2, 3, 4), fc.constant(7)),
  name: fieldText,
  times: fc.tuple(
    mostly(fc.constant(1_700_000_000), fc.constantFrom(0, 18_446_744_073, 2 ** 32 + 5, 2 ** 40)),
    mostly(fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom(1e9, 709_551_616, 2 ** 32 - 1)),
    mostly(fc.constant(1_700_000_001), fc.constantFrom(1_699_999_999, 18_446_744_073)),
    fc.integer({ min: 0, max: 999_999_999 }),
  ),
  attributes: fc.array(fc.tuple(mostly(fc.oneof(fc.constantFrom('k1', 'k2', '__proto__', 'toString'), ascii), fieldText), jsonText), { maxLength: 4 }),
  events: fc.array(fc.record({ name: ascii, seconds: mostly(fc.constant(1_700_000_000), fc.constant(2 ** 40)), nanos: mostly(fc.constantFrom(0, 5), fc.constant(1e9)), attributes: fc.array(fc.tuple(ascii, jsonText), { maxLength: 2 }) }), { maxLength: 2 }),
  links: mostly(fc.constant(0), fc.constant(1)),
  status: fc.tuple(mostly(fc.constantFrom(0, 1, 2), fc.constant(5)), fieldText),
  scope: fc.record({
    name: fieldText,
    version: fc.tuple(mostly(fc.constantFrom(0, 1), fc.constant(3)), ascii),
    schemaUrl: fc.tuple(mostly(fc.constantFrom(0, 1), fc.constant(2)), ascii),
    attributes: mostly(fc.constant(0), fc.constant(1)),
  }),
  dropped: fc.tuple(fc.constantFrom(0, 0, 3, 2 ** 32 - 1), fc.constantFrom(0, 1), fc.constantFrom(0, 2)),
  damage: mostly(
    fc.constant('none' as const),
    fc.constantFrom('misalign-attributes', 'misalign-events', 'misalign-links', 'misalign-trace-state', 'misalign-scope-attributes', 'name-out-of-bounds', 'empty-parent-out-of-bounds', 'attributes-too-long'),
  ),
});

/** Writes the record at RECORD and its data from DATA (the layout of span-bench.wat's header). */
export function writeRecord(memory: WebAssembly.Memory, r: RawRecord): void {
  const bytes = new Uint8Array(memory.buffer);
  const view = new DataView(memory.buffer);
  bytes.fill(0, RECORD, RECORD + 168);
  bytes.fill(0, DATA);
  let top = DATA;
  const align = (n: number) => (top = (top + n - 1) & ~(n - 1));
  const pair = (at: number, ptr: number, len: number) => {
    view.setUint32(at, ptr, true);
    view.setUint32(at + 4, len, true);
  };
  const str = (at: number, value: string | Uint8Array) => {
    const b = bytesOf(value);
    bytes.set(b, top);
    pair(at, top, b.length);
    top += b.length;
  };
  const list = (at: number, count: number, size: number, alignment: number, fill: (base: number, i: number) => void) => {
    align(alignment);
    const base = top;
    top += count * size;
    for (let i = 0; i < count; i++) fill(base + i * size, i);
    pair(at, count === 0 ? 0 : base, count);
  };
  const keyValues = (at: number, kvs: readonly (readonly [string | Uint8Array, string | Uint8Array])[]) =>
    list(at, kvs.length, 16, 4, (base, i) => {
      str(base, kvs[i]![0]);
      str(base + 8, kvs[i]![1]);
    });
  const time = (at: number, seconds: number, nanos: number) => {
    view.setBigUint64(at, BigInt(seconds), true);
    view.setUint32(at + 8, nanos >>> 0, true);
  };
  const p = RECORD;
  str(p, r.traceId);
  str(p + 8, r.spanId);
  bytes[p + 16] = r.flags;
  bytes[p + 17] = r.remote;
  keyValues(p + 20, r.traceState);
  str(p + 28, r.parent);
  bytes[p + 36] = r.kind;
  str(p + 40, r.name);
  time(p + 48, r.times[0], r.times[1]);
  time(p + 64, r.times[2], r.times[3]);
  keyValues(p + 80, r.attributes);
  list(p + 88, r.events.length, 32, 8, (base, i) => {
    const event = r.events[i]!;
    str(base, event.name);
    time(base + 8, event.seconds, event.nanos);
    keyValues(base + 24, event.attributes);
  });
  list(p + 96, r.links, 36, 4, (base) => {
    str(base, BENCH_TRACE);
    str(base + 8, '00f067aa0ba902b7');
    bytes[base + 16] = 1;
    keyValues(base + 28, [['lk', '1']]);
  });
  bytes[p + 104] = r.status[0];
  if (r.status[0] === 2) str(p + 108, r.status[1]);
  str(p + 116, r.scope.name);
  bytes[p + 124] = r.scope.version[0];
  if (r.scope.version[0] === 1) str(p + 128, r.scope.version[1]);
  bytes[p + 136] = r.scope.schemaUrl[0];
  if (r.scope.schemaUrl[0] === 1) str(p + 140, r.scope.schemaUrl[1]);
  keyValues(p + 148, r.scope.attributes ? [['sk', '"sv"']] : []);
  view.setUint32(p + 156, r.dropped[0], true);
  view.setUint32(p + 160, r.dropped[1], true);
  view.setUint32(p + 164, r.dropped[2], true);
  const move = (at: number, by: number) => view.setUint32(at, view.getUint32(at, true) + by, true);
  switch (r.damage) {
    case 'misalign-attributes': return move(p + 80, 2);
    case 'misalign-events': return move(p + 88, 4);
    case 'misalign-links': return move(p + 96, 2);
    case 'misalign-trace-state': return move(p + 20, 1);
    case 'misalign-scope-attributes': return move(p + 148, 2);
    case 'name-out-of-bounds': return pair(p + 40, bytes.length - 2, 8);
    case 'empty-parent-out-of-bounds': return pair(p + 28, bytes.length + 8, 0);
    case 'attributes-too-long': return pair(p + 80, view.getUint32(p + 80, true), 100_000);
  }
}

