/**
 * A host made with no providers follows the app's global providers as they are at each call
 * (issue 10, item 1): an app that makes the host first and registers its providers afterwards
 * (as NodeSDK.start() or NodeTracerProvider.register() do) gets its guests' spans, log records
 * and statsd metrics, under its own active span; a swapped provider is followed.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProxyTracerProvider, context, metrics, trace, type Span } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanLimits } from '@opentelemetry/sdk-trace-base';
import { OtlpGuestMetricExporter, createHost, type WasmOtelHost } from '../src/index.js';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { receivedLogs, receivedMetrics, waitForLogs, waitForMetrics } from './support/otlp-signals.js';
import { component } from './support/paths.js';
import { expectScenarioLog, guestId } from './support/scenarios.js';
import { byName } from './support/span-tree.js';
import { collectWarnings } from './support/warnings.js';

const warnings = collectWarnings();
const NO_PROVIDER_WARNING =
  'wasm-otel: no tracer provider registered when scenarios.wasm was called: its spans are not exported. ' +
  'Register one first (NodeSDK.start(), NodeTracerProvider.register(), trace.setGlobalTracerProvider()) ' +
  'or pass tracerProvider or spanProcessors to createHost.';

let receiver: OtlpReceiver;
let other: OtlpReceiver;
const apps: App[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  other = await startOtlpReceiver();
  // As an app does at startup (NodeSDK does the same): a context manager, so that active spans propagate.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  context.disable();
  await Promise.all([receiver.close(), other.close()]);
});
beforeEach(() => {
  receiver.reset();
  other.reset();
});
afterEach(async () => {
  unregister();
  await Promise.all([...apps].map((app) => app.shutdown()));
});

interface App {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** What an app does after making the host: one SDK provider per signal, registered globally, exporting to `to`. */
function registerApp(to: OtlpReceiver, service: string, spanLimits?: SpanLimits): App {
  const resource = resourceFromAttributes({ 'service.name': service });
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${to.endpoint}/v1/traces` }))],
    ...(spanLimits ? { spanLimits } : {}),
  });
  const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${to.endpoint}/v1/logs` }) })] });
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: new OtlpGuestMetricExporter('http/protobuf', { url: `${to.endpoint}/v1/metrics` }), exportIntervalMillis: 3_600_000 })],
  });
  expect(trace.setGlobalTracerProvider(tracerProvider)).toBe(true);
  logs.setGlobalLoggerProvider(loggerProvider);
  expect(metrics.setGlobalMeterProvider(meterProvider)).toBe(true);
  const app: App = {
    flush: async () => {
      await Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    shutdown: async () => {
      if (apps.includes(app)) apps.splice(apps.indexOf(app), 1);
      else return;
      await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
  apps.push(app);
  return app;
}

function unregister(): void {
  trace.disable();
  logs.disable();
  metrics.disable();
}

/** Runs `body` inside the app's own active span `request` (ended after it); returns that span. */
async function inRequest(body: () => Promise<unknown>): Promise<Span> {
  return trace.getTracer('app').startActiveSpan('request', async (span) => {
    try {
      await body();
    } finally {
      span.end();
    }
    return span;
  });
}

/** [spanId, traceId, parentSpanId] of the nested-spans scenario's spans. */
function nestedIds(spans: OtlpSpan[]): [string, string, string][] {
  return ['outer', 'middle', 'inner'].map((name) => {
    const span = byName(spans, name);
    return [span.spanId, span.traceId, span.parentSpanId];
  });
}

/** The first n guest ids of a fresh scenarios instance, as the nested-spans scenario chains them. */
function expectedNested(first: number, traceId: string, hostSpanId: string): [string, string, string][] {
  return [
    [guestId(first), traceId, hostSpanId],
    [guestId(first + 1), traceId, guestId(first)],
    [guestId(first + 2), traceId, guestId(first + 1)],
  ];
}

async function scenariosHost(): Promise<{ host: WasmOtelHost; instance: Awaited<ReturnType<Awaited<ReturnType<WasmOtelHost['load']>>['instantiate']>> }> {
  const host = createHost();
  const instance = await (await host.load(component('scenarios.wasm'))).instantiate();
  return { host, instance };
}

describe('createHost() without providers follows the global ones', () => {
  it('host made and guest instantiated before the app registers its providers: spans under the app\'s active span, with exact ids', async () => {
    const { host, instance } = await scenariosHost();
    const app = registerApp(receiver, 'app-a');
    const request = await inRequest(() => instance.call('nested-spans'));
    await app.flush();
    const spans = await receiver.waitForSpans(5);
    expect(spans).toHaveLength(5);
    const { traceId, spanId } = request.spanContext();
    expect(byName(spans, 'request').spanId).toBe(spanId);
    const hostSpan = byName(spans, 'scenarios.wasm');
    expect([hostSpan.traceId, hostSpan.parentSpanId, hostSpan.scope.name]).toEqual([traceId, spanId, 'wasm-otel']);
    expect(nestedIds(spans)).toEqual(expectedNested(1, traceId, hostSpan.spanId));
    expect(spans.map((s) => s.resource['service.name'])).toEqual(Array(5).fill('app-a'));
    expect(warnings).toEqual([]);
    expect(host.problems()).toEqual({});
  });

  it('guest log records (wasi:otel/logs) go to the logger provider registered after the host was made', async () => {
    const { host, instance } = await scenariosHost();
    const app = registerApp(receiver, 'app-a');
    const request = await inRequest(() => instance.call('metrics-and-logs'));
    await app.flush();
    const spans = await receiver.waitForSpans(3);
    const checkout = byName(spans, 'checkout');
    expect([checkout.spanId, checkout.traceId, checkout.parentSpanId]).toEqual([guestId(1), request.spanContext().traceId, byName(spans, 'scenarios.wasm').spanId]);
    expectScenarioLog(await waitForLogs(receiver, 1), checkout);
    expect(host.problems()).toEqual({});
  });

  it('a core module: its spans and statsd metrics go to the providers registered after it was instantiated', async () => {
    const host = createHost();
    const instance = await (await host.loadModule(component('reactor.wasm'))).instantiate();
    const app = registerApp(receiver, 'app-a');
    let result: unknown;
    const request = await inRequest(async () => (result = await instance.call('work')));
    expect(result).toBe(101);
    await app.flush();
    const spans = await receiver.waitForSpans(3);
    expect(spans).toHaveLength(3);
    const { traceId, spanId } = request.spanContext();
    const hostSpan = byName(spans, 'reactor.wasm');
    const work = byName(spans, 'reactor-work');
    expect([hostSpan.traceId, hostSpan.parentSpanId]).toEqual([traceId, spanId]);
    expect([work.traceId, work.parentSpanId, work.attributes]).toEqual([traceId, hostSpan.spanId, { calls: '101' }]);
    const [metric] = await waitForMetrics(receiver, 1);
    expect([metric!.resource, metric!.scope.name, metric!.name, metric!.type, metric!.isMonotonic]).toEqual([{ 'service.name': 'app-a' }, 'dylibso:observe/api', 'reactor.calls', 'sum', true]);
    expect(metric!.points.map((p) => [p.attributes, p.value])).toEqual([[{}, { asDouble: 1 }]]);
    expect(host.problems()).toEqual({});
  });

  it('a call while no tracer provider is registered says so once (diag); nothing of it is exported later', async () => {
    const { host, instance } = await scenariosHost();
    await instance.call('nested-spans');
    await instance.call('nested-spans');
    expect(warnings).toEqual([NO_PROVIDER_WARNING]);
    const app = registerApp(receiver, 'app-a');
    await instance.call('nested-spans');
    await app.flush();
    const spans = await receiver.waitForSpans(4);
    expect(spans).toHaveLength(4);
    // No active span: the host span is a root; the guest's ids go on counting in the same instance.
    const hostSpan = byName(spans, 'scenarios.wasm');
    expect(hostSpan.parentSpanId).toBe('');
    expect(nestedIds(spans)).toEqual(expectedNested(7, hostSpan.traceId, hostSpan.spanId));
    expect(warnings).toEqual([NO_PROVIDER_WARNING]);
    expect(host.problems()).toEqual({});
  });

  it('providers swapped (disable, register another): the same instances follow, with the new span limits', async () => {
    const host = createHost();
    const scenarios = await (await host.load(component('scenarios.wasm'))).instantiate();
    const reactor = await (await host.loadModule(component('reactor.wasm'))).instantiate();
    const first = registerApp(receiver, 'app-a');
    const one = await inRequest(async () => {
      await scenarios.call('nested-spans');
      await scenarios.call('metrics-and-logs');
      await reactor.call('work');
    });
    // Shutting down flushes (a final metrics collection included).
    unregister();
    await first.shutdown();
    const second = registerApp(other, 'app-b', { attributeCountLimit: 1 });
    const two = await inRequest(async () => {
      await scenarios.call('nested-spans');
      await scenarios.call('metrics-and-logs');
      await reactor.call('work');
    });
    await second.flush();

    for (const [to, request, service, firstId] of [
      [receiver, one, 'app-a', 1],
      [other, two, 'app-b', 5],
    ] as const) {
      const spans = await to.waitForSpans(9);
      expect(spans).toHaveLength(9);
      const traceId = request.spanContext().traceId;
      expect(spans.map((s) => [s.traceId, s.resource['service.name']])).toEqual(Array(9).fill([traceId, service]));
      const hosts = spans.filter((s) => s.name === 'scenarios.wasm');
      const outer = byName(spans, 'outer');
      const nestedHost = hosts.find((h) => h.spanId === outer.parentSpanId)!;
      expect(nestedIds(spans)).toEqual(expectedNested(firstId, traceId, nestedHost.spanId));
      expect(byName(spans, 'checkout').spanId).toBe(guestId(firstId + 3));
      expect(byName(spans, 'reactor-work').attributes).toEqual({ calls: service === 'app-a' ? '101' : '102' });
      expect(receivedLogs(to).map((l) => [l.body, l.spanId])).toEqual([['order placed', guestId(firstId + 3)]]);
      const metrics = await waitForMetrics(to, 1);
      expect(metrics.map((m) => [m.resource['service.name'], m.name, m.points.map((p) => p.value)])).toEqual([[service, 'reactor.calls', [{ asDouble: 1 }]]]);
      // The second provider's span limits apply to guest spans: one attribute of outer's two kept.
      expect([outer.attributes, outer.droppedAttributesCount]).toEqual(service === 'app-a' ? [{ level: 1n, demo: 'nested-spans' }, 0] : [{ level: 1n }, 1]);
    }
    expect(receivedMetrics(receiver)).toHaveLength(1);
    // outer and inner carry two attributes each (see scenarios.js): one of each is over the limit.
    expect(warnings).toEqual([
      `wasm-otel: attributes_dropped: span ${guestId(7)}: 1 attributes over the count limit dropped`,
      `wasm-otel: attributes_dropped: span ${guestId(5)}: 1 attributes over the count limit dropped`,
    ]);
    expect(host.problems()).toEqual({ attributes_dropped: 2 });
  });

  it('an explicit ProxyTracerProvider is followed too; an explicit no-op provider is fixed and not warned about', async () => {
    const host = createHost({ tracerProvider: trace.getTracerProvider() });
    const instance = await (await host.load(component('scenarios.wasm'))).instantiate();
    await instance.call('nested-spans');
    expect(warnings).toEqual([NO_PROVIDER_WARNING]);
    const app = registerApp(receiver, 'app-a');
    const request = await inRequest(() => instance.call('nested-spans'));
    await app.flush();
    const spans = await receiver.waitForSpans(5);
    expect(spans).toHaveLength(5);
    const hostSpan = byName(spans, 'scenarios.wasm');
    expect([hostSpan.traceId, hostSpan.parentSpanId]).toEqual([request.spanContext().traceId, request.spanContext().spanId]);
    expect(nestedIds(spans)).toEqual(expectedNested(4, request.spanContext().traceId, hostSpan.spanId));

    warnings.length = 0;
    receiver.reset();
    const noop = new ProxyTracerProvider().getDelegate();
    const quiet = await (await createHost({ tracerProvider: noop }).load(component('scenarios.wasm'))).instantiate();
    await inRequest(() => quiet.call('nested-spans'));
    await app.flush();
    expect((await receiver.waitForSpans(1)).map((s) => s.name)).toEqual(['request']);
    expect(warnings).toEqual([]);
  });
});
