/**
 * `serveFile()` (what `wasm-otel serve` runs): a component served on guest threads over real
 * HTTP on 127.0.0.1, its telemetry exported on the test's thread over real OTLP/HTTP. Request
 * bodies stream to the guest and answers stream back; requests run at once on the threads; a
 * guest that never calls the host again is stopped with its thread, which is replaced.
 */
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OtlpGuestMetricExporter, ProblemCounter, WasmOtelError, serveFile, type ComponentServer } from '../src/index.js';
import { OtlpSpanKind, OtlpStatusCode, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { receivedMetrics, waitForLogs } from './support/otlp-signals.js';
import { flushedSpans } from './support/flushed-spans.js';
import { ROOT, component } from './support/paths.js';
import { rawExchange } from './support/raw-http.js';
import { byName, childrenOf, problemsSince } from './support/span-tree.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const RESOURCE = resourceFromAttributes({ 'service.name': 'wasm-otel-threads-test' });

let receiver: OtlpReceiver;
let problems: ProblemCounter;
let tracerProvider: BasicTracerProvider;
let loggerProvider: LoggerProvider;
let metricExporter: OtlpGuestMetricExporter;
let hello: ComponentServer;
let app: ComponentServer;

/** Once no request is in flight, every span of the requests so far is on this thread (they come before 'served'). */
async function flush(): Promise<void> {
  // (A request answered 504 at its timeout is in flight until its guest is stopped: a grace later.)
  await expect.poll(() => (hello?.inFlight ?? 0) + (app?.inFlight ?? 0), { timeout: 10_000 }).toBe(0);
  await Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush(), metricExporter.forceFlush()]);
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  problems = new ProblemCounter();
  tracerProvider = new BasicTracerProvider({ resource: RESOURCE, spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }))] });
  loggerProvider = new LoggerProvider({ resource: RESOURCE, processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${receiver.endpoint}/v1/logs` }) })] });
  metricExporter = new OtlpGuestMetricExporter('http/protobuf', { url: `${receiver.endpoint}/v1/metrics` });
  const telemetry = { tracerProvider, loggerProvider, metricExporters: [metricExporter], problemCounter: problems };
  hello = await serveFile({ file: component('http-hello.wasm'), listen: '127.0.0.1:0', threads: 2, reuseInstances: true, limits: { requestTimeoutMillis: 1500, maxRequestBodyBytes: 8_000_000 }, ...telemetry });
  app = await serveFile({
    file: component('http-app.wasm'),
    listen: '127.0.0.1:0',
    threads: 1,
    importsModule: join(ROOT, 'examples', 'spin-key-value.mjs'),
    limits: { requestTimeoutMillis: 1500 },
    ...telemetry,
  });
}, 120_000);
afterAll(async () => {
  await hello?.close();
  await app?.close();
  await receiver.close();
});
beforeEach(async () => {
  await flush();
  receiver.reset();
});

async function get(server: ComponentServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, body: await response.text() };
}

const spansOf = (count: number): Promise<OtlpSpan[]> => flushedSpans(flush, receiver, count);

/** A chunked POST whose body is written piece by piece: `send` writes one, `next` waits for the next echoed bytes. */
function openStream(server: ComponentServer, path: string): Promise<{ send(text: string): void; end(): void; next(): Promise<string>; status: number; rest(): Promise<string>; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: 'POST', headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/octet-stream' } });
    req.on('error', reject);
    req.on('response', (response) => {
      const pending: string[] = [];
      let waiter: ((text: string) => void) | undefined;
      let ended = false;
      let endWaiter: (() => void) | undefined;
      response.setEncoding('utf8');
      response.on('data', (text: string) => {
        if (waiter) {
          const wake = waiter;
          waiter = undefined;
          wake(text);
        } else pending.push(text);
      });
      response.on('end', () => {
        ended = true;
        endWaiter?.();
      });
      resolve({
        response,
        status: response.statusCode!,
        send: (text) => req.write(text),
        end: () => req.end(),
        next: () => (pending.length > 0 ? Promise.resolve(pending.shift()!) : new Promise((wake) => (waiter = wake))),
        rest: () =>
          new Promise((done) => {
            const finish = (): void => done(pending.splice(0).join(''));
            if (ended) finish();
            else endWaiter = finish;
          }),
      });
    });
    // The head goes out with the first piece; the guest answers before the body is over.
    req.write('first');
  });
}

describe('serveFile: guest threads', () => {
  it('a spin-basic shaped guest with --imports on a thread: server span joins the traceparent; guest spans, log and metrics under it', async () => {
    const answer = await get(app, '/', { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, 'user-agent': 'threads-test' });
    expect(answer).toEqual({ status: 200, body: 'Hello from wasm-otel, visit 1' });
    const spans = await spansOf(3);
    const server = byName(spans, 'GET');
    expect(server.traceId).toBe(TRACE_ID);
    expect(server.parentSpanId).toBe(PARENT_ID);
    expect(server.kind).toBe(OtlpSpanKind.SERVER);
    expect(server.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/', 'http.response.status_code': 200n, 'user_agent.original': 'threads-test', 'http.request.body.size': 0n });
    const handle = byName(spans, 'handle-request');
    expect(handle.parentSpanId).toBe(server.spanId);
    const kvWork = byName(spans, 'kv-work');
    expect(kvWork.parentSpanId).toBe(handle.spanId);
    const [log] = await waitForLogs(receiver, 1);
    expect(log!.spanId).toBe(kvWork.spanId);
    expect(log!.body).toBe('visit 1');
    await expect.poll(() => receivedMetrics(receiver).filter((m) => m.name === 'visits.count').length).toBe(1);
  });

  it('the request body reaches the guest as it arrives, and its answer streams back while the request is still open', async () => {
    const stream = await openStream(hello, '/stream-echo');
    expect(stream.status).toBe(200);
    // Each piece comes back before the next is sent: neither side holds the body whole.
    expect(await stream.next()).toBe('first');
    stream.send('second');
    expect(await stream.next()).toBe('second');
    stream.end();
    expect(await stream.rest()).toBe('');
    const [server] = await spansOf(1);
    expect(server!.name).toBe('POST');
    expect(server!.attributes).toMatchObject({ 'http.response.status_code': 200n, 'http.request.body.size': 11n, 'http.response.body.size': 11n });
    expect(server!.status.code).toBe(OtlpStatusCode.UNSET);
  });

  it('two requests are served at once on two threads (both open, each echoing, before either ends)', async () => {
    const one = await openStream(hello, '/stream-echo');
    const two = await openStream(hello, '/stream-echo');
    expect(await one.next()).toBe('first');
    expect(await two.next()).toBe('first');
    two.send('two');
    one.send('one');
    expect(await two.next()).toBe('two');
    expect(await one.next()).toBe('one');
    one.end();
    two.end();
    await Promise.all([one.rest(), two.rest()]);
    const spans = await spansOf(2);
    const [first, second] = [...spans].sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
    // They overlap: the second started before the first ended.
    expect(second!.startTimeUnixNano < first!.endTimeUnixNano).toBe(true);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(2);
  });

  it('a loop that never calls the host: 504 after the timeout, its thread stopped and replaced, its server span closed with the answer', async () => {
    const before = problems.snapshot();
    expect(await get(hello, '/compute')).toEqual({ status: 504, body: 'the guest did not answer within 1500 ms\n' });
    const [server] = await spansOf(1);
    expect(server!.name).toBe('GET');
    expect(server!.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'the guest did not answer within 1500 ms; its thread was stopped' });
    expect(server!.attributes).toMatchObject({ 'url.path': '/compute', 'http.response.status_code': 504n, 'error.type': 'timeout' });
    expect(problemsSince(problems.snapshot(), before)).toEqual({ http_handler_failed: 1, open_spans_closed: 1 });
    // Both threads serve again (the replacement included, once it has loaded): two requests at once.
    const one = await openStream(hello, '/stream-echo');
    const two = await openStream(hello, '/stream-echo');
    expect([await one.next(), await two.next()]).toEqual(['first', 'first']);
    one.end();
    two.end();
    await Promise.all([one.rest(), two.rest()]);
    await flush();
    expect(await receiver.waitForSpans(3)).toHaveLength(3);
  }, 120_000);

  it('a guest that keeps calling the host is unwound at the timeout; the thread goes on serving', async () => {
    const before = problems.snapshot();
    expect(await get(app, '/spin')).toEqual({ status: 504, body: 'the guest did not answer within 1500 ms\n' });
    const spans = await spansOf(2);
    const server = byName(spans, 'GET');
    expect(server.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'the guest did not answer within 1500 ms' });
    const spinning = childrenOf(spans, server.spanId);
    expect(spinning.map((s) => s.attributes['wasm_otel.span.close_reason'])).toEqual(['signal']);
    expect(spinning.map((s) => s.status)).toEqual([{ code: OtlpStatusCode.ERROR, message: 'span still open when the request timed out (1500 ms)' }]);
    expect(problemsSince(problems.snapshot(), before)).toEqual({ http_handler_failed: 1, open_spans_closed: 1 });
    expect((await get(app, '/status?code=201')).status).toBe(201);
    await flush();
    expect(await receiver.waitForSpans(3)).toHaveLength(3);
  });

  it('mixed load at once (answers, traps, error statuses): every request answered, one complete trace each', async () => {
    const paths = Array.from({ length: 24 }, (_, i) => (i % 4 === 1 ? '/trap' : '/'));
    const answers = await Promise.all(paths.map((path) => get(hello, path)));
    expect(answers.map((a) => a.status)).toEqual(paths.map((path) => (path === '/trap' ? 500 : 200)));
    const spans = await spansOf(24);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(24);
    expect(spans.filter((s) => s.attributes['http.response.status_code'] === 200n)).toHaveLength(18);
    expect(spans.filter((s) => s.attributes['error.type'] === 'guest_trap')).toHaveLength(6);
  });

  it('a declared body over the limit is refused with 413 before any thread sees it', async () => {
    const before = problems.snapshot();
    const reply = await rawExchange(hello.address.port, 'POST /stream-echo HTTP/1.1\r\nHost: x\r\nContent-Length: 9000000\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply.endsWith('\r\n\r\nrequest body of 9000000 bytes is over the limit of 8000000 bytes\n')).toBe(true);
    expect(problemsSince(problems.snapshot(), before)).toEqual({ http_request_refused: 1 });
    await flush();
    expect(receiver.spans()).toHaveLength(0);
  });

  it('a 6 MB body echoed through both flow-control windows arrives whole, byte for byte', async () => {
    const body = Buffer.alloc(6_000_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7919) & 0xff;
    const response = await fetch(`${hello.url}/stream-echo`, { method: 'POST', body });
    expect(response.status).toBe(200);
    const echoed = Buffer.from(await response.arrayBuffer());
    expect(echoed.length).toBe(body.length);
    expect(echoed.equals(body)).toBe(true);
    const [server] = await spansOf(1);
    expect(server!.attributes).toMatchObject({ 'http.request.body.size': 6_000_000n, 'http.response.body.size': 6_000_000n, 'http.response.status_code': 200n });
  });

  it('a client that leaves mid-body: counted, the guest’s read fails, the server goes on', async () => {
    const before = problems.snapshot();
    await new Promise<void>((resolve) => {
      const socket = connect(hello.address.port, '127.0.0.1', () => {
        socket.write('POST /stream-echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly ten b');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 200);
      });
    });
    await expect.poll(() => problemsSince(problems.snapshot(), before).http_request_refused).toBe(1);
    const [server] = await spansOf(1);
    expect(server!.attributes['url.path']).toBe('/stream-echo');
    expect(server!.status.code).toBe(OtlpStatusCode.ERROR);
    expect((await get(hello, '/')).body).toBe('hello');
  });

  it('a malformed traceparent is ignored and counted (a new trace starts); huge headers get 431 (counted); the server goes on', async () => {
    const before = problems.snapshot();
    expect(await get(hello, '/', { traceparent: '00-not-a-trace-01' })).toEqual({ status: 200, body: 'hello' });
    const [server] = await spansOf(1);
    expect(server!.parentSpanId).toBe('');
    expect(server!.traceId).toMatch(/^[0-9a-f]{32}$/);
    const reply = await rawExchange(hello.address.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(problemsSince(problems.snapshot(), before)).toEqual({ invalid_traceparent: 1, http_request_refused: 1 });
    expect((await get(hello, '/')).body).toBe('hello');
    await flush();
    expect(await receiver.waitForSpans(2)).toHaveLength(2);
  });

  it('close() with a request in flight: the guest is stopped, the client answered 503, its server span closed (503, server_closed)', async () => {
    const closing = await serveFile({ file: component('http-hello.wasm'), listen: '127.0.0.1:0', threads: 1, stopGraceMillis: 300, tracerProvider, problemCounter: problems });
    const before = problems.snapshot();
    const answer = fetch(`${closing.url}/compute`).then(
      async (response) => ({ status: response.status, body: await response.text() }),
      () => 'cut',
    );
    await expect.poll(() => closing.inFlight).toBe(1);
    await closing.close(100);
    // Answered before the connection goes.
    expect(await answer).toEqual({ status: 503, body: 'the server is stopping\n' });
    expect(closing.inFlight).toBe(0);
    const [server] = await spansOf(1);
    expect(server!.attributes).toMatchObject({ 'url.path': '/compute', 'http.response.status_code': 503n, 'error.type': 'server_closed' });
    expect(server!.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'the serving thread was stopped because the server closed' });
    expect(problemsSince(problems.snapshot(), before)).toEqual({ http_handler_failed: 1, open_spans_closed: 1 });
  });

  it('a component that cannot be served fails serveFile with one line', async () => {
    await expect(serveFile({ file: component('trap.wasm'), listen: '127.0.0.1:0', threads: 1, tracerProvider, problemCounter: new ProblemCounter() })).rejects.toMatchObject({
      constructor: WasmOtelError,
      code: 'unknown_export',
      message: 'trap.wasm does not export wasi:http/incoming-handler, so it cannot be served',
    });
  });
});
