import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { WasmOtelError, createHost } from '../src/index.js';
import { runCli } from './support/cli.js';
import { hostFor } from './support/library-host.js';
import { OtlpSpanKind, OtlpStatusCode, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { waitForLogs, waitForMetrics, type OtlpLog, type OtlpMetric } from './support/otlp-signals.js';
import { component } from './support/paths.js';
import { byName, tree } from './support/span-tree.js';

const API = 'dylibso:observe/api';
const INSTRUMENT = 'dylibso:observe/instrument';

let receiver: OtlpReceiver;
let scratch: string;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-core-'));
  writeFileSync(join(scratch, 'f.txt'), 'first line from the sandbox\nsecond line\n');
});
afterAll(async () => {
  await receiver.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => receiver.reset());

/** The one span of the host around the call. */
function hostSpan(spans: OtlpSpan[], name: string): OtlpSpan {
  const host = byName(spans, name);
  expect(host.parentSpanId).toBe('');
  expect(host.scope.name).toBe('wasm-otel');
  return host;
}

/** Every span lies within its parent's time and shares the host span's trace. */
function expectNestedInTime(spans: OtlpSpan[], host: OtlpSpan): void {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (const span of spans) {
    expect(span.traceId).toBe(host.traceId);
    expect(span.endTimeUnixNano).toBeGreaterThanOrEqual(span.startTimeUnixNano);
    const parent = byId.get(span.parentSpanId);
    if (!parent) continue;
    expect(span.startTimeUnixNano).toBeGreaterThanOrEqual(parent.startTimeUnixNano);
    expect(span.endTimeUnixNano).toBeLessThanOrEqual(parent.endTimeUnixNano);
  }
}

const metricNamed = (metrics: OtlpMetric[], name: string): OtlpMetric => {
  const found = metrics.filter((m) => m.name === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

const logWithBody = (logs: OtlpLog[], body: string): OtlpLog => {
  const found = logs.filter((l) => l.body === body);
  expect(found, body).toHaveLength(1);
  return found[0]!;
};

/** What observe-manual.wasm exports when run with GREETING and args [x, /sandbox/f.txt, 5]. */
async function expectObserveManual(component: string): Promise<void> {
  const spans = await receiver.waitForSpans(3);
  expect(spans).toHaveLength(3);
  const host = hostSpan(spans, component);
  expect(host.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'guest exited with code 5' });
  expect(host.attributes['process.exit.code']).toBe(5n);
  expect(tree(spans)).toEqual([{ name: component, children: [{ name: 'handle-request', children: [{ name: 'db-query', children: [] }] }] }]);
  const request = byName(spans, 'handle-request');
  const query = byName(spans, 'db-query');
  expect(request.parentSpanId).toBe(host.spanId);
  expect(query.parentSpanId).toBe(request.spanId);
  for (const span of [request, query]) {
    expect(span.scope.name).toBe(API);
    expect(span.kind).toBe(OtlpSpanKind.INTERNAL);
    expect(span.status).toEqual({ code: OtlpStatusCode.UNSET, message: '' });
  }
  expect(request.attributes).toEqual({ 'http.method': 'GET', 'user.id': '42', cached: '' });
  expect(query.attributes).toEqual({ 'db.system': 'sqlite', 'db.rows': '3' });
  expectNestedInTime(spans, host);

  const logs = await waitForLogs(receiver, 7);
  expect(logs).toHaveLength(7);
  const expected: [string, number, string, OtlpSpan][] = [
    ['handling request', 9, 'INFO', request],
    ['query failed once', 17, 'ERROR', query],
    ['retrying', 13, 'WARN', query],
    ['debug detail', 5, 'DEBUG', request],
    ['trace detail', 1, 'TRACE', request],
    ['hello from the host', 9, 'INFO', request],
    ['first line from the sandbox', 9, 'INFO', request],
  ];
  expect(logs.map((l) => l.body)).toEqual(expected.map(([body]) => body));
  for (const [body, number, text, span] of expected) {
    const log = logWithBody(logs, body);
    expect([log.severityNumber, log.severityText]).toEqual([number, text]);
    expect([log.traceId, log.spanId]).toEqual([span.traceId, span.spanId]);
    expect(log.scope.name).toBe(API);
    // Stamped with the host's clock when the guest logged, on the spans' time line.
    expect(log.timeUnixNano).toBeGreaterThanOrEqual(span.startTimeUnixNano);
    expect(log.timeUnixNano).toBeLessThanOrEqual(span.endTimeUnixNano);
  }

  const metrics = await waitForMetrics(receiver, 6);
  expect(metrics.map((m) => m.name).sort()).toEqual(['payload.size', 'queue.depth', 'request.latency', 'requests.count', 'requests.sampled', 'users.unique']);
  for (const metric of metrics) expect(metric.scope.name).toBe(API);
  const count = metricNamed(metrics, 'requests.count');
  expect([count.type, count.isMonotonic, count.temporality]).toEqual(['sum', true, 2]);
  expect(count.points.map((p) => [p.attributes, p.value])).toEqual([[{ route: '/home', method: 'GET' }, { asDouble: 1 }]]);
  // `@0.5`: one line stands for two events.
  expect(metricNamed(metrics, 'requests.sampled').points.map((p) => p.value)).toEqual([{ asDouble: 2 }]);
  // 7, then +3.
  const depth = metricNamed(metrics, 'queue.depth');
  expect(depth.type).toBe('gauge');
  expect(depth.points.map((p) => p.value)).toEqual([{ asDouble: 10 }]);
  const latency = metricNamed(metrics, 'request.latency');
  expect([latency.type, latency.unit]).toEqual(['histogram', 'ms']);
  expect(latency.points.map((p) => [p.attributes, p.count, p.sum, p.min, p.max])).toEqual([[{ route: '/home' }, 1n, 12.5, 12.5, 12.5]]);
  const size = metricNamed(metrics, 'payload.size');
  expect([size.type, size.unit]).toEqual(['histogram', '']);
  expect(size.points.map((p) => [p.count, p.sum])).toEqual([[1n, 512]]);
  // alice, bob, alice: two distinct members.
  expect(metricNamed(metrics, 'users.unique').points.map((p) => p.value)).toEqual([{ asDouble: 2 }]);
}

describe('core modules: the Observe API (dylibso:observe/api)', () => {
  it('manual spans with tags, statsd metrics and logs, with args, env and a preopened dir (library)', async () => {
    const { host, flush } = hostFor(receiver);
    const module = await host.loadModule(component('observe-manual.wasm'));
    expect(module.observe).toMatchObject({ api: true, instrument: false, legacy: false });
    const instance = await module.instantiate({ args: ['observe-manual.wasm', 'x', '/sandbox/f.txt', '5'], env: { GREETING: 'hello from the host' }, preopens: { '/sandbox': scratch } });
    expect(instance.kind).toBe('command');
    expect(await instance.run()).toBe(5);
    await flush();
    await expectObserveManual('observe-manual.wasm');
    expect(host.problems()).toEqual({});
  });

  it('--trace-imports: each WASI call is a span under the innermost open span, named <module>#<function>; the Observe API is not traced', async () => {
    const result = await runCli(['run', component('proc-exit.wasm'), '--trace-imports'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.code).toBe(3);
    const spans = await receiver.waitForSpans(4);
    expect(spans).toHaveLength(4);
    const host = hostSpan(spans, 'proc-exit.wasm');
    const inner = byName(spans, 'inner-work');
    expect(byName(spans, 'outer-work').parentSpanId).toBe(host.spanId);
    const exit = byName(spans, 'wasi_snapshot_preview1#proc_exit');
    expect(exit.parentSpanId).toBe(inner.spanId);
    expect(exit.scope.name).toBe('wasm-otel/imports');
    // The exit is the run's end (said on the host span), not a failed call.
    expect(exit.status.code).toBe(OtlpStatusCode.UNSET);
    expect(host.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'guest exited with code 3' });
  });

  it('the same through the CLI: --dir, --env and guest args; exit code and stdout are the guest\'s', async () => {
    const result = await runCli(
      ['run', component('observe-manual.wasm'), '--dir', `${scratch}::/sandbox`, '--env', 'GREETING=hello from the host', '--', 'x', '/sandbox/f.txt', '5'],
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('done x\n');
    expect(result.code).toBe(5);
    await expectObserveManual('observe-manual.wasm');
  });

  it('CLI: --env NAME passes the host\'s value; a host directory preopened at its own path', async () => {
    const result = await runCli(['run', component('observe-manual.wasm'), '--env', 'GREETING', '--dir', scratch, '--', 'y', join(scratch, 'f.txt')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      GREETING: 'from the host environment',
    });
    expect([result.code, result.stdout, result.stderr]).toEqual([0, 'done y\n', '']);
    const logs = await waitForLogs(receiver, 7);
    expect(logs.slice(5).map((l) => l.body)).toEqual(['from the host environment', 'first line from the sandbox']);
  });

  it('a reactor: _initialize once, then each call of an export in its own host span (library)', async () => {
    const { host, flush } = hostFor(receiver);
    const instance = await (await host.loadModule(component('reactor.wasm'))).instantiate();
    expect(instance.kind).toBe('reactor');
    expect(await instance.call('work')).toBe(101);
    expect(await instance.invoke('work', [], { spanName: 'second call' })).toBe(102);
    // The wasm parameter count is checked: an old-style array argument is refused, nothing runs.
    const refused = await instance.invoke('work', [[1]]).catch((e: unknown) => e);
    expect([(refused as WasmOtelError).code, (refused as WasmOtelError).message]).toEqual(['invalid_arguments', 'reactor.wasm: work takes no arguments, got 1']);
    await flush();
    const spans = await receiver.waitForSpans(4);
    expect(spans).toHaveLength(4);
    const first = hostSpan(spans, 'reactor.wasm');
    const second = hostSpan(spans, 'second call');
    const works = spans.filter((s) => s.name === 'reactor-work');
    expect(works.map((s) => [s.parentSpanId, s.traceId, s.attributes])).toEqual([
      [first.spanId, first.traceId, { calls: '101' }],
      [second.spanId, second.traceId, { calls: '102' }],
    ]);
    const metrics = await waitForMetrics(receiver, 1);
    expect(metricNamed(metrics, 'reactor.calls').points.map((p) => p.value)).toEqual([{ asDouble: 2 }]);
  });

  it('a reactor through the CLI: --invoke work; without --invoke a one-line reason', async () => {
    const invoked = await runCli(['run', component('reactor.wasm'), '--invoke', 'work'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect([invoked.code, invoked.stderr]).toEqual([0, '']);
    const spans = await receiver.waitForSpans(2);
    expect(tree(spans)).toEqual([{ name: 'reactor.wasm', children: [{ name: 'reactor-work', children: [] }] }]);
    expect(byName(spans, 'reactor-work').attributes).toEqual({ calls: '101' });

    const refused = await runCli(['run', component('reactor.wasm')], { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('wasm-otel: reactor.wasm is not a WASI command (no _start export); use --invoke with one of: work\n');
  });

  it('--invoke _initialize on a reactor runs it once (hello-reactor traps on a second run, like wasi-libc)', async () => {
    const result = await runCli(['run', component('hello-reactor.wasm'), '--invoke', '_initialize', '--min-span-us', '0'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect([result.code, result.stdout, result.stderr]).toEqual([0, '', '']);
    const spans = await receiver.waitForSpans(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tree(receiver.spans())).toEqual([{ name: 'hello-reactor.wasm', children: [{ name: '_initialize', children: [{ name: '__wasm_call_ctors', children: [] }] }] }]);
    expect(hostSpan(spans, 'hello-reactor.wasm').status).toEqual({ code: OtlpStatusCode.OK, message: '' });
  });

  it('--invoke <export> on a WASI command: WASI is set up and the export runs without _start, as wasmtime does', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
    const greet = await runCli(['run', component('command-exports.wasm'), '--invoke', 'greet', '--env', 'GREETING=hi'], env);
    expect([greet.code, greet.stdout, greet.stderr]).toEqual([0, 'greet hi\n42\n', '']);
    const spans = await receiver.waitForSpans(2);
    expect(tree(spans)).toEqual([{ name: 'command-exports.wasm', children: [{ name: 'greet', children: [] }] }]);
    expect(byName(spans, 'greet').attributes).toEqual({ greeting: 'hi' });
    expect(hostSpan(spans, 'command-exports.wasm').status).toEqual({ code: OtlpStatusCode.OK, message: '' });
    expect((await waitForLogs(receiver, 1)).map((l) => [l.body, l.spanId])).toEqual([['greeting hi', byName(spans, 'greet').spanId]]);

    // --invoke _start is the command's own run, with its arguments.
    receiver.reset();
    const start = await runCli(['run', component('command-exports.wasm'), '--invoke', '_start', '--', 'a', 'b'], env);
    expect([start.code, start.stdout, start.stderr]).toEqual([0, 'main 3\n', '']);
    const started = await receiver.waitForSpans(2);
    expect(tree(started)).toEqual([{ name: 'command-exports.wasm', children: [{ name: 'main', children: [] }] }]);
    expect(byName(started, 'main').attributes).toEqual({ argc: '3' });
  });

  it('WASI for a plain module (neither _start nor _initialize), and a one-line reason when WASI cannot run a module', async () => {
    const FD_WRITE = '(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))';
    const plain = join(scratch, 'plain.wasm');
    writeFileSync(
      plain,
      await parse(`(module ${FD_WRITE} (memory (export "memory") 1) (data (i32.const 0) "\\10\\00\\00\\00\\03\\00\\00\\00") (data (i32.const 16) "ok\\n")
        (func (export "work") (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`),
    );
    const off = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
    expect(await runCli(['run', plain, '--invoke', 'work'], off)).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });

    const hidden = join(scratch, 'no-memory.wasm');
    writeFileSync(hidden, await parse(`(module ${FD_WRITE} (memory 1) (func (export "_start")))`));
    expect(await runCli(['run', hidden], off)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'wasm-otel: no-memory.wasm imports WASI (wasi_snapshot_preview1) but exports no memory named "memory", which WASI needs to run it\n',
    });
  });

  it('library: _initialize and _start run once per instance; a command\'s other export runs with WASI set up', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 0 });
    const reactor = await (await host.loadModule(component('hello-reactor.wasm'))).instantiate();
    expect(await reactor.call('_initialize')).toBeUndefined();
    expect(await reactor.call('grow')).toBeUndefined();
    const again = await reactor.call('_initialize').catch((error: unknown) => error);
    expect(again).toBeInstanceOf(WasmOtelError);
    expect([(again as WasmOtelError).code, (again as WasmOtelError).message]).toEqual([
      'already_started',
      'hello-reactor.wasm: _initialize already ran in this instance (a reactor is initialized once, before its first call)',
    ]);
    const command = await (await host.loadModule(component('command-exports.wasm'))).instantiate({ env: { GREETING: 'library' } });
    expect(command.kind).toBe('command');
    expect(await command.call('greet')).toBe(42);
    expect(await command.run()).toBe(0);
    const twice = await command.run().catch((error: unknown) => error);
    expect([(twice as WasmOtelError).code, (twice as WasmOtelError).message]).toEqual([
      'already_started',
      'command-exports.wasm: _start already ran in this instance (a WASI command runs once; instantiate it again)',
    ]);
    await flush();
    const spans = await receiver.waitForSpans(10);
    expect(tree(spans).map((t) => [t.name, t.children.map((c) => c.name)])).toEqual([
      ['hello-reactor.wasm', ['_initialize']],
      ['hello-reactor.wasm', ['grow']],
      ['command-exports.wasm', ['greet']],
      ['command-exports.wasm', ['main']],
    ]);
    expect(byName(spans, 'greet').attributes).toEqual({ greeting: 'library' });
    expect((await waitForLogs(receiver, 1)).map((l) => [l.body, l.spanId])).toEqual([['greeting library', byName(spans, 'greet').spanId]]);
    expect(host.problems()).toEqual({});
  });

  it('bad input: out-of-memory pointers, invalid UTF-8, unknown formats and levels are counted, never thrown', async () => {
    const { host, flush } = hostFor(receiver);
    const instance = await (await host.loadModule(component('bad-input-core.wasm'))).instantiate();
    expect(await instance.run()).toBe(0);
    await flush();
    expect(host.problems()).toEqual({
      invalid_memory_access: 2,
      invalid_utf8: 1,
      invalid_metric: 4,
      invalid_severity: 1,
      // the first "unnamed span", still open at the exit
      open_spans_closed: 1,
    });
    const spans = await receiver.waitForSpans(4);
    expect(spans).toHaveLength(4);
    // A span-enter whose name cannot be read still opens a span (so that its span-exit pairs up).
    expect(tree(spans)).toEqual([
      {
        name: 'bad-input-core.wasm',
        children: [{ name: 'unnamed span', children: [{ name: 'unnamed span', children: [] }, { name: 'still-fine', children: [] }] }],
      },
    ]);
    const [outer, inner] = spans.filter((s) => s.name === 'unnamed span').sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));
    expect(outer!.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited' });
    expect(outer!.attributes).toEqual({ 'wasm_otel.span.close_reason': 'exit' });
    expect(inner!.attributes).toEqual({ orphan: 'tag' });
    expect(byName(spans, 'still-fine').attributes).toEqual({ ok: 'yes' });
    const logs = await waitForLogs(receiver, 2);
    expect(logs.map((l) => [l.body, l.severityNumber, l.severityText, l.spanId])).toEqual([
      ['odd level', 0, '', inner!.spanId],
      ['after bad input', 9, 'INFO', byName(spans, 'still-fine').spanId],
    ]);
  });

  it('a span-enter refused at the open-span limit: its span-exit does not end the span around it', async () => {
    const { host, flush } = hostFor(receiver, { limits: { maxOpenSpans: 1 } });
    const instance = await (await host.loadModule(component('observe-manual.wasm'))).instantiate();
    expect(await instance.run()).toBe(0);
    await flush();
    expect(host.problems()).toEqual({ too_many_open_spans: 1 });
    const spans = await receiver.waitForSpans(2);
    expect(tree(spans)).toEqual([{ name: 'observe-manual.wasm', children: [{ name: 'handle-request', children: [] }] }]);
    // db-query's tags land on the span that is open; handle-request is ended by its own span-exit.
    const request = byName(spans, 'handle-request');
    expect(request.attributes).toEqual({ 'http.method': 'GET', 'user.id': '42', cached: '', 'db.system': 'sqlite', 'db.rows': '3' });
    expect(request.status.code).toBe(OtlpStatusCode.UNSET);
  });

  it('Observe imports with another name or signature are refused at load with the reason', async () => {
    const { host } = hostFor(receiver);
    const cases: [string, string][] = [
      [
        '(import "dylibso:observe/api" "span-enter" (func (param i64 i32)))',
        'bad.wasm imports dylibso:observe/api span-enter(i64, i32), but dylibso:observe/api span-enter is (i32, i32) -> ()',
      ],
      [
        '(import "dylibso:observe/api" "span-begin" (func (param i32 i32)))',
        'bad.wasm imports dylibso:observe/api span-begin(i32, i32), which dylibso:observe/api does not have (it has: span-enter, span-exit, span-tags, metric, log)',
      ],
      [
        '(import "dylibso:observe/instrument" "enter" (func (param i32) (result i32)))',
        'bad.wasm imports dylibso:observe/instrument enter(i32) -> i32, but dylibso:observe/instrument enter is (i32) -> ()',
      ],
      [
        '(import "dylibso_observe" "span_enter" (func (param i32 i32)))',
        'bad.wasm imports dylibso_observe span_enter(i32, i32), which dylibso_observe does not have (it has: instrument_enter, instrument_exit, instrument_memory_grow)',
      ],
    ];
    for (const [importText, message] of cases) {
      const bytes = await parse(`(module ${importText} (memory (export "memory") 1) (func (export "_start")))`);
      const error = await host.loadModule(bytes, { name: 'bad.wasm' }).catch((e: unknown) => e);
      expect((error as WasmOtelError).code).toBe('unsupported_import');
      expect((error as Error).message).toBe(message);
    }
  });

  it('bad input through the CLI: exit 0, one stderr line per problem', async () => {
    const result = await runCli(['run', component('bad-input-core.wasm')], { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      "wasm-otel: invalid_memory_access: span-enter: (4294967280, 100) is outside the module's memory (65536 bytes)",
      'wasm-otel: invalid_utf8: span-enter: the 4 bytes at 512 are not valid UTF-8',
      'wasm-otel: invalid_metric: metric format 7 is unknown (1, statsd, is the only one); ignored',
      'wasm-otel: invalid_metric: statsd: not "name:value|type" in "nonsense"',
      'wasm-otel: invalid_metric: statsd: value "abc" is not a number in "bad.value:abc|c"',
      'wasm-otel: invalid_metric: statsd: unknown metric type "zz" (expected c, g, ms, h, d or s) in "bad.type:1|zz"',
      'wasm-otel: invalid_severity: log level 9 is not 1-5 (error, warn, info, debug, trace); the record has no severity',
      "wasm-otel: invalid_memory_access: log: (65536, 8) is outside the module's memory (65536 bytes)",
    ]);
  });
});

describe('core modules: function-level tracing (dylibso:observe/instrument)', () => {
  it('a span per call, nested as called, named from the name section (filter 0, library)', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 0 });
    const module = await host.loadModule(component('nested-calls.wasm'));
    expect(module.observe).toMatchObject({ api: false, instrument: true, legacy: false });
    expect(await (await module.instantiate()).run()).toBe(0);
    await flush();
    const spans = await receiver.waitForSpans(8);
    expect(spans).toHaveLength(8);
    const leafInner = { name: 'inner', children: [{ name: 'leaf', children: [] }] };
    expect(tree(spans)).toEqual([
      {
        name: 'nested-calls.wasm',
        children: [
          { name: 'outer', children: [leafInner, leafInner] },
          { name: 'slow', children: [] },
          { name: 'fast', children: [] },
        ],
      },
    ]);
    const host_ = hostSpan(spans, 'nested-calls.wasm');
    expectNestedInTime(spans, host_);
    for (const span of spans.filter((s) => s !== host_)) {
      expect(span.scope.name).toBe(INSTRUMENT);
      expect(span.kind).toBe(OtlpSpanKind.INTERNAL);
      expect(span.status.code).toBe(OtlpStatusCode.UNSET);
      expect(span.attributes).toEqual({});
    }
    // slow busy-waits 3 ms.
    const slow = byName(spans, 'slow');
    expect(slow.endTimeUnixNano - slow.startTimeUnixNano).toBeGreaterThanOrEqual(3_000_000n);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(8);
    expect(host.problems()).toEqual({});
  });

  // _start is not wrapped: outer, slow and fast are each an outermost traced call (kept however
  // short, as the reference SDKs keep the root); inner and leaf (microseconds) are dropped.
  const FILTERED_NESTED = [
    {
      name: 'nested-calls.wasm',
      children: [
        { name: 'outer', children: [] },
        { name: 'slow', children: [] },
        { name: 'fast', children: [] },
      ],
    },
  ];

  it('the minimum span duration drops short calls, never an outermost one (library: minSpanMicros 1e9)', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 1e9 });
    expect(await (await (await host.loadModule(component('nested-calls.wasm'))).instantiate()).run()).toBe(0);
    await flush();
    await receiver.waitForSpans(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tree(receiver.spans())).toEqual(FILTERED_NESTED);
  });

  it('the outermost traced call of a call into the module is kept however short (CLI: hello-reactor --invoke hello)', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
    // A filter far longer than any call: only the outermost calls may stay.
    const result = await runCli(['run', component('hello-reactor.wasm'), '--invoke', 'hello', '--min-span-us', '1000000000'], env);
    expect([result.code, result.stdout, result.stderr]).toEqual([0, 'hello world\n', '']);
    const spans = await receiver.waitForSpans(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tree(receiver.spans())).toEqual([{ name: 'hello-reactor.wasm', children: [{ name: '_initialize', children: [] }, { name: 'hello', children: [] }] }]);
    const hello = byName(spans, 'hello');
    expect(hello.parentSpanId).toBe(hostSpan(spans, 'hello-reactor.wasm').spanId);
    expect(hello.scope.name).toBe(INSTRUMENT);

    // The console report (no endpoint) shows it under the host span too.
    const shown = await runCli(['run', component('hello-reactor.wasm'), '--invoke', 'hello', '--min-span-us', '1000000000'], { COLUMNS: '96' });
    expect(shown.code).toBe(0);
    const lines = shown.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    // Each after its waterfall bar (24 cells for 96 columns): the host span's fills the column.
    expect(lines[1]).toMatch(/^\|={24}\| └─ hello-reactor\.wasm {2}internal {2}[\d.]+(ms|us) {2}OK$/);
    expect(lines[2]).toMatch(/^\|[ =]{24}\| {4}├─ _initialize {2}internal {2}[\d.]+(ms|us)$/);
    expect(lines[3]).toMatch(/^\|[ =]{24}\| {4}└─ hello {2}internal {2}[\d.]+(ms|us)$/);
  });

  it('memory growth of dropped calls stays in time order on the span that keeps it (hello-reactor grow, memory-grow)', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
    const pagesOf = (span: OtlpSpan): bigint[] => span.events.map((e) => e.attributes['wasm.memory.grow.pages'] as bigint);
    const inOrder = (span: OtlpSpan): void => {
      const times = span.events.map((e) => e.timeUnixNano);
      expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    };
    // alloc_pages (1 page, then 3) and alloc_more inside it (2) are dropped under span-enter "allocate".
    const grow = await runCli(['run', component('hello-reactor.wasm'), '--invoke', 'grow', '--min-span-us', '1000000000'], env);
    expect([grow.code, grow.stderr]).toEqual([0, '']);
    await receiver.waitForSpans(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const growSpans = receiver.spans();
    expect(tree(growSpans)).toEqual([{ name: 'hello-reactor.wasm', children: [{ name: '_initialize', children: [] }, { name: 'grow', children: [{ name: 'allocate', children: [] }] }] }]);
    const allocate = byName(growSpans, 'allocate');
    expect(pagesOf(allocate)).toEqual([1n, 2n, 3n]);
    inOrder(allocate);
    expect(allocate.attributes).toEqual({ 'wasm.memory.grow.total_pages': 6n, 'wasm.memory.grow.total_bytes': 393216n });

    // grow_big is the outermost call: it is kept, with its own growth and then grow_small's.
    receiver.reset();
    const big = await runCli(['run', component('memory-grow.wasm'), '--min-span-us', '1000000000'], env);
    expect([big.code, big.stderr]).toEqual([0, '']);
    await receiver.waitForSpans(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const bigSpans = receiver.spans();
    expect(tree(bigSpans)).toEqual([{ name: 'memory-grow.wasm', children: [{ name: 'grow_big', children: [] }] }]);
    expect(pagesOf(byName(bigSpans, 'grow_big'))).toEqual([2n, 1n]);
    inOrder(byName(bigSpans, 'grow_big'));
    expect(hostSpan(bigSpans, 'memory-grow.wasm').events).toEqual([]);
  });

  it('CLI: WASM_OTEL_MIN_SPAN_US sets the filter; --min-span-us overrides it', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, WASM_OTEL_MIN_SPAN_US: '1000000000' };
    const filtered = await runCli(['run', component('nested-calls.wasm')], env);
    expect([filtered.code, filtered.stderr]).toEqual([0, '']);
    await receiver.waitForSpans(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tree(receiver.spans())).toEqual(FILTERED_NESTED);
    receiver.reset();
    const all = await runCli(['run', component('nested-calls.wasm'), '--min-span-us', '0'], env);
    expect([all.code, all.stderr]).toEqual([0, '']);
    expect(await receiver.waitForSpans(8)).toHaveLength(8);
  });

  it('CLI: a bad --min-span-us is a usage error; a bad WASM_OTEL_MIN_SPAN_US is reported and the default used', async () => {
    const usage = await runCli(['run', component('nested-calls.wasm'), '--min-span-us', 'soon']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('wasm-otel: --min-span-us "soon": expected a number of microseconds >= 0\nRun "wasm-otel --help" for usage.\n');
    const env = await runCli(['run', component('nested-calls.wasm')], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, WASM_OTEL_MIN_SPAN_US: '-3' });
    expect(env.code).toBe(0);
    expect(env.stderr).toBe('wasm-otel: invalid_config: WASM_OTEL_MIN_SPAN_US="-3" is not a number of microseconds >= 0; using 20\n');
    // The default (20 us) keeps slow (3 ms) and drops nothing it must keep.
    const spans = await receiver.waitForSpans(2);
    expect(byName(spans, 'slow').parentSpanId).toBe(hostSpan(spans, 'nested-calls.wasm').spanId);
  });

  it('memory-grow: an event on the current call with pages and bytes, and totals on the span', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 0 });
    expect(await (await (await host.loadModule(component('memory-grow.wasm'))).instantiate()).run()).toBe(0);
    await flush();
    const spans = await receiver.waitForSpans(3);
    expect(tree(spans)).toEqual([{ name: 'memory-grow.wasm', children: [{ name: 'grow_big', children: [{ name: 'grow_small', children: [] }] }] }]);
    const big = byName(spans, 'grow_big');
    const small = byName(spans, 'grow_small');
    expect(big.attributes).toEqual({ 'wasm.memory.grow.total_pages': 2n, 'wasm.memory.grow.total_bytes': 131072n });
    expect(big.events.map((e) => [e.name, e.attributes])).toEqual([['memory.grow', { 'wasm.memory.grow.pages': 2n, 'wasm.memory.grow.bytes': 131072n }]]);
    expect(small.attributes).toEqual({ 'wasm.memory.grow.total_pages': 1n, 'wasm.memory.grow.total_bytes': 65536n });
    expect(small.events.map((e) => [e.name, e.attributes])).toEqual([['memory.grow', { 'wasm.memory.grow.pages': 1n, 'wasm.memory.grow.bytes': 65536n }]]);
    for (const span of [big, small]) {
      for (const event of span.events) {
        expect(event.timeUnixNano).toBeGreaterThanOrEqual(span.startTimeUnixNano);
        expect(event.timeUnixNano).toBeLessThanOrEqual(span.endTimeUnixNano);
      }
    }
  });

  it('memory-grow of a dropped call moves to its parent (filter 1e9 us; grow_big is outermost)', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 1e9 });
    expect(await (await (await host.loadModule(component('memory-grow.wasm'))).instantiate()).run()).toBe(0);
    await flush();
    await receiver.waitForSpans(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const spans = receiver.spans();
    expect(tree(spans)).toEqual([{ name: 'memory-grow.wasm', children: [{ name: 'grow_big', children: [] }] }]);
    const big = byName(spans, 'grow_big');
    expect(big.attributes).toEqual({ 'wasm.memory.grow.total_pages': 3n, 'wasm.memory.grow.total_bytes': 196608n });
    expect(big.events.map((e) => e.attributes['wasm.memory.grow.pages'])).toEqual([2n, 1n]);
  });

  it('names: Rust and C++ names demangled, other names as they are, func[N] without a name section', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 0 });
    expect(await (await (await host.loadModule(component('mangled-names.wasm'))).instantiate()).run()).toBe(0);
    await flush();
    const spans = await receiver.waitForSpans(7);
    expect(tree(spans)[0]!.children.map((c) => c.name)).toEqual(['core::fmt::write', 'foo::bar()', 'mycrate::foo', '__wasm_call_ctors', '_private', 'plain_c_name']);
    receiver.reset();
    expect(await (await (await host.loadModule(component('no-names.wasm'))).instantiate()).run()).toBe(0);
    await flush();
    expect(tree(await receiver.waitForSpans(3))).toEqual([{ name: 'no-names.wasm', children: [{ name: 'func[3]', children: [{ name: 'func[4]', children: [] }] }] }]);
  });

  it('legacy dylibso_observe instrument_* hooks', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 0 });
    const module = await host.loadModule(component('legacy.wasm'));
    expect(module.observe).toMatchObject({ api: false, instrument: false, legacy: true });
    expect(await (await module.instantiate()).run()).toBe(0);
    await flush();
    const spans = await receiver.waitForSpans(2);
    expect(tree(spans)).toEqual([{ name: 'legacy.wasm', children: [{ name: 'work', children: [] }] }]);
    expect(byName(spans, 'work').events.map((e) => [e.name, e.attributes['wasm.memory.grow.pages']])).toEqual([['memory.grow', 1n]]);
  });

  it('the old i64 Observe API is refused with a clear message (library and CLI)', async () => {
    const { host } = hostFor(receiver);
    const error = await host.loadModule(component('legacy-i64.wasm')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmOtelError);
    expect((error as WasmOtelError).code).toBe('unsupported_import');
    const result = await runCli(['run', component('legacy-i64.wasm')], { OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'wasm-otel: legacy-i64.wasm imports dylibso_observe span_enter(i64, i32): the old Observe API (64-bit pointers, module "dylibso_observe"), ' +
        'which wasm-otel does not serve; rebuild the module with a current Observe SDK (dylibso:observe/api) or re-instrument it\n',
    );
  });

  it('both families: the reference policy gives the right tree; hooks around API imports are ignored', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 0 });
    expect(await (await (await host.loadModule(component('mixed.wasm'))).instantiate()).run()).toBe(0);
    await flush();
    const spans = await receiver.waitForSpans(6);
    expect(spans).toHaveLength(6);
    expect(tree(spans)).toEqual([
      {
        name: 'mixed.wasm',
        children: [
          {
            name: 'handler',
            children: [
              {
                name: 'manual-a',
                children: [
                  { name: 'open_and_return', children: [] },
                  { name: 'manual-b', children: [{ name: 'work', children: [] }] },
                ],
              },
            ],
          },
        ],
      },
    ]);
    expect(byName(spans, 'handler').scope.name).toBe(INSTRUMENT);
    expect(byName(spans, 'manual-a').scope.name).toBe(API);
    const logs = await waitForLogs(receiver, 1);
    expect(logs.map((l) => [l.body, l.spanId])).toEqual([['in handler', byName(spans, 'manual-a').spanId]]);
    for (const span of spans) expect(span.status.code).not.toBe(OtlpStatusCode.ERROR);
    expect(host.problems()).toEqual({});
  });
});

describe('core modules: function-level tracing through the CLI', () => {
  it('both families, memory growth and demangled names, as the library exports them', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
    const mixed = await runCli(['run', component('mixed.wasm'), '--min-span-us', '0'], env);
    expect([mixed.code, mixed.stderr]).toEqual([0, '']);
    const mixedSpans = await receiver.waitForSpans(6);
    expect(tree(mixedSpans)).toEqual([
      {
        name: 'mixed.wasm',
        children: [{ name: 'handler', children: [{ name: 'manual-a', children: [{ name: 'open_and_return', children: [] }, { name: 'manual-b', children: [{ name: 'work', children: [] }] }] }] }],
      },
    ]);
    expect((await waitForLogs(receiver, 1)).map((l) => l.spanId)).toEqual([byName(mixedSpans, 'manual-a').spanId]);

    receiver.reset();
    const grow = await runCli(['run', component('memory-grow.wasm'), '--min-span-us', '1000000000'], env);
    expect([grow.code, grow.stderr]).toEqual([0, '']);
    const growSpans = await receiver.waitForSpans(2);
    expect(tree(growSpans)).toEqual([{ name: 'memory-grow.wasm', children: [{ name: 'grow_big', children: [] }] }]);
    expect(byName(growSpans, 'grow_big').attributes).toEqual({ 'wasm.memory.grow.total_pages': 3n, 'wasm.memory.grow.total_bytes': 196608n });

    receiver.reset();
    const names = await runCli(['run', component('mangled-names.wasm'), '--min-span-us', '0'], env);
    expect([names.code, names.stderr]).toEqual([0, '']);
    expect(tree(await receiver.waitForSpans(7))[0]!.children.map((c) => c.name)).toEqual(['core::fmt::write', 'foo::bar()', 'mycrate::foo', '__wasm_call_ctors', '_private', 'plain_c_name']);
  });
});

describe('core modules: traps and exits', () => {
  it('a trap closes the open function and manual spans with error status and exports them (library)', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 0 });
    const instance = await (await host.loadModule(component('trap-core.wasm'))).instantiate();
    const error = await instance.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmOtelError);
    expect((error as WasmOtelError).code).toBe('guest_trap');
    expect((error as Error).message).toBe('trap-core.wasm trapped: unreachable');
    expect(instance.openSpanCount).toBe(0);
    expect(host.problems()).toEqual({ open_spans_closed: 3 });
    await flush();
    const spans = await receiver.waitForSpans(4);
    expect(tree(spans)).toEqual([
      { name: 'trap-core.wasm', children: [{ name: 'outer', children: [{ name: 'manual-in-trap', children: [{ name: 'crash', children: [] }] }] }] },
    ]);
    const host_ = hostSpan(spans, 'trap-core.wasm');
    expect(host_.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'guest trapped: unreachable' });
    for (const name of ['outer', 'manual-in-trap', 'crash']) {
      const span = byName(spans, name);
      expect(span.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'span still open when the guest trapped: unreachable' });
      expect(span.attributes['wasm_otel.span.close_reason']).toBe('trap');
      expect(span.endTimeUnixNano).toBeLessThanOrEqual(host_.endTimeUnixNano);
    }
    expectNestedInTime(spans, host_);
  });

  it('a trap through the CLI: exit 1 and one line', async () => {
    const result = await runCli(['run', component('trap-core.wasm')], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('wasm-otel: trap-core.wasm trapped: unreachable\n');
    expect(await receiver.waitForSpans(2)).toContainEqual(expect.objectContaining({ name: 'outer' }));
  });

  it('proc_exit with spans open: they are closed (reason exit) and the exit code is the guest\'s', async () => {
    const { host, flush } = hostFor(receiver);
    const instance = await (await host.loadModule(component('proc-exit.wasm'))).instantiate();
    expect(await instance.run()).toBe(3);
    await flush();
    const spans = await receiver.waitForSpans(3);
    expect(tree(spans)).toEqual([{ name: 'proc-exit.wasm', children: [{ name: 'outer-work', children: [{ name: 'inner-work', children: [] }] }] }]);
    for (const name of ['outer-work', 'inner-work']) {
      const span = byName(spans, name);
      expect(span.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited with code 3' });
      expect(span.attributes).toEqual({ 'wasm_otel.span.close_reason': 'exit' });
    }
    const logs = await waitForLogs(receiver, 1);
    expect(logs.map((l) => [l.body, l.severityText, l.spanId])).toEqual([['exiting early', 'WARN', byName(spans, 'inner-work').spanId]]);

    receiver.reset();
    const result = await runCli(['run', component('proc-exit.wasm')], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect([result.code, result.stderr]).toEqual([3, '']);
    expect(await receiver.waitForSpans(3)).toHaveLength(3);
  });
});

describe('core modules: your own instantiate (ModuleTelemetry)', () => {
  it('imports to merge, bind, and calls in a host span; calls made outside one start their own trace', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 0, batchSpans: true });
    const loaded = await host.loadModule(component('fib.wasm'));
    const telemetry = loaded.telemetry();
    const instance = await WebAssembly.instantiate(loaded.module, telemetry.imports);
    telemetry.bind(instance);
    const run = instance.exports.run as () => number;
    expect(telemetry.call(run, { spanName: 'fib under a host span' })).toBe(55);
    await flush();
    // run() wraps fib(10): 177 calls of fib.
    const inCall = await receiver.waitForSpans(178);
    expect(inCall).toHaveLength(178);
    const host_ = hostSpan(inCall, 'fib under a host span');
    const roots = tree(inCall);
    expect(roots).toHaveLength(1);
    const countNodes = (node: { children: unknown[] }): number => 1 + (node.children as { children: unknown[] }[]).reduce((n, c) => n + countNodes(c), 0);
    expect(countNodes(roots[0]!)).toBe(178);
    expectNestedInTime(inCall, host_);

    receiver.reset();
    expect(run()).toBe(55);
    await flush();
    const outside = await receiver.waitForSpans(177);
    expect(outside).toHaveLength(177);
    const outsideRoots = outside.filter((s) => s.parentSpanId === '');
    expect(outsideRoots).toHaveLength(1);
    expect(outsideRoots[0]!.name).toBe('fib');
    expect(outsideRoots[0]!.traceId).not.toBe(host_.traceId);
    expect(new Set(outside.map((s) => s.traceId)).size).toBe(1);
    expect(telemetry.openSpanCount).toBe(0);
    telemetry.dispose();
  });

  it('a failure inside the host while building spans is reported, never thrown into the module', async () => {
    let spanIds = 0;
    const idGenerator = {
      generateTraceId: () => '0af7651916cd43dd8448eb211c80319c',
      generateSpanId: () => {
        if (++spanIds > 1) throw new Error('id source exhausted');
        return 'b7ad6b7169203331';
      },
    };
    const provider = new BasicTracerProvider({ idGenerator, spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
    const host = createHost({ tracerProvider: provider, minSpanMicros: 0 });
    const loaded = await host.loadModule(component('fib.wasm'));
    const telemetry = loaded.telemetry();
    const instance = new WebAssembly.Instance(loaded.module, telemetry.imports);
    telemetry.bind(instance);
    expect(telemetry.call(instance.exports.run as () => number)).toBe(55);
    expect(host.problems()).toEqual({ host_error: 1 });
  });

  it('tracing disabled (no provider): the hooks do nothing and the module runs', async () => {
    const host = createHost({});
    const loaded = await host.loadModule(component('fib.wasm'));
    const telemetry = loaded.telemetry();
    const instance = new WebAssembly.Instance(loaded.module, telemetry.imports);
    telemetry.bind(instance);
    expect(telemetry.call(() => (instance.exports.fib as (n: number) => number)(20))).toBe(6765);
    // An enter with no exit would leave a call open if anything were recorded.
    const hooks = telemetry.imports['dylibso:observe/instrument'] as { enter: (func: number) => void };
    hooks.enter(2);
    expect(telemetry.openSpanCount).toBe(0);
    expect(host.problems()).toEqual({});
  });

  it('load() and loadModule() refuse the other kind with a clear code', async () => {
    const { host } = hostFor(receiver);
    const core = await host.load(component('fib.wasm')).catch((e: unknown) => e);
    expect((core as WasmOtelError).code).toBe('core_module');
    expect((core as Error).message).toBe('fib.wasm is a core WebAssembly module, not a component; load it with loadModule()');
    const comp = await host.loadModule(component('trap.wasm')).catch((e: unknown) => e);
    expect((comp as WasmOtelError).code).toBe('component');
    expect((comp as Error).message).toBe('trap.wasm is a WebAssembly component, not a core module; load it with load()');
  });
});
