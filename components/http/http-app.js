// HTTP guest for wasm-otel, built with componentize-js into components/http-app.wasm (world
// `http-app` in wit/guests/http/guests.wit). Shaped like the opentelemetry-wasi TypeScript SDK's
// `spin-basic` example: a fetch-event handler that uses Spin's key-value store
// (`fermyon:spin/key-value@2.0.0`) and reports its own spans, a log record and metrics through
// `wasi:otel` rc.2 (a minimal guest-side tracer stands in for the SDK).
//
// ROUTES (the contract the tests rely on). Every guest span is a child of the guest's innermost
// open span, else of the host's `outer-span-context()` (the server span); ids are random; scope
// `http-app` 1.0.0; times are the wall clock.
//
//   GET /            span `handle-request` {http.route='"/"'} > child `kv-work`: opens store
//                    `default`, reads `visits` (absent = 0), writes visits+1 (decimal text).
//                    Inside `kv-work`: one log record (severity 9 INFO, body '"visit <n>"',
//                    attribute visits='<n>', correlated with `kv-work`). After the spans: one
//                    metrics batch, u64-sum `visits.count` (monotonic, cumulative) = <n>.
//                    Response 200, content-type text/plain, body `Hello from wasm-otel, visit <n>`.
//   POST /echo       200, the request body back (content-type application/octet-stream); no span.
//   GET /call?port=P span `call-downstream` {downstream.port='<P>'}; inside it fetch
//                    http://127.0.0.1:P/ (the host adds its client span and traceparent); then
//                    200 with body `downstream said: <its body>`; a failed fetch: 502.
//   GET /status?code=C  response C with body `status C`; no span.
//   GET /spin        span `spinning` then a loop that reads the clock forever (never answers).
//   GET /throw       span `throwing` then an exception from the handler (the guest never answers).
//   anything else    404 `not found`.

import { onStart, onEnd, outerSpanContext } from 'wasi:otel/tracing@0.2.0-rc.2';
import { onEmit } from 'wasi:otel/logs@0.2.0-rc.2';
import { export as exportMetrics } from 'wasi:otel/metrics@0.2.0-rc.2';
import { Store } from 'fermyon:spin/key-value@2.0.0';

const SCOPE = { name: 'http-app', version: '1.0.0', schemaUrl: undefined, attributes: [] };
const stack = [];

const hex = (bytes) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
const clock = () => {
  const ms = Date.now();
  return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1e6 };
};
const attributes = (pairs) => Object.entries(pairs).map(([key, value]) => ({ key, value: JSON.stringify(value) }));

/** Runs `work` inside a guest span; the span ends (status error on a throw) when it returns. */
async function inSpan(name, attrs, work) {
  const parent = stack.length > 0 ? stack[stack.length - 1].context : outerSpanContext();
  const context = { traceId: parent.traceId, spanId: hex(8), traceFlags: parent.traceFlags, isRemote: false, traceState: parent.traceState };
  const span = { context, parentSpanId: parent.spanId, name, start: clock(), attrs: { ...attrs }, status: { tag: 'unset' } };
  stack.push(span);
  onStart(context);
  try {
    return await work(span);
  } catch (error) {
    span.status = { tag: 'error', val: String(error) };
    throw error;
  } finally {
    stack.splice(stack.indexOf(span), 1);
    onEnd({
      spanContext: context,
      parentSpanId: span.parentSpanId,
      spanKind: 'internal',
      name,
      startTime: span.start,
      endTime: clock(),
      attributes: attributes(span.attrs),
      events: [],
      links: [],
      status: span.status,
      instrumentationScope: SCOPE,
      droppedAttributes: 0,
      droppedEvents: 0,
      droppedLinks: 0,
    });
  }
}

function logVisit(span, visits) {
  onEmit({
    timestamp: clock(),
    observedTimestamp: undefined,
    severityText: 'INFO',
    severityNumber: 9,
    body: JSON.stringify(`visit ${visits}`),
    attributes: attributes({ visits }),
    eventName: undefined,
    resource: undefined,
    instrumentationScope: SCOPE,
    traceId: span.context.traceId,
    spanId: span.context.spanId,
    traceFlags: span.context.traceFlags,
  });
}

function reportVisits(visits, started) {
  exportMetrics({
    resource: { attributes: attributes({ 'service.name': 'http-app' }), schemaUrl: undefined },
    scopeMetrics: [
      {
        scope: SCOPE,
        metrics: [
          {
            name: 'visits.count',
            description: 'Visits counted in the key-value store',
            unit: '{visit}',
            data: {
              tag: 'u64-sum',
              val: { dataPoints: [{ attributes: [], value: { tag: 'u64', val: BigInt(visits) }, exemplars: [] }], startTime: started, time: clock(), temporality: 'cumulative', isMonotonic: true },
            },
          },
        ],
      },
    ],
  });
}

async function home() {
  const started = clock();
  let visits = 0;
  await inSpan('handle-request', { 'http.route': '/' }, () =>
    inSpan('kv-work', {}, (span) => {
      const store = Store.open('default');
      const stored = store.get('visits');
      visits = (stored ? Number(new TextDecoder().decode(stored)) : 0) + 1;
      store.set('visits', new TextEncoder().encode(String(visits)));
      logVisit(span, visits);
    }),
  );
  reportVisits(visits, started);
  return new Response(`Hello from wasm-otel, visit ${visits}`, { headers: { 'content-type': 'text/plain' } });
}

async function callDownstream(port) {
  return inSpan('call-downstream', { 'downstream.port': port }, async (span) => {
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/`);
      return new Response(`downstream said: ${await answer.text()}`);
    } catch (error) {
      span.status = { tag: 'error', val: String(error) };
      return new Response(`downstream failed: ${error}`, { status: 502 });
    }
  });
}

async function handle(request) {
  const url = new URL(request.url);
  if (request.method === 'GET' && url.pathname === '/') return home();
  if (request.method === 'POST' && url.pathname === '/echo') {
    return new Response(await request.arrayBuffer(), { headers: { 'content-type': 'application/octet-stream' } });
  }
  if (url.pathname === '/call') return callDownstream(Number(url.searchParams.get('port')));
  if (url.pathname === '/status') {
    const code = Number(url.searchParams.get('code'));
    return new Response(`status ${code}`, { status: code });
  }
  if (url.pathname === '/spin') {
    return inSpan('spinning', {}, () => {
      for (;;) Date.now();
    });
  }
  if (url.pathname === '/throw') {
    return inSpan('throwing', {}, () => {
      throw new Error('deliberate failure in /throw');
    });
  }
  return new Response('not found', { status: 404 });
}

addEventListener('fetch', (event) => event.respondWith(handle(event.request)));
