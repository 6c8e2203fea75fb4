import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
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
  const ids = new Set(spans.filter((s) => s.name === 'flood').map((s) => s.spanId));
  expect(ids.size).toBe(count);
  for (const n of [1, 2, count - 1, count]) expect(ids.has(hex16(n))).toBe(true);
  const host = spans.filter((s) => s.name === 'flood.wasm');
  expect(host).toHaveLength(1);
}

describe('delivery of large runs', () => {
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
