import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { OtlpStatusCode, startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { ALL_SCENARIOS, SPAN_COUNT, expectScenario, expectScenarioTelemetry, guestId, hostSpanOf } from './support/scenarios.js';
import { waitForLogs, waitForMetrics } from './support/otlp-signals.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const otlp = (): Record<string, string> => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'cli-test' });

describe('scenarios through the CLI (child process), OTLP/HTTP protobuf', () => {
  for (const name of ALL_SCENARIOS) {
    it(`--invoke ${name}`, async () => {
      const result = await runCli(['run', component('scenarios.wasm'), '--invoke', name], otlp());
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const spans = await receiver.waitForSpans(SPAN_COUNT[name]!);
      expectScenario(name, spans);
      expect(spans.every((s) => s.resource['service.name'] === 'cli-test')).toBe(true);
      expect(receiver.requests.every((r) => r.encoding === 'protobuf')).toBe(true);
    });
  }

  it('without --invoke it calls wasi:cli/run (the demo: nested spans, a log, metrics), all three signals over OTLP', async () => {
    const result = await runCli(['run', component('scenarios.wasm')], otlp());
    expect(result.code).toBe(0);
    const spans = await receiver.waitForSpans(5);
    expectScenario('run', spans);
    expectScenarioTelemetry(await waitForLogs(receiver, 1), await waitForMetrics(receiver, 4), byName(spans, 'checkout'));
    expect(receiver.requests.every((r) => r.encoding === 'protobuf')).toBe(true);
  });

  it('a trap exits 1 with a one-line reason, and the spans it left open are exported', async () => {
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'trap'], otlp());
    expect(result.code).toBe(1);
    const ours = result.stderr.split('\n').filter((line) => line.startsWith('wasm-otel:'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/^wasm-otel: scenarios\.wasm trapped: .*unreachable/);
    expectScenario('trap', await receiver.waitForSpans(3));
  });

  it('guest arguments after -- reach the guest (the program name is the file name)', async () => {
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'echo-args', '--', 'a', 'b c', '--invoke'], otlp());
    expect(result.code).toBe(0);
    const spans = await receiver.waitForSpans(2);
    const host = hostSpanOf(spans, 'scenarios.wasm');
    const span = byName(spans, 'echo-args');
    expect(span.parentSpanId).toBe(host.spanId);
    expect(span.attributes).toEqual({ 'guest.args': ['scenarios.wasm', 'a', 'b c', '--invoke'] });
  });

  it('a guest that calls exit(err) with a span open: exit code 1, span closed, everything flushed', async () => {
    const hostIdentity = {
      'wasm.module.name': 'scenarios.wasm',
      'wasm.module.kind': 'component',
      'wasm.module.sha256': createHash('sha256').update(readFileSync(component('scenarios.wasm'))).digest('hex'),
      'wasm.otel.shape': 'rc.2',
      'wasm.otel.version': '0.2.0-rc.2',
    };
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'exit-with-error'], otlp());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const spans = await receiver.waitForSpans(2);
    const host = hostSpanOf(spans, 'scenarios.wasm');
    expect(host.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'guest exited with code 1' });
    expect(host.attributes).toEqual({ ...hostIdentity, 'wasm.export': 'exit-with-error', 'process.exit.code': 1n });
    const open = byName(spans, 'unended guest span');
    expect(open.spanId).toBe(guestId(1));
    expect(open.parentSpanId).toBe(host.spanId);
    expect(open.attributes).toEqual({ 'wasm_otel.span.close_reason': 'exit' });
    expect(open.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited with code 1' });
  });

  it('an unknown export exits 1 naming the exports', async () => {
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'nope'], otlp());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'wasm-otel: scenarios.wasm has no root function export "nope" (it exports: attributes, echo-args, events, exit-with-error, links, logging-levels, metrics-and-logs, nested-spans, never-ended, new-root, observe-after-end, observe-all, observe-dropped, observe-in-otel, observe-trap, otel-in-observe, outlives-parent, span-kinds, statuses, trace-state, trap)\n',
    );
  });

  it('a component without wasi:cli/run and no --invoke exits 1 with a hint', async () => {
    const result = await runCli(['run', component('trap.wasm')], otlp());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('wasm-otel: trap.wasm does not export wasi:cli/run; use --invoke with one of: run\n');
  });
});
