import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExportResultCode } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { WasmOtelError, type LoadedComponent } from '../src/index.js';
import { hostFor } from './support/library-host.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { receivedMetrics, waitForMetrics, type OtlpMetric } from './support/otlp-signals.js';
import { component } from './support/paths.js';

// Metrics through the rc.2 forwarder guest: the test builds a `resource-metrics` value, the guest
// passes it through the canonical ABI to `wasi:otel/metrics.export`, the host hands it to the
// OTLP exporter, the receiver decodes it with the official schema.

let receiver: OtlpReceiver;
let host: ReturnType<typeof hostFor>['host'];
let flush: () => Promise<void>;
let forwarder: LoadedComponent;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  ({ host, flush } = hostFor(receiver));
  forwarder = await host.load(component('forwarder-rc.2.wasm'));
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const S = 1_700_000_000n;
const time = (offset: number, nanos = 0) => ({ seconds: S + BigInt(offset), nanoseconds: nanos });
const ns = (offset: number, nanos = 0) => (S + BigInt(offset)) * 1_000_000_000n + BigInt(nanos);
const kv = (key: string, json: string) => ({ key, value: json });
const SCOPE = { name: 'test-meter', version: '2.0.0', schemaUrl: 'https://example.com/scope', attributes: [kv('scope.attr', '"s"')] };
const RESOURCE = { attributes: [kv('service.name', '"metrics-guest"'), kv('deployment', '{"env":"test","zone":3}')], schemaUrl: 'https://example.com/resource' };
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

type Num = { tag: 'f64'; val: number } | { tag: 'u64'; val: bigint } | { tag: 's64'; val: bigint };
const num = (type: 'f64' | 'u64' | 's64', value: number): Num =>
  type === 'f64' ? { tag: 'f64', val: value } : { tag: type, val: BigInt(value) };
const otlpNum = (type: 'f64' | 'u64' | 's64', value: number) => (type === 'f64' ? { asDouble: value } : { asInt: BigInt(value) });

function exemplar(type: 'f64' | 'u64' | 's64', value: number) {
  return { filteredAttributes: [kv('user', '"u1"')], time: time(3, 7), value: num(type, value), spanId: SPAN, traceId: TRACE };
}
const OTLP_EXEMPLAR = (type: 'f64' | 'u64' | 's64', value: number) => ({
  filteredAttributes: { user: 'u1' },
  timeUnixNano: ns(3, 7),
  value: otlpNum(type, value),
  traceId: TRACE,
  spanId: SPAN,
});

function batch(metrics: unknown[]) {
  return { resource: RESOURCE, scopeMetrics: [{ scope: SCOPE, metrics }] };
}

async function exportThrough(value: unknown): Promise<void> {
  const instance = await forwarder.instantiate();
  await instance.invoke('export-metrics', [value]);
  await flush();
}

const BASE = {
  resource: { 'service.name': 'metrics-guest', deployment: { env: 'test', zone: 3n } },
  resourceSchemaUrl: 'https://example.com/resource',
  scope: { name: 'test-meter', version: '2.0.0', attributes: { 'scope.attr': 's' } },
  scopeSchemaUrl: 'https://example.com/scope',
};

describe('every metric-data variant reaches OTLP exactly as the guest sent it', () => {
  for (const type of ['f64', 'u64', 's64'] as const) {
    it(`${type}-gauge`, async () => {
      await exportThrough(
        batch([{ name: `g.${type}`, description: 'a gauge', unit: '1', data: { tag: `${type}-gauge`, val: { dataPoints: [{ attributes: [kv('k', '"v"')], value: num(type, 15), exemplars: [exemplar(type, 14)] }], startTime: time(0), time: time(10, 5) } } }]),
      );
      expect(await waitForMetrics(receiver, 1)).toEqual<OtlpMetric[]>([
        { ...BASE, name: `g.${type}`, description: 'a gauge', unit: '1', type: 'gauge', points: [{ attributes: { k: 'v' }, startTimeUnixNano: ns(0), timeUnixNano: ns(10, 5), value: otlpNum(type, 15), exemplars: [OTLP_EXEMPLAR(type, 14)] }] },
      ]);
    });

    it(`${type}-sum`, async () => {
      const value = type === 's64' ? -5 : 10;
      await exportThrough(
        batch([
          { name: `s.${type}`, description: 'a sum', unit: '{item}', data: { tag: `${type}-sum`, val: { dataPoints: [{ attributes: [kv('k', '1')], value: num(type, value), exemplars: [exemplar(type, 1)] }], startTime: time(0), time: time(10), temporality: 'delta', isMonotonic: type !== 's64' } } },
        ]),
      );
      expect(await waitForMetrics(receiver, 1)).toEqual<OtlpMetric[]>([
        { ...BASE, name: `s.${type}`, description: 'a sum', unit: '{item}', type: 'sum', temporality: 1, isMonotonic: type !== 's64', points: [{ attributes: { k: 1n }, startTimeUnixNano: ns(0), timeUnixNano: ns(10), value: otlpNum(type, value), exemplars: [OTLP_EXEMPLAR(type, 1)] }] },
      ]);
    });

    it(`${type}-histogram`, async () => {
      await exportThrough(
        batch([
          {
            name: `h.${type}`,
            description: 'a histogram',
            unit: 'ms',
            data: {
              tag: `${type}-histogram`,
              val: {
                dataPoints: [
                  {
                    attributes: [kv('route', '"/a"')],
                    count: 3n,
                    bounds: new Float64Array([0, 10, 100]),
                    bucketCounts: new BigUint64Array([0n, 2n, 1n, 0n]),
                    min: num(type, 4),
                    max: num(type, 40),
                    sum: num(type, 52),
                    exemplars: [exemplar(type, 40)],
                  },
                ],
                startTime: time(0),
                time: time(10),
                temporality: 'cumulative',
              },
            },
          },
        ]),
      );
      expect(await waitForMetrics(receiver, 1)).toEqual<OtlpMetric[]>([
        {
          ...BASE,
          name: `h.${type}`,
          description: 'a histogram',
          unit: 'ms',
          type: 'histogram',
          temporality: 2,
          points: [
            { attributes: { route: '/a' }, startTimeUnixNano: ns(0), timeUnixNano: ns(10), count: 3n, sum: 52, min: 4, max: 40, explicitBounds: [0, 10, 100], bucketCounts: [0n, 2n, 1n, 0n], exemplars: [OTLP_EXEMPLAR(type, 40)] },
          ],
        },
      ]);
    });

    it(`${type}-exponential-histogram`, async () => {
      await exportThrough(
        batch([
          {
            name: `e.${type}`,
            description: 'an exponential histogram',
            unit: 'By',
            data: {
              tag: `${type}-exponential-histogram`,
              val: {
                dataPoints: [
                  {
                    attributes: [],
                    count: 9n,
                    min: num(type, type === 'u64' ? 0 : -3),
                    max: num(type, 9),
                    sum: num(type, 20),
                    scale: 3,
                    zeroCount: 2n,
                    positiveBucket: { offset: -2, counts: new BigUint64Array([1n, 0n, 4n]) },
                    negativeBucket: { offset: 5, counts: new BigUint64Array([2n]) },
                    zeroThreshold: 0.25,
                    exemplars: [exemplar(type, 9)],
                  },
                ],
                startTime: time(0),
                time: time(10),
                temporality: 'delta',
              },
            },
          },
        ]),
      );
      expect(await waitForMetrics(receiver, 1)).toEqual<OtlpMetric[]>([
        {
          ...BASE,
          name: `e.${type}`,
          description: 'an exponential histogram',
          unit: 'By',
          type: 'exponentialHistogram',
          temporality: 1,
          points: [
            {
              attributes: {},
              startTimeUnixNano: ns(0),
              timeUnixNano: ns(10),
              count: 9n,
              sum: 20,
              min: type === 'u64' ? 0 : -3,
              max: 9,
              scale: 3,
              zeroCount: 2n,
              zeroThreshold: 0.25,
              positive: { offset: -2, bucketCounts: [1n, 0n, 4n] },
              negative: { offset: 5, bucketCounts: [2n] },
              exemplars: [OTLP_EXEMPLAR(type, 9)],
            },
          ],
        },
      ]);
    });
  }
});

const sum = (name: string, value: Num, extra: Record<string, unknown> = {}) => ({
  name,
  description: '',
  unit: '',
  data: { tag: `${value.tag}-sum`, val: { dataPoints: [{ attributes: [], value, exemplars: [], ...extra }], startTime: time(0), time: time(1), temporality: 'cumulative', isMonotonic: true } },
});

describe('metric details', () => {
  it('keeps 64-bit integers exact, several scopes and metrics in order, gauges without a start time', async () => {
    const big = 2n ** 62n + 1n;
    await exportThrough({
      resource: { attributes: [], schemaUrl: undefined },
      scopeMetrics: [
        { scope: { name: 'one', version: undefined, schemaUrl: undefined, attributes: [] }, metrics: [sum('big', { tag: 'u64', val: big }), sum('neg', { tag: 's64', val: -(2n ** 60n) })] },
        {
          scope: { name: 'two', version: undefined, schemaUrl: undefined, attributes: [] },
          metrics: [{ name: 'g', description: '', unit: '', data: { tag: 'f64-gauge', val: { dataPoints: [{ attributes: [], value: { tag: 'f64', val: 0.5 }, exemplars: [] }], startTime: undefined, time: time(2) } } }],
        },
      ],
    });
    const metrics = await waitForMetrics(receiver, 3);
    expect(metrics.map((m) => [m.scope.name, m.name, m.points[0]!.value, m.points[0]!.startTimeUnixNano])).toEqual([
      ['one', 'big', { asInt: big }, ns(0)],
      ['one', 'neg', { asInt: -(2n ** 60n) }, ns(0)],
      ['two', 'g', { asDouble: 0.5 }, 0n],
    ]);
    expect(metrics[0]!.resource).toEqual({});
  });

  it('takes exemplar ids as hex or as the raw id bytes some guest SDKs send; none when empty', async () => {
    const traceRaw = 'ABCDEFGHIJKLMNOP'; // 16 bytes of UTF-8
    const spanRaw = 'abcdefgh'; // 8 bytes
    await exportThrough(
      batch([
        sum('ids', { tag: 'u64', val: 1n }, {
          exemplars: [
            { filteredAttributes: [], time: time(1), value: { tag: 'u64', val: 1n }, spanId: spanRaw, traceId: traceRaw },
            { filteredAttributes: [], time: time(1), value: { tag: 'u64', val: 2n }, spanId: SPAN.toUpperCase(), traceId: TRACE.toUpperCase() },
            { filteredAttributes: [], time: time(1), value: { tag: 'u64', val: 3n }, spanId: '', traceId: '' },
            { filteredAttributes: [], time: time(1), value: { tag: 'u64', val: 4n }, spanId: 'nope', traceId: TRACE },
          ],
        }),
      ]),
    );
    const [metric] = await waitForMetrics(receiver, 1);
    expect(metric!.points[0]!.exemplars.map((e) => [e.value, e.traceId, e.spanId])).toEqual([
      [{ asInt: 1n }, Buffer.from(traceRaw).toString('hex'), Buffer.from(spanRaw).toString('hex')],
      [{ asInt: 2n }, TRACE, SPAN],
      [{ asInt: 3n }, '', ''],
    ]);
    expect(host.problems().invalid_exemplar).toBe(1);
  });

  it('low-memory temporality is read as delta for counters and histograms, cumulative for up-down counters', async () => {
    const lowMemory = (name: string, monotonic: boolean) => {
      const metric = sum(name, { tag: 's64', val: 1n });
      (metric.data.val as Record<string, unknown>).temporality = 'low-memory';
      (metric.data.val as Record<string, unknown>).isMonotonic = monotonic;
      return metric;
    };
    await exportThrough(batch([lowMemory('counter', true), lowMemory('updown', false)]));
    expect((await waitForMetrics(receiver, 2)).map((m) => [m.name, m.temporality])).toEqual([
      ['counter', 1],
      ['updown', 2],
    ]);
  });

  it('OTLP/JSON carries the same, exemplars and zero threshold included', async () => {
    const json = hostFor(receiver, { json: true });
    const instance = await (await json.host.load(component('forwarder-rc.2.wasm'))).instantiate();
    await instance.invoke('export-metrics', [
      batch([
        sum('json.sum', { tag: 'u64', val: 2n ** 60n }, { exemplars: [exemplar('u64', 5)] }),
        {
          name: 'json.exp',
          description: '',
          unit: '',
          data: {
            tag: 'f64-exponential-histogram',
            val: {
              dataPoints: [{ attributes: [], count: 1n, min: undefined, max: undefined, sum: { tag: 'f64', val: 1.5 }, scale: 0, zeroCount: 0n, positiveBucket: { offset: 0, counts: new BigUint64Array([1n]) }, negativeBucket: { offset: 0, counts: new BigUint64Array([]) }, zeroThreshold: 0.001, exemplars: [] }],
              startTime: time(0),
              time: time(1),
              temporality: 'cumulative',
            },
          },
        },
      ]),
    ]);
    await json.flush();
    const metrics = await waitForMetrics(receiver, 2);
    expect(receiver.requests.filter((r) => r.signal === 'metrics').map((r) => r.encoding)).toEqual(['json']);
    expect(metrics[0]!.points[0]!.value).toEqual({ asInt: 2n ** 60n });
    expect(metrics[0]!.points[0]!.exemplars).toEqual([OTLP_EXEMPLAR('u64', 5)]);
    expect(metrics[1]!.points[0]).toMatchObject({ count: 1n, sum: 1.5, min: null, max: null, zeroThreshold: 0.001, positive: { offset: 0, bucketCounts: [1n] } });
  });
});

describe('bad metric data: err(reason) to the guest, a counter, the rest exported', () => {
  const cases: [string, unknown, string][] = [
    ['bucket counts that do not match the bounds', { count: 1n, bounds: new Float64Array([1, 2]), bucketCounts: new BigUint64Array([1n]) }, 'metric "bad" data point 0 dropped: 1 bucket counts for 2 bounds (need bounds + 1)'],
    ['bounds not increasing', { count: 1n, bounds: new Float64Array([2, 1]), bucketCounts: new BigUint64Array([0n, 1n, 0n]) }, 'metric "bad" data point 0 dropped: bounds must be finite and strictly increasing'],
    ['bucket counts that do not add up to the count', { count: 5n, bounds: new Float64Array([1]), bucketCounts: new BigUint64Array([1n, 1n]) }, 'metric "bad" data point 0 dropped: bucket counts add up to 2, not the count 5'],
    ['min above max', { count: 1n, bounds: new Float64Array([]), bucketCounts: new BigUint64Array([]), min: { tag: 'f64', val: 9 }, max: { tag: 'f64', val: 1 } }, 'metric "bad" data point 0 dropped: min 9 is above max 1'],
  ];
  for (const [what, point, message] of cases) {
    it(what, async () => {
      const histogram = {
        name: 'bad',
        description: '',
        unit: '',
        data: { tag: 'f64-histogram', val: { dataPoints: [{ attributes: [], min: undefined, max: undefined, sum: { tag: 'f64', val: 1 }, exemplars: [], ...(point as object) }], startTime: time(0), time: time(1), temporality: 'cumulative' } },
      };
      const before = host.problems().invalid_metric ?? 0;
      const instance = await forwarder.instantiate();
      const error = (await instance.invoke('export-metrics', [batch([histogram, sum('good', { tag: 'u64', val: 7n })])]).catch((e: unknown) => e)) as WasmOtelError;
      expect(error).toBeInstanceOf(WasmOtelError);
      expect(error.code).toBe('guest_error');
      expect(error.message).toBe(`forwarder-rc.2.wasm returned an error: ${message}`);
      expect(host.problems().invalid_metric).toBe(before + 1);
      await flush();
      expect((await waitForMetrics(receiver, 1)).map((m) => [m.name, m.points.length])).toEqual([['good', 1]]);
    });
  }

  it('an integer metric with a fractional value, a non-finite double', async () => {
    const frac = sum('frac', { tag: 'f64', val: 1.5 });
    frac.data.tag = 'u64-sum';
    const inf = sum('inf', { tag: 'f64', val: Infinity });
    const temporal = sum('temporal', { tag: 'u64', val: 1n });
    const instance = await forwarder.instantiate();
    const error = (await instance.invoke('export-metrics', [batch([frac, inf, temporal])]).catch((e: unknown) => e)) as WasmOtelError;
    expect(error.message).toBe(
      'forwarder-rc.2.wasm returned an error: 2 problems: metric "frac" data point 0 dropped: value 1.5 is not an integer, as a u64 metric needs; metric "inf" data point 0 dropped: value Infinity is not a finite number',
    );
    await flush();
    expect((await waitForMetrics(receiver, 1)).map((m) => m.name)).toEqual(['temporal']);
  });

  it('an exporter that refuses the batch at once: err to the guest and a counter; a later failure only a counter', async () => {
    let calls = 0;
    const failing: PushMetricExporter = {
      export(_metrics: ResourceMetrics, done) {
        calls++;
        if (calls === 1) done({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
        else setTimeout(() => done({ code: ExportResultCode.FAILED, error: new Error('connection refused') }), 1);
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const { host: failingHost } = hostFor(receiver, { metricExporters: [failing] });
    const instance = await (await failingHost.load(component('forwarder-rc.2.wasm'))).instantiate();
    const error = (await instance.invoke('export-metrics', [batch([sum('x', { tag: 'u64', val: 1n })])]).catch((e: unknown) => e)) as WasmOtelError;
    expect(error.message).toBe('forwarder-rc.2.wasm returned an error: metric export failed: exporter is shut down');
    await instance.invoke('export-metrics', [batch([sum('x', { tag: 'u64', val: 1n })])]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failingHost.problems().metrics_export_failed).toBe(2);
    expect(calls).toBe(2);
    expect(receivedMetrics(receiver)).toEqual([]);
  });
});
