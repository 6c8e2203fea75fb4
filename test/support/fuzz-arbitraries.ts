/**
 * fast-check arbitraries of everything a guest can pass to the wasi:otel imports, as jco lifts it
 * (so that jco's lowering of the forwarder guests' arguments accepts them): structurally valid WIT
 * values whose content is anything at all, hostile values more often than by chance (invalid
 * ids, text that is not JSON, deep nesting, extreme times and numbers).
 */
import fc from 'fast-check';

/** Shapes whose attribute values are typed variants (the two old drafts) instead of JSON text. */
export type ValueKind = 'typed' | 'json';

const HEX = '0123456789abcdef';

/** A trace or span id: mostly valid hex of `bytes` bytes (from a small pool, so starts and ends meet), else anything. */
export function idText(bytes: 8 | 16, pool: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...pool) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...HEX.split('')), minLength: bytes * 2, maxLength: bytes * 2 }) },
    { weight: 1, arbitrary: fc.constant('0'.repeat(bytes * 2)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

export const TRACE_POOL = ['4bf92f3577b34da6a3ce929d0e0e4736', 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', '0af7651916cd43dd8448eb211c80319c'];
export const SPAN_POOL = ['00f067aa0ba902b7', '00f067aa0ba902b8', '00f067aa0ba902b9', 'b7ad6b7169203331', '1111111111111111', '2222222222222222'];

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const s64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });

export const datetime = fc.oneof(
  { weight: 6, arbitrary: fc.record({ seconds: fc.bigInt({ min: 1_600_000_000n, max: 1_900_000_000n }), nanoseconds: fc.integer({ min: 0, max: 999_999_999 }) }) },
  { weight: 1, arbitrary: fc.record({ seconds: u64, nanoseconds: u32 }) },
);

/** Strings with more than a fair share of the characters that break things. */
export const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '__proto__', 'constructor', 'toString', '\u0000', '\ud800', 'data:application/octet-stream;base64,', 'x'.repeat(3000)) },
);

/** Nested arrays or maps of a given depth, as JSON text (with the whitespace JSON allows around them). */
const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('', ' ', '\n\t '), fc.boolean())
  .map(([depth, space, maps]) => (maps ? `${space}${'{"k":'.repeat(depth)}1${'}'.repeat(depth)}${space}` : `${space}${'['.repeat(depth)}${']'.repeat(depth)}${space}`));

/** A JSON-valued attribute (draft-2025-12 and later): valid JSON mostly, anything sometimes. */
export const jsonValue = fc.oneof(
  { weight: 5, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 2, arbitrary: fc.oneof(fc.double(), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n })).map((n) => String(n)) },
  { weight: 2, arbitrary: text },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 32 }).map((bytes) => JSON.stringify(`data:application/octet-stream;base64,${Buffer.from(bytes).toString('base64')}`)) },
);

/** A typed value whose float cases are called `float` (`f64` in the wasi:otel drafts, `float64` in wasi:observe). */
function typedValueWith(float: 'f64' | 'float64') {
  return fc.oneof(
    fc.record({ tag: fc.constant('string' as const), val: text }),
    fc.record({ tag: fc.constant('bool' as const), val: fc.boolean() }),
    fc.record({ tag: fc.constant(float), val: fc.double() }),
    fc.record({ tag: fc.constant('s64' as const), val: s64 }),
    fc.record({ tag: fc.constant('string-array' as const), val: fc.array(text, { maxLength: 4 }) }),
    fc.record({ tag: fc.constant('bool-array' as const), val: fc.array(fc.boolean(), { maxLength: 4 }) }),
    fc.record({ tag: fc.constant(`${float}-array` as const), val: fc.array(fc.double(), { maxLength: 4 }).map((xs) => Float64Array.from(xs)) }),
    fc.record({ tag: fc.constant('s64-array' as const), val: fc.array(s64, { maxLength: 4 }).map((xs) => BigInt64Array.from(xs)) }),
  );
}

/** A typed attribute value (draft-2025-03 and draft-2025-11). */
export const typedValue = typedValueWith('f64');

export function keyValues(kind: ValueKind, maxLength = 6): fc.Arbitrary<{ key: string; value: unknown }[]> {
  return fc.array(fc.record({ key: text, value: kind === 'json' ? jsonValue : typedValue }), { maxLength });
}

export const spanContext = fc.record({
  traceId: idText(16, TRACE_POOL),
  spanId: idText(8, SPAN_POOL),
  traceFlags: fc.record({ sampled: fc.boolean() }),
  isRemote: fc.boolean(),
  traceState: fc.array(fc.tuple(text, text), { maxLength: 3 }),
});

const spanKind = fc.constantFrom('client', 'server', 'producer', 'consumer', 'internal');
const status = fc.oneof(fc.constant({ tag: 'unset' as const }), fc.constant({ tag: 'ok' as const }), fc.record({ tag: fc.constant('error' as const), val: text }));

export function scope(kind: ValueKind): fc.Arbitrary<unknown> {
  return fc.record({ name: text, version: fc.option(text, { nil: undefined }), schemaUrl: fc.option(text, { nil: undefined }), attributes: keyValues(kind, 3) });
}

export function spanData(kind: ValueKind): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    spanContext,
    parentSpanId: fc.oneof(fc.constant(''), idText(8, SPAN_POOL)),
    spanKind,
    name: text,
    startTime: datetime,
    endTime: datetime,
    attributes: keyValues(kind),
    events: fc.array(fc.record({ name: text, time: datetime, attributes: keyValues(kind, 3) }), { maxLength: 4 }),
    links: fc.array(fc.record({ spanContext, attributes: keyValues(kind, 3) }), { maxLength: 3 }),
    status,
    instrumentationScope: scope(kind),
    droppedAttributes: u32,
    droppedEvents: u32,
    droppedLinks: u32,
  });
}

export const logRecord = fc.record({
  timestamp: fc.option(datetime, { nil: undefined }),
  observedTimestamp: fc.option(datetime, { nil: undefined }),
  severityText: fc.option(fc.oneof(text, fc.constantFrom('INFO', 'WARN2', 'error', 'FATAL4')), { nil: undefined }),
  severityNumber: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
  body: fc.option(jsonValue, { nil: undefined }),
  attributes: fc.option(keyValues('json'), { nil: undefined }),
  eventName: fc.option(text, { nil: undefined }),
  resource: fc.option(fc.record({ attributes: keyValues('json', 4), schemaUrl: fc.option(text, { nil: undefined }) }), { nil: undefined }),
  instrumentationScope: fc.option(scope('json'), { nil: undefined }),
  traceId: fc.option(idText(16, TRACE_POOL), { nil: undefined }),
  spanId: fc.option(idText(8, SPAN_POOL), { nil: undefined }),
  traceFlags: fc.option(fc.record({ sampled: fc.boolean() }), { nil: undefined }),
});

const metricNumber = fc.oneof(
  fc.record({ tag: fc.constant('f64' as const), val: fc.double() }),
  fc.record({ tag: fc.constant('s64' as const), val: s64 }),
  fc.record({ tag: fc.constant('u64' as const), val: u64 }),
);

function exemplars(kind: ValueKind): fc.Arbitrary<unknown[]> {
  return fc.array(
    fc.record({ filteredAttributes: keyValues(kind, 2), time: datetime, value: metricNumber, spanId: fc.oneof(fc.constant(''), idText(8, SPAN_POOL)), traceId: fc.oneof(fc.constant(''), idText(16, TRACE_POOL)) }),
    { maxLength: 2 },
  );
}

const temporality = fc.constantFrom('cumulative', 'delta', 'low-memory');
const u64Array = (max: number) => fc.array(u64, { maxLength: max }).map((xs) => BigUint64Array.from(xs));
const bucket = fc.record({ offset: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), counts: u64Array(5) });

function metricData(kind: ValueKind): fc.Arbitrary<unknown> {
  const points = <T>(point: fc.Arbitrary<T>) => fc.array(point, { maxLength: 3 });
  const numberPoint = fc.record({ attributes: keyValues(kind, 3), value: metricNumber, exemplars: exemplars(kind) });
  const gauge = fc.record({ dataPoints: points(numberPoint), startTime: fc.option(datetime, { nil: undefined }), time: datetime });
  const sum = fc.record({ dataPoints: points(numberPoint), startTime: datetime, time: datetime, temporality, isMonotonic: fc.boolean() });
  const histogram = fc.record({
    dataPoints: points(
      fc.record({
        attributes: keyValues(kind, 3),
        count: u64,
        bounds: fc.array(fc.double(), { maxLength: 5 }).map((xs) => Float64Array.from(xs)),
        bucketCounts: u64Array(6),
        min: fc.option(metricNumber, { nil: undefined }),
        max: fc.option(metricNumber, { nil: undefined }),
        sum: metricNumber,
        exemplars: exemplars(kind),
      }),
    ),
    startTime: datetime,
    time: datetime,
    temporality,
  });
  const exponential = fc.record({
    dataPoints: points(
      fc.record({
        attributes: keyValues(kind, 3),
        count: u64,
        min: fc.option(metricNumber, { nil: undefined }),
        max: fc.option(metricNumber, { nil: undefined }),
        sum: metricNumber,
        scale: fc.integer({ min: -128, max: 127 }),
        zeroCount: u64,
        positiveBucket: bucket,
        negativeBucket: bucket,
        zeroThreshold: fc.double(),
        exemplars: exemplars(kind),
      }),
    ),
    startTime: datetime,
    time: datetime,
    temporality,
  });
  return fc.oneof(
    ...(['f64', 'u64', 's64'] as const).flatMap((n) => [
      fc.record({ tag: fc.constant(`${n}-gauge`), val: gauge }),
      fc.record({ tag: fc.constant(`${n}-sum`), val: sum }),
      fc.record({ tag: fc.constant(`${n}-histogram`), val: histogram }),
      fc.record({ tag: fc.constant(`${n}-exponential-histogram`), val: exponential }),
    ]),
  );
}

export function resourceMetrics(kind: ValueKind): fc.Arbitrary<unknown> {
  return fc.record({
    resource: fc.record({ attributes: keyValues(kind, 4), schemaUrl: fc.option(text, { nil: undefined }) }),
    scopeMetrics: fc.array(
      fc.record({
        scope: scope(kind),
        metrics: fc.array(fc.record({ name: text, description: text, unit: text, data: metricData(kind) }), { maxLength: 3 }),
      }),
      { maxLength: 2 },
    ),
  });
}

// ---- wasi:observe (tracer and wasi:logging), as jco lifts the forwarder's arguments ------------

/** A wasi:observe `value` (its case names: `float64`, not the drafts' `f64`). */
export const observeValue = typedValueWith('float64');

export const observeKeyValues = (maxLength = 6): fc.Arbitrary<{ key: string; value: unknown }[]> => fc.array(fc.record({ key: text, value: observeValue }), { maxLength });

export const observeLink = fc.record({ spanContext, attributes: observeKeyValues(3) });

export const observeStartOptions = fc.option(
  fc.record({
    newRoot: fc.boolean(),
    spanKind: fc.option(spanKind, { nil: undefined }),
    attributes: fc.option(observeKeyValues(), { nil: undefined }),
    links: fc.option(fc.array(observeLink, { maxLength: 3 }), { nil: undefined }),
    timestamp: fc.option(datetime, { nil: undefined }),
  }),
  { nil: undefined },
);

export const observeStatus = status;
export const loggingLevel = fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'critical');
