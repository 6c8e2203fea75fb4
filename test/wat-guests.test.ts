import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHost } from '../src/index.js';
import { runCli } from './support/cli.js';
import { hostFor } from './support/library-host.js';
import { OtlpStatusCode, startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { hostSpanOf } from './support/scenarios.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

function expectCurrentSpanTree(spans: Awaited<ReturnType<OtlpReceiver['waitForSpans']>>): void {
  expect(spans).toHaveLength(3);
  const host = hostSpanOf(spans, 'current-span.wasm');
  const first = byName(spans, 'first');
  const second = byName(spans, 'second');
  expect(first.spanId).toBe('c000000000000001');
  expect(second.spanId).toBe('c000000000000002');
  // current-span-context: the host span when no guest span is open, then the open `first`.
  expect(first.parentSpanId).toBe(host.spanId);
  expect(second.parentSpanId).toBe(first.spanId);
  expect(first.traceId).toBe(host.traceId);
  expect(second.traceId).toBe(host.traceId);
}

describe('WAT guests built with jco parse/embed/new', () => {
  it('main shape: current-span-context returns the innermost open span (library)', async () => {
    const { host, flush } = hostFor(receiver);
    const instance = await (await host.load(component('current-span.wasm'))).instantiate();
    await instance.call('run');
    await flush();
    expectCurrentSpanTree(await receiver.waitForSpans(3));
    expect(host.problems()).toEqual({});
  });

  it('main shape through the CLI: --invoke run', async () => {
    const result = await runCli(['run', component('current-span.wasm'), '--invoke', 'run'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expectCurrentSpanTree(await receiver.waitForSpans(3));
  });

  it('a WAT guest that traps with a span open: exit 1, the span closed with status error', async () => {
    const result = await runCli(['run', component('trap.wasm'), '--invoke', 'run'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^wasm-otel: trap\.wasm trapped: .*unreachable.*\n$/);
    const spans = await receiver.waitForSpans(2);
    const host = hostSpanOf(spans, 'trap.wasm');
    const open = byName(spans, 'unended guest span');
    expect(open.spanId).toBe('d000000000000001');
    expect(open.parentSpanId).toBe(host.spanId);
    expect(open.attributes).toEqual({ 'wasm_otel.span.close_reason': 'trap' });
    expect(open.status.code).toBe(OtlpStatusCode.ERROR);
    expect(host.status.code).toBe(OtlpStatusCode.ERROR);
  });
});

describe('library API', () => {
  it('uses the global tracer provider by default, and the active span as the host span parent', async () => {
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }))],
    });
    trace.setGlobalTracerProvider(provider);
    try {
      const host = createHost();
      const instance = await (await host.load(component('current-span.wasm'))).instantiate();
      const request = trace.getTracer('app').startSpan('request');
      await instance.invoke('run', [], { parentContext: trace.setSpan(await import('@opentelemetry/api').then((m) => m.context.active()), request) });
      request.end();
      await provider.forceFlush();
      const spans = await receiver.waitForSpans(4);
      const hostSpan = byName(spans, 'current-span.wasm');
      expect(hostSpan.parentSpanId).toBe(request.spanContext().spanId);
      expect(hostSpan.traceId).toBe(request.spanContext().traceId);
      expect(byName(spans, 'first').parentSpanId).toBe(hostSpan.spanId);
      expect(byName(spans, 'first').traceId).toBe(request.spanContext().traceId);
    } finally {
      trace.disable();
    }
  });

  it('caches the transpiled component by content hash: the second load skips transpiling', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'wasm-otel-lib-cache-'));
    try {
      const first = await createHost({ spanProcessors: [], cacheDir }).load(component('span-bench.wasm'));
      const second = await createHost({ spanProcessors: [], cacheDir }).load(component('span-bench.wasm'));
      expect(first.fromCache).toBe(false);
      expect(second.fromCache).toBe(true);
      expect(second.hash).toBe(first.hash);
      expect(second.transpiled.dir).toBe(first.transpiled.dir);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('without a cache (cacheDir: false) the temporary output is removed once loaded, and the component still runs', async () => {
    const loaded = await createHost({ spanProcessors: [], cacheDir: false }).load(component('span-bench.wasm'));
    expect(loaded.fromCache).toBe(false);
    expect(existsSync(loaded.transpiled.dir)).toBe(false);
    const instance = await loaded.instantiate();
    await instance.call('emit-span');
    expect(instance.openSpanCount).toBe(0);
  });
});
