/**
 * `LoadedComponent.serve()` / `requestHandler()` with the componentize-js HTTP guest
 * components/http-app.wasm (spin-basic shaped, with Spin's key-value store from
 * examples/spin-key-value.mjs) over real HTTP on 127.0.0.1, its telemetry over real OTLP/HTTP:
 * server spans (HTTP conventions, parent from traceparent), the guest's spans, log record and
 * metrics under them, status mapping, and bad input (bad traceparent, huge body or headers, a
 * client that leaves mid-body, a guest that never answers or fails) without losing the server.
 */
import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import kv from '../examples/spin-key-value.mjs';
import { WasmOtelError, type ComponentServer, type LoadedComponent } from '../src/index.js';
import { hostFor } from './support/library-host.js';
import { OtlpSpanKind, OtlpStatusCode, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { receivedMetrics, waitForLogs } from './support/otlp-signals.js';
import { flushedSpans } from './support/flushed-spans.js';
import { component } from './support/paths.js';
import { rawExchange } from './support/raw-http.js';
import { byName } from './support/span-tree.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

let receiver: OtlpReceiver;
let flush: () => Promise<void>;
let host: ReturnType<typeof hostFor>['host'];
let app: LoadedComponent;
let server: ComponentServer;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  ({ host, flush } = hostFor(receiver, { propagator: new W3CTraceContextPropagator() }));
  app = await host.load(component('http-app.wasm'));
  server = await app.serve({ listen: '127.0.0.1:0', imports: kv, limits: { requestTimeoutMillis: 1500, maxRequestBodyBytes: 200_000 } });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await receiver.close();
});
// What the previous test's last request exported arrives before this test starts counting.
beforeEach(async () => {
  await flush();
  receiver.reset();
});

function problemsSince(before: Record<string, number>): Record<string, number> {
  const after = host.problems();
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
}

async function get(path: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(`${server.url}${path}`, { ...init, headers: { 'user-agent': 'wasm-otel-test', ...headers } });
  return { status: response.status, body: await response.text() };
}

const spansOf = (count: number): Promise<OtlpSpan[]> => flushedSpans(flush, receiver, count);

describe('serve: one trace per request (library, OTLP/HTTP)', () => {
  it('the component can be served; one that exports no handler cannot', async () => {
    expect(app.servesHttp).toBe(true);
    // Its glue takes every rewrite (the record budget too: no warning when it is served).
    expect(app.transpiled.glueRewrites).toEqual(['debug-flag', 'memory-views', 'ascii-strings', 'sync-import-fast-path', 'lift-budget', 'created-reps', 'split-lift', 'span-reader', 'log-reader', 'promising-probe']);
    const scenarios = await host.load(component('scenarios.wasm'));
    expect(scenarios.servesHttp).toBe(false);
    expect(() => scenarios.requestHandler()).toThrow(WasmOtelError);
  });

  it('GET / joins the traceparent: server span with the HTTP conventions, guest spans, log and metrics under it', async () => {
    const first = await get('/', { traceparent: TRACEPARENT, tracestate: 'vendor=1' });
    expect(first.status).toBe(200);
    const visits = Number(/visit (\d+)$/.exec(first.body)![1]);
    expect(first.body).toBe(`Hello from wasm-otel, visit ${visits}`);
    const spans = await spansOf(3);
    const serverSpan = byName(spans, 'GET');
    const handle = byName(spans, 'handle-request');
    const kvWork = byName(spans, 'kv-work');
    expect(serverSpan.kind).toBe(OtlpSpanKind.SERVER);
    expect(serverSpan.traceId).toBe(TRACE_ID);
    expect(serverSpan.parentSpanId).toBe(PARENT_ID);
    expect(serverSpan.traceState).toBe('vendor=1');
    expect(serverSpan.status.code).toBe(OtlpStatusCode.UNSET);
    const { port } = server.address;
    expect(serverSpan.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': BigInt(port),
      'user_agent.original': 'wasm-otel-test',
      'network.protocol.version': '1.1',
      'client.address': '127.0.0.1',
      'http.request.body.size': 0n,
      'http.response.status_code': 200n,
      'http.response.body.size': BigInt(Buffer.byteLength(first.body)),
      'wasm.export': 'wasi:http/incoming-handler#handle',
      'wasm.module.name': 'http-app.wasm',
    });
    expect(serverSpan.attributes['url.query']).toBeUndefined();
    expect(serverSpan.attributes['error.type']).toBeUndefined();
    expect(handle.parentSpanId).toBe(serverSpan.spanId);
    expect(handle.traceId).toBe(TRACE_ID);
    expect(handle.attributes).toEqual({ 'http.route': '/' });
    expect(kvWork.parentSpanId).toBe(handle.spanId);
    expect(kvWork.scope.name).toBe('http-app');
    for (const span of [handle, kvWork]) expect(span.startTimeUnixNano >= serverSpan.startTimeUnixNano - 1_000_000n && span.endTimeUnixNano <= serverSpan.endTimeUnixNano + 1_000_000n).toBe(true);
    const [log] = await waitForLogs(receiver, 1);
    expect(log!.body).toBe(`visit ${visits}`);
    expect(log!.severityNumber).toBe(9);
    expect(log!.attributes).toEqual({ visits: BigInt(visits) });
    expect(log!.traceId).toBe(TRACE_ID);
    expect(log!.spanId).toBe(kvWork.spanId);
    const metric = receivedMetrics(receiver).find((m) => m.name === 'visits.count')!;
    expect(metric.type).toBe('sum');
    expect(metric.isMonotonic).toBe(true);
    expect(metric.points.map((p) => p.value)).toEqual([{ asInt: BigInt(visits) }]);

    // The key-value store outlives the instance (a fresh one per request): the count goes on.
    receiver.reset();
    expect((await get('/')).body).toBe(`Hello from wasm-otel, visit ${visits + 1}`);
    const next = await spansOf(3);
    // No traceparent: a new trace, the server span its root.
    expect(byName(next, 'GET').parentSpanId).toBe('');
    expect(byName(next, 'GET').traceId).not.toBe(TRACE_ID);
  });

  it('a malformed traceparent is ignored and counted: the request starts a new trace', async () => {
    const before = host.problems();
    expect((await get('/?x=1', { traceparent: '00-not-a-trace-01' })).status).toBe(200);
    const spans = await spansOf(3);
    const serverSpan = byName(spans, 'GET');
    expect(serverSpan.parentSpanId).toBe('');
    expect(serverSpan.attributes['url.query']).toBe('x=1');
    expect(byName(spans, 'handle-request').traceId).toBe(serverSpan.traceId);
    expect(problemsSince(before)).toEqual({ invalid_traceparent: 1 });
  });

  it('bodies go both ways whole, and their sizes are on the span', async () => {
    const payload = Buffer.alloc(100_000, 'abcdefgh');
    const response = await fetch(`${server.url}/echo`, { method: 'POST', body: payload });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(payload)).toBe(true);
    const [span] = await spansOf(1);
    expect(span!.name).toBe('POST');
    expect(span!.attributes['http.request.body.size']).toBe(100_000n);
    expect(span!.attributes['http.response.body.size']).toBe(100_000n);
    expect(span!.attributes['http.response.status_code']).toBe(200n);
  });

  it('the response status sets the span status as the HTTP conventions say (5xx error, 4xx unset)', async () => {
    expect(await get('/status?code=503')).toEqual({ status: 503, body: 'status 503' });
    expect(await get('/status?code=404')).toEqual({ status: 404, body: 'status 404' });
    const spans = await spansOf(2);
    const [error, notFound] = [spans.find((s) => s.attributes['http.response.status_code'] === 503n)!, spans.find((s) => s.attributes['http.response.status_code'] === 404n)!];
    expect(error.status.code).toBe(OtlpStatusCode.ERROR);
    expect(error.attributes['error.type']).toBe('503');
    expect(notFound.status.code).toBe(OtlpStatusCode.UNSET);
    expect(notFound.attributes['error.type']).toBeUndefined();
  });

  it('requests at once each get their own instance and trace', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => get('/status?code=200')));
    expect(answers.every((a) => a.status === 200 && a.body === 'status 200')).toBe(true);
    const spans = await spansOf(8);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(8);
  });
});

describe('serve: bad input never takes the server down', () => {
  it('a guest that never answers gets a 504 after the request timeout; its open span is closed; the next request is served', async () => {
    const before = host.problems();
    const started = performance.now();
    expect(await get('/spin')).toEqual({ status: 504, body: 'the guest did not answer within 1500 ms\n' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1400);
    const spans = await spansOf(2);
    const serverSpan = byName(spans, 'GET');
    // rc.2's on-start gives only the span context: the host knows the open span's name only at on-end.
    const spinning = byName(spans, 'unended guest span');
    expect(spinning.parentSpanId).toBe(serverSpan.spanId);
    expect(spinning.status.code).toBe(OtlpStatusCode.ERROR);
    expect(spinning.attributes['wasm_otel.span.close_reason']).toBe('signal');
    expect(serverSpan.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'the guest did not answer within 1500 ms' });
    expect(serverSpan.attributes['error.type']).toBe('timeout');
    expect(serverSpan.attributes['http.response.status_code']).toBe(504n);
    expect(problemsSince(before)).toEqual({ http_handler_failed: 1, open_spans_closed: 1 });
    receiver.reset();
    expect((await get('/status?code=201')).status).toBe(201);
  });

  it('a guest whose handler fails: the exchange is marked failed, the server goes on', async () => {
    const before = host.problems();
    // StarlingMonkey answers 500 and leaves the body unfinished: the host cuts the connection.
    await expect(get('/throw')).rejects.toThrow();
    const spans = await spansOf(2);
    const serverSpan = byName(spans, 'GET');
    expect(byName(spans, 'throwing').status.code).toBe(OtlpStatusCode.ERROR);
    expect(serverSpan.status.code).toBe(OtlpStatusCode.ERROR);
    expect(serverSpan.attributes['http.response.status_code']).toBe(500n);
    expect(serverSpan.attributes['error.type']).toBe('body_unfinished');
    expect(problemsSince(before)).toEqual({ http_handler_failed: 1 });
    expect((await get('/status?code=200')).status).toBe(200);
  });

  it('a body over the limit is refused with 413 before the guest runs', async () => {
    await flush();
    receiver.reset();
    const before = host.problems();
    const response = await fetch(`${server.url}/echo`, { method: 'POST', body: Buffer.alloc(300_000) });
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('request body of 300000 bytes is over the limit of 200000 bytes\n');
    expect(problemsSince(before)).toEqual({ http_request_refused: 1 });
    await flush();
    expect(receiver.spans()).toHaveLength(0);
  });

  it('huge headers are refused with 431 (counted), the server goes on', async () => {
    const before = host.problems();
    const status = await rawRequest(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(status).toMatch(/^HTTP\/1\.1 431 /);
    expect(problemsSince(before)).toEqual({ http_request_refused: 1 });
    expect((await get('/status?code=200')).status).toBe(200);
  });

  it('a client that leaves mid-body is counted; nothing reaches the guest; the server goes on', async () => {
    await flush();
    receiver.reset();
    const before = host.problems();
    await new Promise<void>((resolve) => {
      const socket = connect(server.address.port, '127.0.0.1', () => {
        socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly ten b');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
    });
    await expect.poll(() => problemsSince(before)).toEqual({ http_request_refused: 1 });
    expect((await get('/status?code=200')).status).toBe(200);
    await flush();
    expect(receiver.spans().map((s) => s.attributes['http.response.status_code'])).toEqual([200n]);
  });
});

describe('traceImports: host calls in the trace', () => {
  it('every host call the guest makes is a span under its innermost open span, named by the WIT', async () => {
    // Dozens of spans at once: batched (one OTLP request per span would hit the exporter's limit).
    const batched = hostFor(receiver, { batchSpans: true });
    const traced = await (await batched.host.load(component('http-app.wasm'))).serve({ listen: '127.0.0.1:0', imports: kv, traceImports: true });
    try {
      expect((await fetch(`${traced.url}/`)).status).toBe(200);
    } finally {
      await traced.close();
    }
    await batched.flush();
    await expect.poll(() => receiver.spans().some((s) => s.name === 'GET'), { timeout: 5000 }).toBe(true);
    const spans = receiver.spans();
    const serverSpan = byName(spans, 'GET');
    const kvWork = byName(spans, 'kv-work');
    const hostCalls = spans.filter((s) => s.scope.name === 'wasm-otel/imports');
    const under = (parent: OtlpSpan) => hostCalls.filter((s) => s.parentSpanId === parent.spanId).map((s) => s.name);
    // The key-value store's calls, in order, under the span the guest had open.
    expect(under(kvWork).filter((name) => name.startsWith('fermyon:'))).toEqual([
      'fermyon:spin/key-value#[static]store.open',
      'fermyon:spin/key-value#[method]store.get',
      'fermyon:spin/key-value#[method]store.set',
    ]);
    // The request itself and the answer, under the server span.
    expect(under(serverSpan)).toEqual(
      expect.arrayContaining([
        'wasi:http/types#[method]incoming-request.method',
        'wasi:http/types#[constructor]outgoing-response',
        'wasi:http/types#[static]response-outparam.set',
        'wasi:http/types#[static]outgoing-body.finish',
      ]),
    );
    // WASI too (the guest reads clocks for its span times).
    expect(under(kvWork)).toContain('wasi:clocks/wall-clock#now');
    // Not the telemetry interfaces, and no host helper.
    expect(hostCalls.filter((s) => /wasi:otel|#\[static\]fields\.lock|text-pairs/.test(s.name))).toEqual([]);
    for (const call of hostCalls) {
      expect(call.traceId).toBe(serverSpan.traceId);
      expect(call.kind).toBe(OtlpSpanKind.INTERNAL);
    }
  });
});

describe('requestHandler(): in an app’s own Node server', () => {
  it('serves through the handler; close() disposes the instances', async () => {
    const handler = app.requestHandler({ imports: kv });
    const own = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
    const { port } = own.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/status?code=202`);
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('status 202');
    expect(handler.inFlight).toBe(0);
    await new Promise((resolve) => own.close(resolve));
    await handler.close();
    const [span] = await spansOf(1);
    expect(span!.attributes['server.port']).toBe(BigInt(port));
  });
});

/** Sends raw bytes and resolves to the status line of the answer. */
/** The status line of the server's answer to `text`. */
async function rawRequest(text: string): Promise<string> {
  return (await rawExchange(server.address.port, text)).split('\r\n')[0] ?? '';
}

describe('serve: a guest that traps', () => {
  it('answers 500 for that request only; the trapped instance is replaced, the next request is served', async () => {
    const hello = await host.load(component('http-hello.wasm'));
    const served = await hello.serve({ listen: '127.0.0.1:0', reuseInstances: true });
    const before = host.problems();
    try {
      const trapped = await fetch(`${served.url}/trap`);
      expect(trapped.status).toBe(500);
      // The client learns that it failed, not how (the detail is on the span).
      expect(await trapped.text()).toBe('the guest failed\n');
      for (let i = 0; i < 3; i++) expect(await (await fetch(`${served.url}/`)).text()).toBe('hello');
    } finally {
      await served.close();
    }
    const spans = await spansOf(4);
    const failed = spans.find((s) => s.attributes['url.path'] === '/trap')!;
    expect(failed.status.code).toBe(OtlpStatusCode.ERROR);
    expect(failed.attributes['error.type']).toBe('guest_trap');
    expect(failed.attributes['http.response.status_code']).toBe(500n);
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
    expect(failed.status.message).toMatch(/^http-hello\.wasm trapped: wasm trap: /);
    expect(spans.filter((s) => s.attributes['http.response.status_code'] === 200n)).toHaveLength(3);
    expect(problemsSince(before)).toEqual({ http_handler_failed: 1 });
  });
});
