import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from './support/cli.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';

/*
 * Volume: every span a guest ends reaches a working collector (components/flood.wasm: span ids
 * are the guest's counter in hex, all in trace f1f1...).
 */

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

function expectFloodSpans(count: number): void {
  const spans = receiver.spans();
  expect(spans).toHaveLength(count + 1); // each once: nothing delivered twice
  const ids = new Set(spans.filter((s) => s.name === 'flood').map((s) => s.spanId));
  expect(ids.size).toBe(count);
  for (const n of [1, 2, count - 1, count]) expect(ids.has(hex16(n))).toBe(true);
  const host = spans.filter((s) => s.name === 'flood.wasm');
  expect(host).toHaveLength(1);
}

describe('delivery of large runs', () => {
  it('default settings: 100,000 spans in one call all reach the collector', async () => {
    const result = await runCli(['run', component('flood.wasm'), '--invoke', 'spans-100k'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await receiver.waitForSpans(100_001);
    expectFloodSpans(100_000);
  }, 120_000);

  it("a long-running guest's spans leave while it runs (it waits for the collector to have its first span)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wasm-otel-sync-'));
    try {
      const { child, result } = startCli(['run', component('probes-core.wasm'), '--invoke', 'wait-for-file', '--dir', `${dir}::/sync`], {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '50',
      });
      try {
        const [first] = await receiver.waitForSpans(1, 20_000);
        expect(first!.name).toBe('first');
      } catch (error) {
        child.kill('SIGKILL');
        throw error;
      }
      // Only now does the guest go on: the span left while it was still running.
      await writeFile(join(dir, 'ready'), '');
      const done = await result;
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      const spans = await receiver.waitForSpans(3);
      expect(spans.map((s) => s.name).sort()).toEqual(['first', 'probes-core.wasm', 'second']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a failing collector: the guest stops waiting; what the queue cannot hold is dropped and counted (spans_dropped), at warn level, with the number', async () => {
    const result = await runCli(['run', component('flood.wasm'), '--invoke', 'spans-15k'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_EXPORTER_OTLP_TIMEOUT: '300',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
    });
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    // (the batch size follows the queue of 100 without a word: only OTEL_BSP_MAX_QUEUE_SIZE was set)
    const dropped = /^wasm-otel: spans_dropped: ([\d,]+) spans dropped: more than 100 \(OTEL_BSP_MAX_QUEUE_SIZE\) were waiting for an exporter that failed or was too slow$/.exec(lines[0]!);
    const failed = /^wasm-otel: traces_export_failed: ([\d,]+) spans not delivered to http:\/\/127\.0\.0\.1:9\/v1\/traces \(ECONNREFUSED\)$/.exec(lines[1]!);
    expect(dropped).not.toBeNull();
    expect(failed).not.toBeNull();
    const count = (text: string): number => Number(text.replaceAll(',', ''));
    expect(count(dropped![1]!)).toBeGreaterThan(0);
    // every span is accounted for: 15,000 guest spans and the host span
    expect(count(dropped![1]!) + count(failed![1]!)).toBe(15_001);
    expect(lines).toHaveLength(2);
  });

  it("nothing the guest writes to stdout is lost (the worker thread's output is not forwarded asynchronously)", async () => {
    const result = await runCli(['run', component('printer.wasm'), '--invoke', 'print-100k'], { OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${'x'.repeat(3999)}\n`.repeat(25));
    expect(result.stderr).toBe('');
  });

  it('OTEL_BSP_MAX_QUEUE_SIZE=15000: the final flush delivers every queued span (no "Concurrent export limit reached")', async () => {
    const result = await runCli(['run', component('flood.wasm'), '--invoke', 'spans-15k'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_MAX_QUEUE_SIZE: '15000',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await receiver.waitForSpans(15_001);
    expectFloodSpans(15_000);
  });
});
