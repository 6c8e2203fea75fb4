import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCli, type CliResult } from './support/cli.js';
import { OtlpStatusCode, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { component } from './support/paths.js';

/*
 * SIGTERM, SIGINT and SIGHUP during a run: the CLI closes the spans still open (close reason
 * `signal`), flushes, and exits with 128 + the signal's number; a second signal exits at once.
 * The guests never return: flood.wasm `spin` (a loop that never calls the host: its thread is
 * stopped), `poll` (a loop that calls the host: unwound at its next call) and `poll-clock` (a
 * loop that calls a WASI function: unwound there too); probes-core.wasm
 * `spin` (a core module, the same with the Observe API). Each ends 1,000 spans first and leaves
 * one open.
 */

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const otlp = (): Record<string, string> => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' });

/** Starts the run, waits until the 1,000 ended spans (and the host's) are exported while it runs, sends `signal`. */
async function interrupted(args: string[], signal: NodeJS.Signals, env = otlp()): Promise<{ result: CliResult; spans: OtlpSpan[] }> {
  const { child, result } = startCli(args, env);
  try {
    await receiver.waitForSpans(1000, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  child.kill(signal);
  const done = await result;
  return { result: done, spans: await receiver.waitForSpans(1002, 10_000) };
}

function expectClosed(spans: OtlpSpan[], openName: string, hostName: string, signal: string): void {
  const host = spans.filter((s) => s.name === hostName);
  expect(host).toHaveLength(1);
  expect(host[0]!.status).toEqual({ code: OtlpStatusCode.ERROR, message: `interrupted by ${signal}` });
  const open = spans.filter((s) => s.name === openName);
  expect(open).toHaveLength(1);
  expect(open[0]!.status).toEqual({ code: OtlpStatusCode.ERROR, message: `span still open when the run was interrupted by ${signal}` });
  expect(open[0]!.attributes['wasm_otel.span.close_reason']).toBe('signal');
  expect(spans).toHaveLength(1002);
}

describe('signals', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal} during a guest that never calls the host again: its thread is stopped, open spans closed, exit ${code}`, async () => {
      const { result, spans } = await interrupted(['run', component('flood.wasm'), '--invoke', 'spin'], signal);
      expect(result.code).toBe(code);
      expect(result.stderr).toBe(`wasm-otel: flood.wasm was interrupted by ${signal} (the guest made no call into the host within 1000 ms: stopped)\n`);
      expectClosed(spans, 'unended guest span', 'flood.wasm', signal);
      const open = spans.find((s) => s.name === 'unended guest span')!;
      expect(open.spanId).toBe('00000000000003e9');
      expect(spans.filter((s) => s.name === 'flood')).toHaveLength(1000);
    });
  }

  it('SIGTERM during a guest that keeps calling the host: unwound at its next call, exit 143', async () => {
    const { result, spans } = await interrupted(['run', component('flood.wasm'), '--invoke', 'poll'], 'SIGTERM');
    expect(result.code).toBe(143);
    expect(result.stderr).toBe('wasm-otel: flood.wasm was interrupted by SIGTERM\n');
    expectClosed(spans, 'unended guest span', 'flood.wasm', 'SIGTERM');
  });

  it('SIGTERM during a guest that keeps calling a WASI function (monotonic-clock.now): unwound there, exit 143', async () => {
    const { result, spans } = await interrupted(['run', component('flood.wasm'), '--invoke', 'poll-clock'], 'SIGTERM');
    expect(result.code).toBe(143);
    expect(result.stderr).toBe('wasm-otel: flood.wasm was interrupted by SIGTERM\n');
    expectClosed(spans, 'unended guest span', 'flood.wasm', 'SIGTERM');
    expect(spans.filter((s) => s.name === 'flood')).toHaveLength(1000);
  });

  it('a core module (Observe API spans), SIGTERM: the same', async () => {
    const { result, spans } = await interrupted(['run', component('probes-core.wasm'), '--invoke', 'spin'], 'SIGTERM');
    expect(result.code).toBe(143);
    expectClosed(spans, 'waiting', 'probes-core.wasm', 'SIGTERM');
    const host = spans.find((s) => s.name === 'probes-core.wasm')!;
    const waiting = spans.find((s) => s.name === 'waiting')!;
    expect(waiting.parentSpanId).toBe(host.spanId);
    expect(spans.filter((s) => s.name === 'flood' && s.parentSpanId === host.spanId)).toHaveLength(1000);
  });

  it('the console report too (no collector): the trees are printed before the exit', async () => {
    const { child, result } = startCli(['run', component('flood.wasm'), '--invoke', 'spin'], {});
    // No collector to watch for the 1,000 spans (the report prints at exit): a generous margin (it takes ~0.7 s).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    child.kill('SIGTERM');
    const done = await result;
    expect(done.code).toBe(143);
    expect(done.stderr).toMatch(/^wasm-otel: flood.wasm was interrupted by SIGTERM \(the guest made no call into the host within 1000 ms: stopped\)\n/);
    expect(done.stderr).toContain('unended guest span  internal');
    expect(done.stderr).toContain('wasm_otel.span.close_reason="signal"');
  });

  it('a second signal exits at once, with its own code', async () => {
    const { child, result } = startCli(['run', component('flood.wasm'), '--invoke', 'spin'], otlp());
    await receiver.waitForSpans(1000, 30_000);
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGINT');
    const done = await result;
    expect(done.code).toBe(130);
    // Everything ended was delivered while the guest ran; the spans still open (the guest's and the host's) are lost, and said.
    expect(done.stderr).toBe('wasm-otel: second signal (SIGINT): exiting at once, without finishing the flush: 2 spans not delivered (still open, queued or being sent)\n');
  });

  it('the same signal twice at once (as `timeout` sends it to the process and its group) is one signal', async () => {
    const { child, result } = startCli(['run', component('flood.wasm'), '--invoke', 'spin'], otlp());
    await receiver.waitForSpans(1000, 30_000);
    child.kill('SIGTERM');
    // Not at once (two pending SIGTERMs merge into one in the kernel): after the first was taken, within 250 ms.
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGTERM');
    const done = await result;
    expect(done.code).toBe(143);
    expect(done.stderr).toBe('wasm-otel: flood.wasm was interrupted by SIGTERM (the guest made no call into the host within 1000 ms: stopped)\n');
    expectClosed(await receiver.waitForSpans(1002, 10_000), 'unended guest span', 'flood.wasm', 'SIGTERM');
  });
});
