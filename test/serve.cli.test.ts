/**
 * `wasm-otel serve` as a user runs it (the real CLI over dist/, a child process): it prints its
 * address, serves components/http-app.wasm with the key-value example from `--imports`, exports
 * over real OTLP/HTTP and stops on SIGTERM with exit 0 after flushing. Two components chained
 * on loopback (a library server calling the CLI's): one trace across both, exact parents, the
 * downstream joined through the traceparent the host wrote into the guest's outgoing request.
 */
import { connect } from 'node:net';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kv from '../examples/spin-key-value.mjs';
import type { ComponentServer } from '../src/index.js';
import { runCli, startCli } from './support/cli.js';
import { hostFor } from './support/library-host.js';
import { OtlpSpanKind, OtlpStatusCode, startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());

/** Starts the CLI's server; resolves once it said where it listens. */
async function startServe(
  extra: string[] = [],
  env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
): Promise<{ url: string; port: number; stderrSoFar(): string; stop(): Promise<{ code: number | null; stderr: string }> }> {
  const { child, result } = startCli(['serve', component('http-app.wasm'), '--listen', '127.0.0.1:0', '--imports', 'examples/spin-key-value.mjs', ...extra], {
    ...env,
    OTEL_SERVICE_NAME: 'downstream',
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^wasm-otel: serving \S+ on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (match) resolve(match[1]!);
    });
    void result.then((r) => reject(new Error(`serve exited ${r.code}: ${r.stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    stderrSoFar: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return result;
    },
  };
}

describe('wasm-otel serve (CLI)', () => {
  it('serves, and on SIGTERM flushes and exits 0', async () => {
    receiver.reset();
    const served = await startServe();
    const response = await fetch(`${served.url}/`, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Hello from wasm-otel, visit 1');
    const { code, stderr } = await served.stop();
    expect(code).toBe(0);
    expect(stderr).toContain('wasm-otel: SIGTERM: stopping');
    const spans = await receiver.waitForSpans(3);
    const server = spans.find((s) => s.name === 'GET')!;
    expect(server.kind).toBe(OtlpSpanKind.SERVER);
    expect(server.parentSpanId).toBe('b7ad6b7169203331');
    expect(server.resource['service.name']).toBe('downstream');
    expect(spans.find((s) => s.name === 'handle-request')!.parentSpanId).toBe(server.spanId);
  }, 60_000);

  it('without a collector, each request\'s trace is printed on stderr soon after it is answered (not only at exit)', async () => {
    // 96 columns: waterfall bars of 24 cells (the server span, the root, fills its column).
    const served = await startServe(['--threads', '1'], { COLUMNS: '96' });
    try {
      expect((await fetch(`${served.url}/`, { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } })).status).toBe(200);
      await expect.poll(() => served.stderrSoFar(), { timeout: 10_000 }).toContain(`trace 0af7651916cd43dd8448eb211c80319c\n|${'='.repeat(24)}| └─ GET  server`);
      const first = served.stderrSoFar();
      expect(first).toContain('      └─ kv-work  internal');
      expect(first).toContain('log INFO "visit 1"');
      expect(first).toContain('visits.count {visit}  sum cumulative monotonic');
    } finally {
      const { code, stderr } = await served.stop();
      expect(code).toBe(0);
      // Printed once: the exit prints only what came after.
      expect(stderr.split('trace 0af7651916cd43dd8448eb211c80319c').length).toBe(2);
    }
  }, 60_000);

  it('SIGTERM while a request is in flight: no new connections, the request finishes, then exit 0', async () => {
    const served = await startServe();
    const socket = connect(served.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = served.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Stopped accepting: a new connection is refused.
    await expect(fetch(served.url)).rejects.toThrow();
    socket.write('world');
    const { code, stderr } = await stopped;
    expect(code).toBe(0);
    expect(stderr).toContain('wasm-otel: SIGTERM: stopping (letting 1 request in flight finish)');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer.endsWith('\r\n\r\nhelloworld')).toBe(true);
  }, 60_000);

  it('two components chained on loopback are one trace: client span, traceparent out, the downstream joins', async () => {
    receiver.reset();
    const downstream = await startServe();
    const { host, flush } = hostFor(receiver, { propagator: new W3CTraceContextPropagator() });
    const upstream: ComponentServer = await (await host.load(component('http-app.wasm'))).serve({ listen: '127.0.0.1:0', imports: kv });
    try {
      const response = await fetch(`${upstream.url}/call?port=${downstream.port}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/^downstream said: Hello from wasm-otel, visit \d+$/);
    } finally {
      await upstream.close();
    }
    await flush();
    expect((await downstream.stop()).code).toBe(0);
    const spans = await receiver.waitForSpans(6);
    expect(spans).toHaveLength(6);
    const of = (service: string) => spans.filter((s) => s.resource['service.name'] === service);
    const up = of('wasm-otel-test');
    const down = of('downstream');
    expect(up.map((s) => s.name).sort()).toEqual(['GET', 'GET', 'call-downstream']);
    expect(down.map((s) => s.name).sort()).toEqual(['GET', 'handle-request', 'kv-work']);
    const upServer = up.find((s) => s.kind === OtlpSpanKind.SERVER)!;
    const call = up.find((s) => s.name === 'call-downstream')!;
    const client = up.find((s) => s.kind === OtlpSpanKind.CLIENT)!;
    const downServer = down.find((s) => s.kind === OtlpSpanKind.SERVER)!;
    expect(upServer.parentSpanId).toBe('');
    expect(call.parentSpanId).toBe(upServer.spanId);
    expect(client.parentSpanId).toBe(call.spanId);
    expect(downServer.parentSpanId).toBe(client.spanId);
    expect(down.find((s) => s.name === 'handle-request')!.parentSpanId).toBe(downServer.spanId);
    for (const span of spans) expect(span.traceId).toBe(upServer.traceId);
    expect(client.attributes).toMatchObject({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': BigInt(downstream.port),
      'url.full': `http://127.0.0.1:${downstream.port}/`,
      'http.response.status_code': 200n,
    });
    expect(client.status.code).toBe(OtlpStatusCode.UNSET);
    // `call-downstream` has the guest's times (whole milliseconds of its own clock), the client span
    // the host's: compared with the 5 ms skew the scenario tests allow between the two clocks.
    const SKEW_NS = 5_000_000n;
    expect(client.startTimeUnixNano + SKEW_NS >= call.startTimeUnixNano && client.endTimeUnixNano <= call.endTimeUnixNano + SKEW_NS).toBe(true);
    expect(downServer.startTimeUnixNano >= client.startTimeUnixNano).toBe(true);
  }, 90_000);

  it('a dead downstream: the client span is an error, the guest answers 502, counted', async () => {
    receiver.reset();
    const { host, flush } = hostFor(receiver, { propagator: new W3CTraceContextPropagator() });
    const upstream = await (await host.load(component('http-app.wasm'))).serve({ listen: '127.0.0.1:0', imports: kv });
    try {
      const response = await fetch(`${upstream.url}/call?port=1`);
      expect(response.status).toBe(502);
    } finally {
      await upstream.close();
    }
    await flush();
    const spans = await receiver.waitForSpans(3);
    const client = spans.find((s) => s.kind === OtlpSpanKind.CLIENT)!;
    expect(client.status.code).toBe(OtlpStatusCode.ERROR);
    expect(client.attributes['error.type']).toBe('connection-refused');
    expect(host.problems()).toMatchObject({ http_outgoing_failed: 1 });
  }, 60_000);

  it('wrong input: one line and exit 2 (usage) or 1 (what it names cannot be used)', async () => {
    const wrong = async (args: string[]) => runCli(args);
    expect(await wrong(['serve'])).toMatchObject({ code: 2, stderr: 'wasm-otel: serve needs a .wasm file\nRun "wasm-otel --help" for usage.\n' });
    expect(await wrong(['serve', 'x.wasm', '--invoke', 'f'])).toMatchObject({ code: 2, stderr: expect.stringContaining('wasm-otel: --invoke is an option of run, not of serve\n') });
    expect(await wrong(['run', 'x.wasm', '--listen', ':1'])).toMatchObject({ code: 2, stderr: expect.stringContaining('wasm-otel: --listen is an option of serve, not of run\n') });
    expect(await wrong(['serve', component('http-app.wasm'), '--request-timeout-ms', '0'])).toMatchObject({ code: 2 });
    expect(await wrong(['serve', component('http-app.wasm'), '--threads', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('wasm-otel: --threads "0": expected a whole number from 1 to 256\n') });
    expect(await wrong(['run', 'x.wasm', '--threads', '2'])).toMatchObject({ code: 2, stderr: expect.stringContaining('wasm-otel: --threads is an option of serve, not of run\n') });
    const badListen = await wrong(['serve', component('http-app.wasm'), '--listen', 'nonsense']);
    expect(badListen.code).toBe(2);
    expect(badListen.stderr).toContain('wasm-otel: --listen "nonsense" is not an address (use host:port, e.g. 127.0.0.1:8080, or :8080)\n');
    const missing = await wrong(['serve', component('http-app.wasm'), '--imports', 'no-such.mjs']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('wasm-otel: --imports no-such.mjs: no such file\n');
    const core = await wrong(['serve', component('fib.wasm')]);
    expect(core.code).toBe(1);
    expect(core.stderr).toBe('wasm-otel: fib.wasm is a core WebAssembly module, not a component: only a component that exports wasi:http/incoming-handler can be served\n');
    const noHandler = await wrong(['serve', component('scenarios.wasm')]);
    expect(noHandler.code).toBe(1);
    expect(noHandler.stderr).toContain('does not export wasi:http/incoming-handler, so it cannot be served\n');
  }, 120_000);
});
