import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { OtlpSpanKind, startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { expectScenario, expectScenarioTelemetry } from './support/scenarios.js';
import { receivedLogs, receivedMetrics, waitForLogs, waitForMetrics } from './support/otlp-signals.js';
import { byName } from './support/span-tree.js';
import { exportSettingsFromEnv } from '../src/telemetry/export-settings.js';
import { ProblemCounter } from '../src/engine/index.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const scenarios = component('scenarios.wasm');
const invoke = (name: string) => ['run', scenarios, '--invoke', name];
/** Output 96 columns wide, whatever the test's own COLUMNS: waterfall bars of 24 cells, 27 columns before the tree. */
const COLUMNS_96 = { COLUMNS: '96' };
const NO_BAR = ' '.repeat(27);

describe('default console tree (no endpoint)', () => {
  it('prints the trace as an indented tree on stderr, the log under its span, then the metrics', async () => {
    const result = await runCli(['run', scenarios], COLUMNS_96);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^trace [0-9a-f]{32}$/);
    // Each span after its waterfall bar (the host span's fills the column; inner's marks its event), other lines after blanks.
    expect(lines[1]).toMatch(/^\|={24}\| └─ scenarios\.wasm {2}internal {2}[\d.]+(ms|us) {2}OK$/);
    expect(lines[2]).toMatch(/^\|[ =]{24}\| {4}├─ outer {2}internal {2}[\d.]+(ms|us) {2}OK$/);
    expect(lines[3]).toBe(`${NO_BAR}   │  │ level=1 demo="nested-spans"`);
    expect(lines[4]).toMatch(/^\|[ =]{24}\| {4}│  └─ middle {2}internal {2}[\d.]+(ms|us)$/);
    expect(lines[5]).toBe(`${NO_BAR}   │     │ level=2`);
    expect(lines[6]).toMatch(/^\|(?=[ =]*\*)[ =*]{24}\| {4}│     └─ inner {2}internal {2}[\d.]+(ms|us)$/);
    expect(lines[7]).toBe(`${NO_BAR}   │          level=3 work.items=3`);
    expect(lines[8]).toMatch(/^ {27} {3}│ {10}event "work-done" at \+[\d.]+(ms|us) {2}result="success"$/);
    expect(lines[9]).toMatch(/^\|[ =]{24}\| {4}└─ checkout {2}internal {2}[\d.]+(ms|us)$/);
    // The guest's fixed 2023 timestamp, with how far it lies from the span (now).
    expect(lines[10]).toMatch(/^ {35}log INFO "order placed" at 2023-11-14T22:13:25\.000Z \(\d+\.\d\d years before its span\) {2}order\.id="A-1001" items=3$/);
    expect(lines.slice(11)).toEqual([
      'metrics',
      '   resource service.name="scenarios-guest"',
      '      scope scenarios-meter 1.0.0',
      '         requests {request}  sum cumulative monotonic',
      '            route="/checkout"  = 10',
      '         queue.depth {item}  sum cumulative',
      '            queue="orders"  = -5',
      '         request.duration ms  histogram cumulative',
      '            route="/checkout"  count=2 sum=33 min=10 max=23  buckets (5,10]:1 (10,25]:1',
      '         temperature Cel  gauge',
      '            room="lab"  = 15',
    ]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('shows kinds, statuses, events, links, trace state and bytes', async () => {
    const kinds = await runCli(invoke('span-kinds'));
    for (const kind of ['client', 'server', 'producer', 'consumer', 'internal']) {
      expect(kinds.stderr).toMatch(new RegExp(`[├└]─ ${kind} {2}${kind} {2}`));
    }
    const statuses = await runCli(invoke('statuses'));
    expect(statuses.stderr).toMatch(/├─ ok-span {2}internal {2}[\d.]+(ms|us) {2}OK\n/);
    expect(statuses.stderr).toMatch(/├─ error-span {2}internal {2}[\d.]+(ms|us) {2}ERROR "boom"\n/);
    const events = await runCli(invoke('events'), COLUMNS_96);
    expect(events.stderr).toMatch(/\n {35}event "second" at 2023-11-14T22:13:20\.123Z \(\d+\.\d\d years before its span\) {2}index=2 explicit=true\n/);
    const links = await runCli(invoke('links'));
    expect(links.stderr).toContain('link 0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331  link.reason="retry"');
    const state = await runCli(invoke('trace-state'));
    expect(state.stderr).toContain('tracestate vendor=value1,other=v2');
    const attrs = await runCli(invoke('attributes'));
    expect(attrs.stderr).toContain('attr.bytes=data:application/octet-stream;base64,AQID/w==');
  });

  it('OTEL_TRACES_EXPORTER=console prints the tree even with an endpoint set', async () => {
    const result = await runCli(invoke('statuses'), { OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.stderr).toContain('ERROR "boom"');
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('OTLP and the standard variables', () => {
  it('OTEL_EXPORTER_OTLP_PROTOCOL=http/json sends OTLP/JSON', async () => {
    const result = await runCli(invoke('attributes'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(result.code).toBe(0);
    expectScenario('attributes', await receiver.waitForSpans(2));
    expect(receiver.requests.map((r) => [r.path, r.encoding])).toEqual([['/v1/traces', 'json']]);
  });

  it('the per-signal protocol and endpoint win over the general ones', async () => {
    const result = await runCli(invoke('links'), {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/nothing-here',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    });
    expect(result.code).toBe(0);
    expectScenario('links', await receiver.waitForSpans(2));
    expect(receiver.requests.map((r) => r.encoding)).toEqual(['json']);
  });

  it('OTEL_TRACES_EXPORTER=otlp with only a traces endpoint', async () => {
    const result = await runCli(invoke('statuses'), { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces` });
    expect(result.code).toBe(0);
    expectScenario('statuses', await receiver.waitForSpans(4));
  });

  it('OTEL_TRACES_EXPORTER=none exports and prints nothing', async () => {
    const result = await runCli(invoke('statuses'), { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(receiver.requests).toHaveLength(0);
  });

  it('OTEL_SDK_DISABLED=true runs the guest with no telemetry', async () => {
    const result = await runCli(invoke('nested-spans'), { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(receiver.requests).toHaveLength(0);
  });

  it('OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES set the resource of host and guest spans', async () => {
    await runCli(invoke('nested-spans'), {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging,team=wasm',
    });
    const spans = await receiver.waitForSpans(4);
    for (const span of spans) {
      expect(span.resource['service.name']).toBe('checkout');
      expect(span.resource['deployment.environment.name']).toBe('staging');
      expect(span.resource.team).toBe('wasm');
      expect(span.resource['telemetry.sdk.language']).toBe('nodejs');
    }
  });

  it('OTEL_TRACES_SAMPLER=always_off: host span not sampled, so neither are guest children; nothing exported', async () => {
    const result = await runCli(invoke('nested-spans'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_TRACES_SAMPLER: 'always_off' });
    expect(result.code).toBe(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('a guest root span (new trace) is decided by the host sampler: traceidratio 0 drops it, 1 keeps it', async () => {
    await runCli(invoke('new-root'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    expect(receiver.spans()).toHaveLength(0);
    await runCli(invoke('new-root'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' });
    const spans = await receiver.waitForSpans(2);
    expect(spans.map((s) => s.name).sort()).toEqual(['new-root', 'scenarios.wasm']);
  });

  it('OTEL_BSP_MAX_EXPORT_BATCH_SIZE=1 sends one span per request', async () => {
    await runCli(invoke('span-kinds'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1' });
    await receiver.waitForSpans(6);
    expect(receiver.requests).toHaveLength(6);
    const kinds = receiver.spans().map((s) => s.kind).sort();
    expect(kinds).toEqual([OtlpSpanKind.INTERNAL, OtlpSpanKind.INTERNAL, OtlpSpanKind.SERVER, OtlpSpanKind.CLIENT, OtlpSpanKind.PRODUCER, OtlpSpanKind.CONSUMER].sort());
  });

  it('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT applies to guest spans', async () => {
    await runCli(invoke('attributes'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '3' });
    const span = (await receiver.waitForSpans(2)).find((s) => s.name === 'attributes')!;
    expect(span.attributes).toEqual({ k: 'second', 'attr.string': 'hello', 'attr.bool': true });
    expect(span.droppedAttributesCount).toBe(7);
  });

  it('invalid variable values get a clear message and are ignored', async () => {
    const result = await runCli(invoke('statuses'), {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_TRACES_EXPORTER: 'zipkin,otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('wasm-otel: invalid_config: OTEL_TRACES_EXPORTER value "zipkin" is not supported (use otlp, console or none); ignored');
    expect(result.stderr).toContain('wasm-otel: invalid_config: OTEL_EXPORTER_OTLP_PROTOCOL value "thrift" is not supported (use http/protobuf, http/json or grpc); using http/protobuf');
    expectScenario('statuses', await receiver.waitForSpans(4));
    expect(receiver.requests.map((r) => r.encoding)).toEqual(['protobuf']);
  });
});

describe('transpile cache', () => {
  it('a second run uses the cached transpiled component', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'wasm-otel-cache-'));
    const env = { WASM_OTEL_CACHE_DIR: cache, OTEL_TRACES_EXPORTER: 'none', OTEL_LOG_LEVEL: 'debug' };
    const first = await runCli(['run', component('trap.wasm'), '--invoke', 'run'], env);
    expect(first.stderr).toContain('wasm-otel: transpiled trap.wasm');
    // One entry (beside files/, the index by file identity).
    const entries = readdirSync(cache).filter((name) => name !== 'files');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^[0-9a-f]{64}-[0-9a-f]{16}$/);
    const second = await runCli(['run', component('trap.wasm'), '--invoke', 'run'], env);
    expect(second.stderr).toContain('wasm-otel: using cached transpile of trap.wasm');
    expect(second.stderr).not.toContain('wasm-otel: transpiled trap.wasm');
    expect(readdirSync(cache).filter((name) => name !== 'files')).toEqual(entries);
    rmSync(cache, { recursive: true, force: true });
  });
});

describe('metrics and logs: exporters, endpoints and protocols per signal', () => {
  it('an endpoint sends all three signals over OTLP; OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER=none turn one off', async () => {
    const result = await runCli(invoke('metrics-and-logs'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_METRICS_EXPORTER: 'none' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    await receiver.waitForSpans(2);
    await waitForLogs(receiver, 1);
    expect(receivedMetrics(receiver)).toEqual([]);
    const none = await runCli(invoke('metrics-and-logs'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_LOGS_EXPORTER: 'none' });
    expect(none.code).toBe(0);
    await waitForMetrics(receiver, 4);
    expect(receivedLogs(receiver)).toHaveLength(1);
  });

  it('per-signal endpoint: only metrics go over OTLP, spans and the log are printed', async () => {
    const result = await runCli(invoke('metrics-and-logs'), { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.endpoint}/v1/metrics`, ...COLUMNS_96 });
    expect(result.code).toBe(0);
    expect((await waitForMetrics(receiver, 4)).map((m) => m.name)).toEqual(['requests', 'queue.depth', 'request.duration', 'temperature']);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/v1/metrics']);
    expect(result.stderr).toMatch(/└─ checkout {2}internal .*\n {35}log INFO "order placed" /);
    expect(result.stderr).not.toContain('\nmetrics\n');
  });

  it('per-signal protocol: metrics and logs as OTLP/JSON, spans as protobuf', async () => {
    const result = await runCli(invoke('metrics-and-logs'), {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json',
    });
    expect(result.code).toBe(0);
    const spans = await receiver.waitForSpans(2);
    expectScenarioTelemetry(await waitForLogs(receiver, 1), await waitForMetrics(receiver, 4), byName(spans, 'checkout'));
    expect(Object.fromEntries(receiver.requests.map((r) => [r.signal, r.encoding]))).toEqual({ traces: 'protobuf', metrics: 'json', logs: 'json' });
  });

  it('OTEL_LOGS_EXPORTER=console prints the log under its span while spans go over OTLP', async () => {
    const result = await runCli(invoke('metrics-and-logs'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_LOGS_EXPORTER: 'console' });
    expect(result.code).toBe(0);
    // The span is not in the console report, so the log is listed on its own with its ids.
    expect(result.stderr).toMatch(/^logs \(their spans are not in this report\)\n {3}log INFO "order placed" at 2023-11-14T22:13:25\.000Z \(\d+\.\d\d years before the run\) {2}order\.id="A-1001" items=3 {2}\(trace [0-9a-f]{32} span a000000000000001\)\n$/);
    await receiver.waitForSpans(2);
    expect(receivedLogs(receiver)).toEqual([]);
  });

  it('OTEL_LOGRECORD_ATTRIBUTE_*_LIMIT apply to guest log records', async () => {
    const result = await runCli(invoke('metrics-and-logs'), {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: '1',
      OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: '2',
    });
    expect(result.code).toBe(0);
    const [log] = await waitForLogs(receiver, 1);
    expect([log!.attributes, log!.droppedAttributesCount]).toEqual([{ 'order.id': 'A-' }, 1]);
    expect(result.stderr).toBe(
      'wasm-otel: attributes_dropped: log record: 1 attributes over the count limit dropped\n' +
        'wasm-otel: attribute_value_truncated: log record: 1 attribute values cut to the length limit\n',
    );
  });

  it('OTEL_BSP_*, OTEL_BLRP_* and OTEL_METRIC_EXPORT_* are read once and checked: bad values reported, the defaults used', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { OTEL_BLRP_SCHEDULE_DELAY: '250', OTEL_BLRP_EXPORT_TIMEOUT: '5000', OTEL_BLRP_MAX_QUEUE_SIZE: '64', OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '8' });
      Object.assign(process.env, { OTEL_BSP_MAX_QUEUE_SIZE: '0', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4096', OTEL_BSP_SCHEDULE_DELAY: '-5', OTEL_BSP_EXPORT_TIMEOUT: 'abc' });
      Object.assign(process.env, { OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_METRIC_EXPORT_TIMEOUT: '5000' });
      const problems = new ProblemCounter();
      expect(exportSettingsFromEnv(problems)).toEqual({
        spans: { maxQueueSize: 2048, maxExportBatchSize: 2048, scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000 },
        logs: { maxQueueSize: 64, maxExportBatchSize: 8, scheduledDelayMillis: 250, exportTimeoutMillis: 5000 },
        metrics: { exportIntervalMillis: 1000, exportTimeoutMillis: 1000 },
      });
      expect(problems.snapshot()).toEqual({ invalid_config: 4 });
      delete process.env.OTEL_BLRP_MAX_EXPORT_BATCH_SIZE;
      process.env.OTEL_BLRP_MAX_QUEUE_SIZE = '100';
      expect(exportSettingsFromEnv(new ProblemCounter()).logs).toEqual({ maxQueueSize: 100, maxExportBatchSize: 100, scheduledDelayMillis: 250, exportTimeoutMillis: 5000 });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('OTEL_BSP_MAX_EXPORT_BATCH_SIZE=0 (the SDK looped forever) and OTEL_BSP_MAX_QUEUE_SIZE=0 (it dropped every span): one line each, the defaults used, every span delivered', async () => {
    for (const [variable, line] of [
      ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'wasm-otel: invalid_config: OTEL_BSP_MAX_EXPORT_BATCH_SIZE="0" is not a whole number >= 1; using 512'],
      ['OTEL_BSP_MAX_QUEUE_SIZE', 'wasm-otel: invalid_config: OTEL_BSP_MAX_QUEUE_SIZE="0" is not a whole number >= 1; using 2048'],
    ] as const) {
      receiver.reset();
      const result = await runCli(invoke('nested-spans'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, [variable]: '0' });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(`${line}\n`);
      expectScenario('nested-spans', await receiver.waitForSpans(4));
    }
  });

  it('unknown exporter names for metrics and logs are reported and ignored', async () => {
    const result = await runCli(invoke('metrics-and-logs'), { OTEL_METRICS_EXPORTER: 'prometheus', OTEL_LOGS_EXPORTER: 'syslog', OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('wasm-otel: invalid_config: OTEL_METRICS_EXPORTER value "prometheus" is not supported (use otlp, console or none); ignored');
    expect(result.stderr).toContain('wasm-otel: invalid_config: OTEL_LOGS_EXPORTER value "syslog" is not supported (use otlp, console or none); ignored');
    expect(result.stderr).toContain('logs (their spans are not in this report)\n');
    expect(result.stderr).toContain('         requests {request}  sum cumulative monotonic');
  });
});
