import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WasmOtelError, type LoadedComponent } from '../src/index.js';
import { startOtlpReceiver, OtlpStatusCode, type OtlpReceiver } from './support/otlp-receiver.js';
import { hostFor, TEST_SERVICE } from './support/library-host.js';
import { component } from './support/paths.js';
import { waitForLogs, waitForMetrics } from './support/otlp-signals.js';
import { ALL_SCENARIOS, SPAN_COUNT, expectScenario, expectScenarioTelemetry, guestId } from './support/scenarios.js';
import { byName, closedByHost, problemsSince } from './support/span-tree.js';

let receiver: OtlpReceiver;
let flush: () => Promise<void>;
let scenarios: LoadedComponent;
let host: ReturnType<typeof hostFor>['host'];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  ({ host, flush } = hostFor(receiver));
  scenarios = await host.load(component('scenarios.wasm'));
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

describe('scenarios through the library, exported over OTLP/HTTP protobuf', () => {
  for (const name of ALL_SCENARIOS) {
    it(name, async () => {
      const before = host.problems();
      const instance = await scenarios.instantiate();
      await instance.invoke(name, [], { finalCall: true });
      await flush();
      const spans = await receiver.waitForSpans(SPAN_COUNT[name]!);
      expectScenario(name, spans);
      expect(spans.every((s) => s.resource['service.name'] === TEST_SERVICE)).toBe(true);
      expect(receiver.requests.every((r) => r.encoding === 'protobuf' && r.path === '/v1/traces')).toBe(true);
      expect(problemsSince(host.problems(), before)).toEqual(closedByHost(spans));
    });
  }

  it('trap: the call rejects with guest_trap; open spans are closed and exported', async () => {
    const instance = await scenarios.instantiate();
    const error = await instance.call('trap').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmOtelError);
    expect((error as WasmOtelError).code).toBe('guest_trap');
    expect((error as WasmOtelError).message).toMatch(/^scenarios\.wasm trapped: .*unreachable/);
    await flush();
    expectScenario('trap', await receiver.waitForSpans(3));
    expect(instance.openSpanCount).toBe(0);
  });

  it('wasi:cli/run runs the demo (nested spans, then a log and metrics) and resolves to exit code 0', async () => {
    const instance = await scenarios.instantiate();
    expect(await instance.run()).toBe(0);
    await flush();
    const spans = await receiver.waitForSpans(5);
    expectScenario('run', spans);
    expectScenarioTelemetry(await waitForLogs(receiver, 1), await waitForMetrics(receiver, 4), byName(spans, 'checkout'));
  });

  it('metrics-and-logs: the log record belongs to its span, the metrics arrive exactly as the guest sent them', async () => {
    const before = host.problems();
    const instance = await scenarios.instantiate();
    await instance.invoke('metrics-and-logs', [], { finalCall: true });
    await flush();
    const spans = await receiver.waitForSpans(2);
    expectScenario('metrics-and-logs', spans);
    expectScenarioTelemetry(await waitForLogs(receiver, 1), await waitForMetrics(receiver, 4), byName(spans, 'checkout'));
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/v1/logs', '/v1/metrics', '/v1/traces', '/v1/traces']);
    expect(problemsSince(host.problems(), before)).toEqual({});
  });

  it('a span left open by a non-final call stays open until dispose()', async () => {
    const instance = await scenarios.instantiate();
    await instance.call('never-ended');
    expect(instance.openSpanCount).toBe(1);
    await flush();
    expect((await receiver.waitForSpans(1)).map((s) => s.name)).toEqual(['scenarios.wasm']);
    instance.dispose();
    await flush();
    const spans = await receiver.waitForSpans(2);
    const unended = byName(spans, 'unended guest span');
    expect(unended.spanId).toBe(guestId(1));
    expect(unended.parentSpanId).toBe(byName(spans, 'scenarios.wasm').spanId);
    expect(unended.attributes).toEqual({ 'wasm_otel.span.close_reason': 'dispose' });
    expect(unended.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'span still open when the guest instance was disposed' });
  });

  it('each instance has its own span state', async () => {
    const a = await scenarios.instantiate();
    const b = await scenarios.instantiate();
    await a.call('never-ended');
    // b's spans must not see a's open span as their parent
    await b.call('nested-spans');
    await flush();
    const spans = await receiver.waitForSpans(5);
    const hosts = spans.filter((s) => s.name === 'scenarios.wasm');
    const outer = byName(spans, 'outer');
    const bHost = hosts.find((h) => h.spanId === outer.parentSpanId);
    expect(bHost).toBeDefined();
    expect(outer.traceId).toBe(bHost!.traceId);
    expect(a.openSpanCount).toBe(1);
    expect(b.openSpanCount).toBe(0);
    a.dispose();
  });

  it('args given to instantiate() reach the guest', async () => {
    const instance = await scenarios.instantiate({ args: ['prog', 'x y', 'é"q'] });
    await instance.call('echo-args');
    await flush();
    const spans = await receiver.waitForSpans(2);
    expect(byName(spans, 'echo-args').attributes).toEqual({ 'guest.args': ['prog', 'x y', 'é"q'] });
  });

  it('exit(err) rejects with guest_exit carrying the code; the open span is closed with reason exit', async () => {
    const instance = await scenarios.instantiate();
    const error = (await instance.call('exit-with-error').catch((e: unknown) => e)) as WasmOtelError;
    expect(error.code).toBe('guest_exit');
    expect(error.message).toBe('scenarios.wasm exited with code 1');
    await flush();
    const spans = await receiver.waitForSpans(2);
    expect(byName(spans, 'unended guest span').attributes).toEqual({ 'wasm_otel.span.close_reason': 'exit' });
    expect(instance.openSpanCount).toBe(0);
  });

  it('an unknown export is a clear error naming what exists', async () => {
    const instance = await scenarios.instantiate();
    const error = (await instance.call('nope').catch((e: unknown) => e)) as WasmOtelError;
    expect(error.code).toBe('unknown_export');
    expect(error.message).toBe(
      'scenarios.wasm has no root function export "nope" (it exports: attributes, echo-args, events, exit-with-error, links, logging-levels, metrics-and-logs, nested-spans, never-ended, new-root, observe-after-end, observe-all, observe-dropped, observe-in-otel, observe-trap, otel-in-observe, outlives-parent, span-kinds, statuses, trace-state, trap)',
    );
  });
});
