/**
 * The README's embedder-imports example, run as written: a component importing the platform's own
 * interface gets it from `instantiate({ imports })` by unversioned name, and the spans the platform
 * starts inside it are children of the call's host span.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHost, WasmOtelError } from '../src/index.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;
let provider: BasicTracerProvider;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // What an app's NodeSDK / NodeTracerProvider.register() sets up: a global provider and context manager.
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }))] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  trace.disable();
  context.disable();
  await receiver.close();
});

it('instantiate({ imports }): the platform import is called inside the host span; result as jco lifts it (u64: bigint)', async () => {
  const host = createHost();
  const store = new Map<number, bigint>([[7, 40n], [8, 2n]]);
  const tracer = trace.getTracer('platform');
  const seen: number[] = [];
  const loaded = await host.load(component('platform-kv.wasm'));
  expect(loaded.shape).toBeUndefined();
  const instance = await loaded.instantiate({
    imports: {
      'wasm-otel:platform/key-value': {
        get: (key: number): bigint =>
          tracer.startActiveSpan('kv.get', (span) => {
            seen.push(key);
            span.setAttribute('kv.key', key);
            span.end();
            return store.get(key) ?? 0n;
          }),
      },
    },
  });
  expect(await instance.call('sum-pair', 7)).toBe(42n);
  expect(seen).toEqual([7, 8]);
  await provider.forceFlush();
  const spans = await receiver.waitForSpans(3);
  const hostSpan = byName(spans, 'platform-kv.wasm');
  const gets = spans.filter((s) => s.name === 'kv.get');
  expect(gets.map((s) => [s.traceId, s.parentSpanId, s.attributes])).toEqual([
    [hostSpan.traceId, hostSpan.spanId, { 'kv.key': 7n }],
    [hostSpan.traceId, hostSpan.spanId, { 'kv.key': 8n }],
  ]);
  expect(trace.getActiveSpan()).toBeUndefined();
});

it('without the platform import: missing_import naming it, before anything runs', async () => {
  const host = createHost();
  const error = await (await host.load(component('platform-kv.wasm'))).instantiate().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WasmOtelError);
  expect([(error as WasmOtelError).code, (error as WasmOtelError).message]).toEqual([
    'missing_import',
    'platform-kv.wasm imports wasm-otel:platform/key-value, which this host does not provide',
  ]);
});
