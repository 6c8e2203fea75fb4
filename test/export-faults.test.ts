import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, type CliResult } from './support/cli.js';
import { deadEndpoint } from './support/dead-endpoint.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceiverFault } from './support/otlp-receiver.js';
import { receivedLogs, receivedMetrics } from './support/otlp-signals.js';
import { component } from './support/paths.js';
import { expectScenario, expectScenarioTelemetry } from './support/scenarios.js';
import { byName } from './support/span-tree.js';

/*
 * A misbehaving collector on 127.0.0.1 (down, slow, 500, 429, reset, never answers): the CLI
 * keeps the guest's exit code, says in one line per signal what it could not deliver and where,
 * and exits within the documented timeouts. The guest is the demo (scenarios.wasm's
 * wasi:cli/run): 5 spans, 1 log record, 1 metric batch.
 */

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** Requests per signal that reached the collector (answered with a fault or not). */
let attempts: Record<string, number> = {};

async function collector(fault: (attempt: number) => ReceiverFault | undefined): Promise<string> {
  attempts = {};
  receiver = await startOtlpReceiver({
    fault: ({ signal, attempt }) => {
      attempts[signal ?? 'other'] = attempt;
      return fault(attempt);
    },
  });
  return receiver.endpoint;
}

/** A collector that answers every request with `fault`; `firstRequest` resolves when the first arrives. */
async function collectorWatched(fault: ReceiverFault): Promise<{ endpoint: string; firstRequest: Promise<void> }> {
  let arrived!: () => void;
  const firstRequest = new Promise<void>((resolve) => (arrived = resolve));
  const endpoint = await collector(() => {
    arrived();
    return fault;
  });
  return { endpoint, firstRequest };
}

async function timedRun(args: string[], env: Record<string, string>): Promise<CliResult & { millis: number }> {
  const started = performance.now();
  const result = await runCli(args, env);
  return { ...result, millis: performance.now() - started };
}

const demo = ['run', component('scenarios.wasm')];

function undeliveredLines(endpoint: string, reason: string): string[] {
  return [
    `wasm-otel: traces_export_failed: 5 spans not delivered to ${endpoint}/v1/traces (${reason})`,
    `wasm-otel: logs_export_failed: 1 log record not delivered to ${endpoint}/v1/logs (${reason})`,
    `wasm-otel: metrics_export_failed: 1 metric batch not delivered to ${endpoint}/v1/metrics (${reason})`,
  ];
}

const lines = (stderr: string): string[] => stderr.split('\n').filter((line) => line !== '');

describe('export failures: one line per signal, the guest exit code, bounded exit time', () => {
  it('a collector that is down: ECONNREFUSED for each signal, exit 0', async () => {
    const endpoint = await deadEndpoint();
    const result = await timedRun(demo, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '500' });
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toEqual(undeliveredLines(endpoint, 'ECONNREFUSED'));
    expect(result.stderr).not.toMatch(/stack|\{"/);
    expect(result.millis).toBeLessThan(10_000);
  });

  it('HTTP 500: not retried, the status is named', async () => {
    const endpoint = await collector(() => ({ kind: 'status', status: 500 }));
    const result = await timedRun(demo, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toEqual(undeliveredLines(endpoint, 'HTTP 500'));
    expect(attempts).toEqual({ traces: 1, logs: 1, metrics: 1 });
  });

  it('HTTP 429 until the timeout: retried, then reported', async () => {
    const endpoint = await collector(() => ({ kind: 'status', status: 429, retryAfter: '0' }));
    const result = await timedRun(demo, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '1500' });
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toEqual(undeliveredLines(endpoint, 'retryable HTTP status (429, 502, 503 or 504) until the retries ran out'));
    expect(result.millis).toBeLessThan(12_000);
    for (const signal of ['traces', 'logs', 'metrics']) expect(attempts[signal]).toBeGreaterThan(1); // retried
  });

  it('429 once, then accepted: everything delivered, nothing reported', async () => {
    const endpoint = await collector((attempt) => (attempt === 1 ? { kind: 'status', status: 429, retryAfter: '0' } : undefined));
    const result = await timedRun(demo, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(receiver!.spans()).toHaveLength(5);
    expect(receiver!.requests.map((r) => r.signal).sort()).toEqual(['logs', 'metrics', 'traces']);
    expect(attempts).toEqual({ traces: 2, logs: 2, metrics: 2 });
  });

  it('connections reset: ECONNRESET, retried until the timeout', async () => {
    const endpoint = await collector(() => ({ kind: 'reset' }));
    const result = await timedRun(demo, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '3000' });
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toEqual(undeliveredLines(endpoint, 'ECONNRESET'));
    // retried with backoff (the first retry after about a second) while the timeout allows
    for (const signal of ['traces', 'logs', 'metrics']) expect(attempts[signal]).toBeGreaterThan(1);
  });

  it('a collector that never answers: each request times out at OTEL_EXPORTER_OTLP_TIMEOUT', async () => {
    const endpoint = await collector(() => ({ kind: 'hang' }));
    const result = await timedRun(demo, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '700' });
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toEqual(undeliveredLines(endpoint, 'timed out'));
    expect(result.millis).toBeLessThan(10_000);
  });

  it('never answers, long request timeout: each signal gives up at its own export timeout', async () => {
    const endpoint = await collector(() => ({ kind: 'hang' }));
    const result = await timedRun(demo, {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_TIMEOUT: '120000',
      OTEL_BSP_EXPORT_TIMEOUT: '1000',
      OTEL_BLRP_EXPORT_TIMEOUT: '1000',
      OTEL_METRIC_EXPORT_TIMEOUT: '1000',
    });
    expect(result.code).toBe(0);
    expect(lines(result.stderr)).toEqual([
      `wasm-otel: traces_export_failed: 5 spans not delivered to ${endpoint}/v1/traces (5 still being sent at exit)`,
      `wasm-otel: logs_export_failed: 1 log record not delivered to ${endpoint}/v1/logs (1 still being sent at exit)`,
      `wasm-otel: metrics_export_failed: 1 metric batch not delivered to ${endpoint}/v1/metrics (1 still being sent at exit)`,
    ]);
    expect(result.millis).toBeLessThan(10_000);
  });

  it('a slow collector: everything delivered, nothing reported', async () => {
    const endpoint = await collector(() => ({ kind: 'delay', ms: 300 }));
    const result = await timedRun(demo, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const spans = receiver!.spans();
    expectScenario('run', spans);
    expectScenarioTelemetry(receivedLogs(receiver!), receivedMetrics(receiver!), byName(spans, 'checkout'));
  });

  it('a slow collector and many batches: all 15,001 spans delivered, in 30 requests, nothing reported', async () => {
    const endpoint = await collector(() => ({ kind: 'delay', ms: 50 }));
    const result = await timedRun(['run', component('flood.wasm'), '--invoke', 'spans-15k'], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const spans = receiver!.spans();
    expect(spans).toHaveLength(15_001);
    expect(new Set(spans.map((span) => span.spanId)).size).toBe(15_001);
    expect(spans.filter((span) => span.name === 'flood')).toHaveLength(15_000);
    expect(spans.filter((span) => span.name === 'flood.wasm')).toHaveLength(1);
    // 512 spans per batch (OTEL_BSP_MAX_EXPORT_BATCH_SIZE): 29 full batches and the rest.
    expect(receiver!.requests.filter((request) => request.path === '/v1/traces')).toHaveLength(30);
  });

  it('SIGTERM while the final flush waits on a collector that never answers: a line, the flush goes on within its bounds, exit 143', async () => {
    const { endpoint, firstRequest: flushing } = await collectorWatched({ kind: 'hang' });
    // Nothing leaves during the run (long schedule delay and interval): the first request is the final flush.
    const { child, result } = startCli(demo, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '1500', OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_BLRP_SCHEDULE_DELAY: '60000', OTEL_METRIC_EXPORT_INTERVAL: '60000' });
    await flushing;
    child.kill('SIGTERM');
    const done = await result;
    expect(done.code).toBe(143);
    expect(lines(done.stderr)).toEqual([
      'wasm-otel: SIGTERM while flushing telemetry: exiting when the flush is done (another signal exits at once)',
      ...undeliveredLines(endpoint, 'timed out'),
    ]);
  });

  it('a second signal while the flush waits on a collector that never answers: exits at once, saying how much is not delivered', async () => {
    const { endpoint, firstRequest: exporting } = await collectorWatched({ kind: 'hang' });
    const { child, result } = startCli(['run', component('flood.wasm'), '--invoke', 'spans-15k'], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' });
    await exporting;
    // The guest fills the 2,048 spans allowed on their way (within milliseconds), then waits for the collector.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill('SIGTERM');
    // The guest stops waiting at once and the run ends; the final flush waits on the collector.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill('SIGINT');
    const done = await result;
    expect(done.code).toBe(130);
    expect(lines(done.stderr)).toEqual([
      'wasm-otel: flood.wasm was interrupted by SIGTERM',
      // the 2,048 allowed on their way, the span being ended when the guest stopped waiting, and the host span
      'wasm-otel: second signal (SIGINT): exiting at once, without finishing the flush: 2,050 spans not delivered (still open, queued or being sent)',
    ]);
  });

  it('SIGTERM while the guest waits for a slow collector: its last spans and the host span are delivered too, none dropped', async () => {
    const { endpoint, firstRequest: exporting } = await collectorWatched({ kind: 'delay', ms: 200 });
    const { child, result } = startCli(['run', component('flood.wasm'), '--invoke', 'spans-100k'], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' });
    await exporting;
    await new Promise((resolve) => setTimeout(resolve, 500)); // the guest is waiting for room
    child.kill('SIGTERM');
    const done = await result;
    expect(done.code).toBe(143);
    expect(done.stderr).toBe('wasm-otel: flood.wasm was interrupted by SIGTERM\n');
    const spans = receiver!.spans();
    const host = spans.filter((span) => span.name === 'flood.wasm');
    expect(host).toHaveLength(1);
    expect(host[0]!.status.message).toBe('interrupted by SIGTERM');
    // Every span the guest ended, 1..n without a gap (ids are a counter), and nothing else.
    const ids = spans.filter((span) => span.name === 'flood').map((span) => parseInt(span.spanId, 16)).sort((a, b) => a - b);
    expect(ids.length).toBeGreaterThan(2048);
    expect(ids.length).toBeLessThan(100_000);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    // The signal may land between a span's on-start and its on-end: that one span, the next id,
    // is closed by the host (close reason signal) and delivered too. Nothing else.
    const others = spans.filter((span) => span.name !== 'flood' && span.name !== 'flood.wasm');
    expect(others.map((span) => [parseInt(span.spanId, 16), span.attributes['wasm_otel.span.close_reason']])).toEqual(others.length === 0 ? [] : [[ids.length + 1, 'signal']]);
    expect(spans).toHaveLength(ids.length + 1 + others.length);
  });

  it('the exit code stays the guest\'s when delivery fails', async () => {
    const endpoint = await deadEndpoint();
    const result = await timedRun(['run', component('scenarios.wasm'), '--invoke', 'exit-with-error'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_TIMEOUT: '300',
    });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([`wasm-otel: traces_export_failed: 2 spans not delivered to ${endpoint}/v1/traces (ECONNREFUSED)`]);
  });

  it('the SDK\'s diagnostics are single wasm-otel lines, never JSON or stacks (OTEL_LOG_LEVEL=debug)', async () => {
    const endpoint = await deadEndpoint();
    const result = await timedRun(demo, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '300', OTEL_LOG_LEVEL: 'debug' });
    expect(result.code).toBe(0);
    const all = lines(result.stderr);
    expect(all.length).toBeGreaterThan(3);
    for (const line of all) {
      expect(line).toMatch(/^wasm-otel: /);
      expect(line).not.toMatch(/"stack"|\{"|^\s+at /);
    }
  });
});
