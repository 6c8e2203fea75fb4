import { expect } from 'vitest';
import type { OtlpReceiver, OtlpSpan } from './otlp-receiver.js';

/** After `flush`, exactly `count` spans at the receiver (waits for them; fails on more or fewer). */
export async function flushedSpans(flush: () => Promise<void>, receiver: OtlpReceiver, count: number): Promise<OtlpSpan[]> {
  await flush();
  const spans = await receiver.waitForSpans(count);
  expect(spans).toHaveLength(count);
  return spans;
}
