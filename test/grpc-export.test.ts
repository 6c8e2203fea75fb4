import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProblemCounter, type LoadedComponent } from '../src/index.js';
import { shortExportError } from '../src/telemetry/delivery-ledger.js';
import { readTelemetryEnv } from '../src/telemetry/env-config.js';
import { otlpDestination } from '../src/telemetry/otlp-exporters.js';
import { runCli } from './support/cli.js';
import { deadEndpoint } from './support/dead-endpoint.js';
import { hostFor, TEST_SERVICE } from './support/library-host.js';
import { OTLP_GRPC_METHODS, startOtlpGrpcReceiver, type GrpcReceiverFault } from './support/otlp-grpc-receiver.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { receivedLogs, receivedMetrics, waitForLogs, waitForMetrics, type OtlpMetric } from './support/otlp-signals.js';
import { component, ROOT } from './support/paths.js';
import { ALL_SCENARIOS, SPAN_COUNT, expectScenario, expectScenarioTelemetry } from './support/scenarios.js';
import { byName } from './support/span-tree.js';

/*
 * OTLP/gRPC (OTEL_EXPORTER_OTLP_PROTOCOL=grpc, or per signal): the SDK's official gRPC exporters
 * for spans and log records, and the guest metric exporter on the SDK's gRPC transport, to a
 * gRPC receiver on 127.0.0.1 that decodes with the official OTLP schema. The same exact
 * assertions as over OTLP/HTTP (scenarios.ts, otlp-signals.ts), the same delivery accounting.
 */

let grpc: OtlpReceiver;
let http: OtlpReceiver;
beforeAll(async () => {
  [grpc, http] = await Promise.all([startOtlpGrpcReceiver(), startOtlpReceiver()]);
});
afterAll(async () => Promise.all([grpc.close(), http.close()]));
beforeEach(() => {
  grpc.reset();
  http.reset();
});

const demo = ['run', component('scenarios.wasm')];
const overGrpc = (endpoint = grpc.endpoint): Record<string, string> => ({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_SERVICE_NAME: 'grpc-test' });
const methods = (receiver: OtlpReceiver): string[] => [...new Set(receiver.requests.map((r) => r.path))].sort();
const lines = (stderr: string): string[] => stderr.split('\n').filter((line) => line !== '');
const ALL_METHODS = Object.values(OTLP_GRPC_METHODS).sort();

describe('scenarios through the CLI over OTLP/gRPC', () => {
  for (const name of ALL_SCENARIOS) {
    it(`--invoke ${name}`, async () => {
      const result = await runCli([...demo, '--invoke', name], overGrpc());
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const spans = await grpc.waitForSpans(SPAN_COUNT[name]!);
      expectScenario(name, spans);
      expect(spans.every((s) => s.resource['service.name'] === 'grpc-test')).toBe(true);
      expect(methods(grpc)).toEqual([OTLP_GRPC_METHODS.traces]);
      expect(http.requests).toHaveLength(0);
    });
  }

  it('the demo (wasi:cli/run): spans, the log record and the metrics, each over its gRPC service, exactly as over HTTP', async () => {
    const result = await runCli(demo, overGrpc());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const spans = grpc.spans();
    expectScenario('run', spans);
    expectScenarioTelemetry(receivedLogs(grpc), receivedMetrics(grpc), byName(spans, 'checkout'));
    expect(methods(grpc)).toEqual(ALL_METHODS);
    expect(grpc.requests.map((r) => r.headers['user-agent'])).toEqual(Array(3).fill('OTel-OTLP-Exporter-JavaScript/0.223.1 grpc-node-js/1.14.7'));
  });

  it('15,001 spans from the guest\'s thread: all delivered in 30 calls, the guest paced by the gRPC exporter\'s ledger', async () => {
    const result = await runCli(['run', component('flood.wasm'), '--invoke', 'spans-15k'], overGrpc());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const spans = grpc.spans();
    expect(spans).toHaveLength(15_001);
    expect(new Set(spans.map((span) => span.spanId)).size).toBe(15_001);
    expect(spans.filter((span) => span.name === 'flood')).toHaveLength(15_000);
    expect(grpc.requests.filter((request) => request.path === OTLP_GRPC_METHODS.traces)).toHaveLength(30);
  });
});

describe('protocol, endpoint and headers per signal', () => {
  it('traces over gRPC (per-signal protocol and endpoint), metrics and logs over the general http/protobuf', async () => {
    const result = await runCli(demo, {
      OTEL_EXPORTER_OTLP_ENDPOINT: http.endpoint,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: grpc.endpoint,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const spans = grpc.spans();
    expectScenario('run', spans);
    expect(methods(grpc)).toEqual([OTLP_GRPC_METHODS.traces]);
    expectScenarioTelemetry(receivedLogs(http), receivedMetrics(http), byName(spans, 'checkout'));
    expect(http.requests.map((r) => [r.path, r.encoding]).sort()).toEqual([
      ['/v1/logs', 'protobuf'],
      ['/v1/metrics', 'protobuf'],
    ]);
  });

  it('everything over gRPC except metrics, as OTLP/JSON to their own endpoint', async () => {
    const result = await runCli(demo, {
      ...overGrpc(),
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${http.endpoint}/v1/metrics`,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const spans = grpc.spans();
    expectScenario('run', spans);
    expectScenarioTelemetry(receivedLogs(grpc), receivedMetrics(http), byName(spans, 'checkout'));
    expect(methods(grpc)).toEqual([OTLP_GRPC_METHODS.logs, OTLP_GRPC_METHODS.traces]);
    expect(http.requests.map((r) => [r.path, r.encoding])).toEqual([['/v1/metrics', 'json']]);
  });

  it('OTEL_EXPORTER_OTLP_HEADERS and the per-signal headers are sent as gRPC metadata', async () => {
    const result = await runCli(demo, {
      ...overGrpc(),
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme,authorization=Bearer%20token-1',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-tenant=logs-team',
    });
    expect(result.code).toBe(0);
    const headers = Object.fromEntries(grpc.requests.map((r) => [r.signal, [r.headers['x-tenant'], r.headers.authorization]]));
    expect(headers).toEqual({ traces: ['acme', 'Bearer token-1'], metrics: ['acme', 'Bearer token-1'], logs: ['logs-team', 'Bearer token-1'] });
  });

  it('an unknown protocol is a one-line warning: the general one falls back to http/protobuf, a per-signal one to the general', async () => {
    const general = await runCli([...demo, '--invoke', 'statuses'], { OTEL_EXPORTER_OTLP_ENDPOINT: http.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc/json' });
    expect(general.code).toBe(0);
    expect(general.stderr).toBe('wasm-otel: invalid_config: OTEL_EXPORTER_OTLP_PROTOCOL value "grpc/json" is not supported (use http/protobuf, http/json or grpc); using http/protobuf\n');
    expectScenario('statuses', await http.waitForSpans(4));
    expect(http.requests.map((r) => r.encoding)).toEqual(['protobuf']);

    const perSignal = await runCli([...demo, '--invoke', 'statuses'], { ...overGrpc(), OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'GRPC' });
    expect(perSignal.code).toBe(0);
    expect(perSignal.stderr).toBe('wasm-otel: invalid_config: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL value "GRPC" is not supported (use http/protobuf, http/json or grpc); using grpc\n');
    expectScenario('statuses', await grpc.waitForSpans(4));
  });

  it('reads the protocols per signal; messages name the gRPC endpoint as the exporters pick it (default http://localhost:4317)', () => {
    const saved = { ...process.env };
    try {
      for (const key of Object.keys(process.env)) if (key.startsWith('OTEL_')) delete process.env[key];
      process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
      process.env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL = 'http/json';
      const problems = new ProblemCounter();
      const config = readTelemetryEnv(problems);
      expect([config.tracesProtocol, config.metricsProtocol, config.logsProtocol]).toEqual(['grpc', 'grpc', 'http/json']);
      expect(problems.snapshot()).toEqual({});
      expect(otlpDestination('traces', 'grpc')).toBe('http://localhost:4317');
      expect(otlpDestination('logs', 'http/json')).toBe('http://localhost:4318/v1/logs');
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'https://collector.example:4317/';
      process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT = 'http://metrics.example:4317/v1/metrics';
      expect(otlpDestination('traces', 'grpc')).toBe('https://collector.example:4317');
      expect(otlpDestination('metrics', 'grpc')).toBe('http://metrics.example:4317');
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'collector.example:4317';
      expect(otlpDestination('traces', 'grpc')).toBe('collector.example:4317');
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('without an endpoint, OTEL_TRACES_EXPORTER=otlp over gRPC sends to localhost:4317', async (context) => {
    // Port 4317 may be taken on a developer's machine (a local collector): then this one is skipped.
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer().once('error', () => resolve(false));
      probe.listen(4317, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (!free) return context.skip();
    const local = await startOtlpGrpcReceiver({ port: 4317 });
    try {
      const result = await runCli([...demo, '--invoke', 'links'], { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expectScenario('links', await local.waitForSpans(2));
    } finally {
      await local.close();
    }
  });
});

describe('TLS: OTEL_EXPORTER_OTLP_CERTIFICATE and OTEL_EXPORTER_OTLP_INSECURE, as the SDK defines them', () => {
  const cert = join(ROOT, 'test/support/tls/localhost.crt');
  let tls: OtlpReceiver;
  // By name (the certificate is for localhost and 127.0.0.1): with an IP address, Node warns that
  // grpc-js sets it as the TLS server name (DEP0123).
  let endpoint: string;
  beforeAll(async () => {
    tls = await startOtlpGrpcReceiver({ tls: { key: readFileSync(join(ROOT, 'test/support/tls/localhost.key')), cert: readFileSync(cert) } });
    endpoint = tls.endpoint.replace('127.0.0.1', 'localhost');
  });
  afterAll(async () => tls.close());

  it('an https:// endpoint with the collector\'s certificate: delivered over TLS', async () => {
    const result = await runCli([...demo, '--invoke', 'nested-spans'], { ...overGrpc(endpoint), OTEL_EXPORTER_OTLP_CERTIFICATE: cert });
    // The SDK's gRPC exporters warn when a root certificate comes without a client key and certificate.
    expect(result.stderr).toBe('wasm-otel: Client key and certificate must both be provided, but one was missing - attempting to create credentials from just the root certificate\n');
    expect(result.code).toBe(0);
    expectScenario('nested-spans', await tls.waitForSpans(4));
  });

  it('an https://<IP> endpoint: Node\'s deprecation warning from grpc-js is one wasm-otel line (was Node\'s two-line text)', async () => {
    tls.reset();
    const result = await runCli([...demo, '--invoke', 'nested-spans'], { ...overGrpc(tls.endpoint), OTEL_EXPORTER_OTLP_CERTIFICATE: cert });
    expect(result.code).toBe(0);
    expect(lines(result.stderr).filter((line) => !line.startsWith('wasm-otel: Client key and certificate'))).toEqual([
      'wasm-otel: node: DeprecationWarning DEP0123: Setting the TLS ServerName to an IP address is not permitted by RFC 6066. This will be ignored in a future version.',
    ]);
    expectScenario('nested-spans', await tls.waitForSpans(4));
  });

  it('without the certificate the collector is not trusted: one line, nothing delivered', async () => {
    tls.reset();
    const result = await runCli([...demo, '--invoke', 'nested-spans'], overGrpc(endpoint));
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toEqual([`wasm-otel: traces_export_failed: 4 spans not delivered to ${endpoint} (gRPC UNAVAILABLE: self-signed certificate)`]);
    expect(tls.requests).toHaveLength(0);
  });

  it('an endpoint without a scheme uses TLS unless OTEL_EXPORTER_OTLP_INSECURE=true', async () => {
    const bare = grpc.endpoint.replace('http://127.0.0.1', 'localhost');
    const insecure = await runCli([...demo, '--invoke', 'nested-spans'], { ...overGrpc(bare), OTEL_EXPORTER_OTLP_INSECURE: 'true' });
    expect(insecure.stderr).toBe('');
    expectScenario('nested-spans', await grpc.waitForSpans(4));
    grpc.reset();
    const secure = await runCli([...demo, '--invoke', 'nested-spans'], overGrpc(bare));
    expect(secure.code).toBe(0);
    expect(lines(secure.stderr)).toEqual([`wasm-otel: traces_export_failed: 4 spans not delivered to ${bare} (gRPC UNAVAILABLE: SSL routines: wrong version number)`]);
    expect(grpc.requests).toHaveLength(0);
  });
});

describe('a gRPC collector that fails: one line per signal naming the gRPC status, the guest\'s exit code', () => {
  let failing: OtlpReceiver | undefined;
  afterEach(async () => {
    await failing?.close();
    failing = undefined;
  });
  /** Calls per signal that reached the collector. */
  let attempts: Record<string, number> = {};
  async function collector(fault: GrpcReceiverFault): Promise<string> {
    attempts = {};
    failing = await startOtlpGrpcReceiver({
      fault: ({ signal, attempt }) => {
        attempts[signal] = attempt;
        return fault;
      },
    });
    return failing.endpoint;
  }
  const undelivered = (endpoint: string, reason: string): string[] => [
    `wasm-otel: traces_export_failed: 5 spans not delivered to ${endpoint} (${reason})`,
    `wasm-otel: logs_export_failed: 1 log record not delivered to ${endpoint} (${reason})`,
    `wasm-otel: metrics_export_failed: 1 metric batch not delivered to ${endpoint} (${reason})`,
  ];

  it('nothing listening: UNAVAILABLE (ECONNREFUSED) for each signal, exit 0', async () => {
    const endpoint = await deadEndpoint();
    const result = await runCli(demo, overGrpc(endpoint));
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toEqual(undelivered(endpoint, 'gRPC UNAVAILABLE: ECONNREFUSED'));
    expect(result.stderr).not.toMatch(/stack|\{"/);
  });

  it('nothing listening, a guest that exits 1: exit code 1, the spans counted', async () => {
    const endpoint = await deadEndpoint();
    const result = await runCli([...demo, '--invoke', 'exit-with-error'], overGrpc(endpoint));
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([`wasm-otel: traces_export_failed: 2 spans not delivered to ${endpoint} (gRPC UNAVAILABLE: ECONNREFUSED)`]);
  });

  it('a status from the collector is named with its details (the SDK\'s gRPC exporters do not retry)', async () => {
    const endpoint = await collector({ kind: 'status', code: GrpcStatus.RESOURCE_EXHAUSTED, details: 'queue full' });
    const result = await runCli(demo, overGrpc(endpoint));
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toEqual(undelivered(endpoint, 'gRPC RESOURCE_EXHAUSTED: queue full'));
    expect(attempts).toEqual({ traces: 1, logs: 1, metrics: 1 });
  });

  it('a collector that never answers: DEADLINE_EXCEEDED at OTEL_EXPORTER_OTLP_TIMEOUT', async () => {
    const endpoint = await collector({ kind: 'hang' });
    const result = await runCli(demo, { ...overGrpc(endpoint), OTEL_EXPORTER_OTLP_TIMEOUT: '700' });
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toEqual(undelivered(endpoint, 'gRPC DEADLINE_EXCEEDED'));
  });

  it('a slow collector: everything delivered, nothing reported', async () => {
    const endpoint = await collector({ kind: 'delay', ms: 300 });
    const result = await runCli(demo, overGrpc(endpoint));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const spans = failing!.spans();
    expectScenario('run', spans);
    expectScenarioTelemetry(receivedLogs(failing!), receivedMetrics(failing!), byName(spans, 'checkout'));
  });

  it('a failed call in a few words: the status, and the network error, the TLS failure or the collector\'s details', () => {
    // As grpc-js makes them (callErrorFromStatus): `${code} ${Status[code]}: ${details}`, with code and details.
    const grpcError = (code: GrpcStatus, details: string) => Object.assign(new Error(`${code} ${GrpcStatus[code]}: ${details}`), { code, details, metadata: {} });
    expect(
      [
        grpcError(GrpcStatus.UNAVAILABLE, 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:4317 (2026-01-01T00:00:00.000Z). Resolution note: '),
        grpcError(GrpcStatus.UNAVAILABLE, 'No connection established. Last error: Error: self-signed certificate. Resolution note: '),
        grpcError(GrpcStatus.UNAVAILABLE, 'No connection established. Last error: 40E7F2B1F67F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/ssl/record/ssl3_record.c:354:. Resolution note: '),
        grpcError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded after 0.702s,LB pick: 0.001s,remote_addr=127.0.0.1:4317'),
        grpcError(GrpcStatus.UNIMPLEMENTED, ''),
        grpcError(GrpcStatus.PERMISSION_DENIED, `tenant\n${'x'.repeat(100)}`),
      ].map(shortExportError),
    ).toEqual([
      'gRPC UNAVAILABLE: ECONNREFUSED',
      'gRPC UNAVAILABLE: self-signed certificate',
      'gRPC UNAVAILABLE: SSL routines: wrong version number',
      'gRPC DEADLINE_EXCEEDED',
      'gRPC UNIMPLEMENTED',
      'gRPC PERMISSION_DENIED: tenant',
    ]);
    expect(shortExportError(grpcError(GrpcStatus.INTERNAL, 'y'.repeat(100)))).toBe(`gRPC INTERNAL: ${'y'.repeat(77)}...`);
  });
});

describe('the library over OTLP/gRPC', () => {
  let host: ReturnType<typeof hostFor>['host'];
  let flush: () => Promise<void>;
  let forwarder: LoadedComponent;
  beforeAll(async () => {
    ({ host, flush } = hostFor(grpc, { grpc: true }));
    forwarder = await host.load(component('forwarder-rc.2.wasm'));
  });

  it('wasi:cli/run of the demo: spans, the log record and the metrics exactly as the guest sent them', async () => {
    const instance = await (await host.load(component('scenarios.wasm'))).instantiate();
    expect(await instance.run()).toBe(0);
    await flush();
    const spans = await grpc.waitForSpans(5);
    expectScenario('run', spans);
    expect(spans.every((s) => s.resource['service.name'] === TEST_SERVICE)).toBe(true);
    expectScenarioTelemetry(await waitForLogs(grpc, 1), await waitForMetrics(grpc, 4), byName(spans, 'checkout'));
    expect(methods(grpc)).toEqual(ALL_METHODS);
  });

  // Guest metrics through the rc.2 forwarder (see metrics.test.ts): what the SDK's own metric
  // model cannot hold (exemplars, exact 64-bit integers, zero thresholds, no start time).
  const S = 1_700_000_000n;
  const time = (offset: number, nanos = 0) => ({ seconds: S + BigInt(offset), nanoseconds: nanos });
  const ns = (offset: number, nanos = 0) => (S + BigInt(offset)) * 1_000_000_000n + BigInt(nanos);
  const TRACE = '0af7651916cd43dd8448eb211c80319c';
  const SPAN = 'b7ad6b7169203331';
  const exemplar = (value: { tag: 'u64' | 's64'; val: bigint } | { tag: 'f64'; val: number }) => ({ filteredAttributes: [{ key: 'user', value: '"u1"' }], time: time(3, 7), value, spanId: SPAN, traceId: TRACE });
  const otlpExemplar = (value: { asInt: bigint } | { asDouble: number }) => ({ filteredAttributes: { user: 'u1' }, timeUnixNano: ns(3, 7), value, traceId: TRACE, spanId: SPAN });
  const BIG = 2n ** 62n + 1n;
  const NEGATIVE = -(2n ** 60n) - 3n;
  const batch = {
    resource: { attributes: [{ key: 'service.name', value: '"metrics-guest"' }], schemaUrl: undefined },
    scopeMetrics: [
      {
        scope: { name: 'test-meter', version: '2.0.0', schemaUrl: undefined, attributes: [] },
        metrics: [
          {
            name: 'big',
            description: 'a sum',
            unit: '{item}',
            data: { tag: 'u64-sum', val: { dataPoints: [{ attributes: [{ key: 'k', value: '"v"' }], value: { tag: 'u64', val: BIG }, exemplars: [exemplar({ tag: 'u64', val: BIG - 1n })] }], startTime: time(0), time: time(10), temporality: 'delta', isMonotonic: true } },
          },
          {
            name: 'negative',
            description: '',
            unit: '',
            data: { tag: 's64-gauge', val: { dataPoints: [{ attributes: [], value: { tag: 's64', val: NEGATIVE }, exemplars: [exemplar({ tag: 's64', val: -7n })] }], startTime: undefined, time: time(10, 5) } },
          },
          {
            name: 'sizes',
            description: 'an exponential histogram',
            unit: 'By',
            data: {
              tag: 'f64-exponential-histogram',
              val: {
                dataPoints: [
                  {
                    attributes: [],
                    count: 9n,
                    min: { tag: 'f64', val: -3 },
                    max: { tag: 'f64', val: 9 },
                    sum: { tag: 'f64', val: 20.5 },
                    scale: 3,
                    zeroCount: 2n,
                    positiveBucket: { offset: -2, counts: new BigUint64Array([1n, 0n, 4n]) },
                    negativeBucket: { offset: 5, counts: new BigUint64Array([2n]) },
                    zeroThreshold: 0.25,
                    exemplars: [exemplar({ tag: 'f64', val: 9 })],
                  },
                ],
                startTime: time(0),
                time: time(10),
                temporality: 'cumulative',
              },
            },
          },
        ],
      },
    ],
  };
  const base = { resource: { 'service.name': 'metrics-guest' }, resourceSchemaUrl: '', scope: { name: 'test-meter', version: '2.0.0', attributes: {} }, scopeSchemaUrl: '' };
  const EXPECTED: OtlpMetric[] = [
    {
      ...base,
      name: 'big',
      description: 'a sum',
      unit: '{item}',
      type: 'sum',
      temporality: 1,
      isMonotonic: true,
      points: [{ attributes: { k: 'v' }, startTimeUnixNano: ns(0), timeUnixNano: ns(10), value: { asInt: BIG }, exemplars: [otlpExemplar({ asInt: BIG - 1n })] }],
    },
    { ...base, name: 'negative', description: '', unit: '', type: 'gauge', points: [{ attributes: {}, startTimeUnixNano: 0n, timeUnixNano: ns(10, 5), value: { asInt: NEGATIVE }, exemplars: [otlpExemplar({ asInt: -7n })] }] },
    {
      ...base,
      name: 'sizes',
      description: 'an exponential histogram',
      unit: 'By',
      type: 'exponentialHistogram',
      temporality: 2,
      points: [
        {
          attributes: {},
          startTimeUnixNano: ns(0),
          timeUnixNano: ns(10),
          count: 9n,
          sum: 20.5,
          min: -3,
          max: 9,
          scale: 3,
          zeroCount: 2n,
          zeroThreshold: 0.25,
          positive: { offset: -2, bucketCounts: [1n, 0n, 4n] },
          negative: { offset: 5, bucketCounts: [2n] },
          exemplars: [otlpExemplar({ asDouble: 9 })],
        },
      ],
    },
  ];

  it('guest metrics keep exemplars, exact 64-bit integers, zero thresholds and absent start times, exactly as over HTTP', async () => {
    await (await forwarder.instantiate()).call('export-metrics', batch);
    await flush();
    expect(await waitForMetrics(grpc, 3)).toEqual(EXPECTED);
    const viaGrpc = grpc.requests.filter((r) => r.signal === 'metrics');
    expect(viaGrpc.map((r) => r.path)).toEqual([OTLP_GRPC_METHODS.metrics]);
    // The same batch over OTLP/HTTP protobuf: the same request, byte for byte.
    const overHttp = hostFor(http);
    await (await (await overHttp.host.load(component('forwarder-rc.2.wasm'))).instantiate()).call('export-metrics', batch);
    await overHttp.flush();
    expect(await waitForMetrics(http, 3)).toEqual(EXPECTED);
    const viaHttp = http.requests.filter((r) => r.signal === 'metrics');
    expect(Buffer.from(viaGrpc[0]!.body).equals(Buffer.from(viaHttp[0]!.body))).toBe(true);
  });
});
