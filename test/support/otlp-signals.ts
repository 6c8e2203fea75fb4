/**
 * Metrics and logs as the test OTLP receiver decoded them (official schema), flattened into plain
 * objects with exact values: 64-bit integers as bigint, ids as hex, attributes decoded. The
 * flattening is the conformance runner's (src/conformance/otlp-metrics-logs.ts).
 */
import { logsOf, metricsOf, type OtlpLog, type OtlpMetric } from '../../src/conformance/otlp-metrics-logs.js';
import type { OtlpReceiver } from './otlp-receiver.js';

export type { OtlpExemplar, OtlpLog, OtlpMetric, OtlpMetricPoint, OtlpScopeInfo } from '../../src/conformance/otlp-metrics-logs.js';

/** Every metric of every metrics request the receiver got, in order. */
export function receivedMetrics(receiver: OtlpReceiver): OtlpMetric[] {
  return receiver.requests.filter((r) => r.signal === 'metrics').flatMap((r) => metricsOf(r.decoded));
}

/** Every log record of every logs request the receiver got, in order. */
export function receivedLogs(receiver: OtlpReceiver): OtlpLog[] {
  return receiver.requests.filter((r) => r.signal === 'logs').flatMap((r) => logsOf(r.decoded));
}

/** Waits until `read()` returns at least `count` items. */
export async function waitForItems<T>(read: () => T[], count: number, what: string, timeoutMs = 10_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = read();
    if (items.length >= count) return items;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} ${what}; got ${items.length}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const waitForMetrics = (receiver: OtlpReceiver, count: number): Promise<OtlpMetric[]> =>
  waitForItems(() => receivedMetrics(receiver), count, 'metrics');
export const waitForLogs = (receiver: OtlpReceiver, count: number): Promise<OtlpLog[]> =>
  waitForItems(() => receivedLogs(receiver), count, 'log records');
