import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProblemCounter, runInWorker, telemetryFromEnv } from '../src/index.js';
import { OtlpStatusCode, startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';

/*
 * The library's way to run a guest on a worker thread with its telemetry exported on the
 * calling thread (what `wasm-otel run` does): delivery while the guest runs, interrupts.
 */

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
const saved = { ...process.env };
afterEach(() => {
  receiver.reset();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('runInWorker', () => {
  it("with telemetryFromEnv's exporters: 100,000 spans of one call delivered; the outcome and problems come back", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    const problems = new ProblemCounter();
    const telemetry = telemetryFromEnv(problems);
    const run = runInWorker({
      file: component('flood.wasm'),
      invoke: 'spans-100k',
      tracerProvider: telemetry.tracerProvider!,
      loggerProvider: telemetry.loggerProvider!,
      metricExporters: telemetry.metricExporters,
      ledgers: telemetry.ledgers,
      problemCounter: problems,
    });
    const outcome = await run.outcome;
    await telemetry.shutdown();
    expect(outcome).toEqual({ exitCode: 0, stopped: false });
    expect(receiver.spans()).toHaveLength(100_001);
    expect(problems.snapshot()).toEqual({});
  }, 60_000);

  it("with the app's own provider; the guest's problems are counted in the caller's counter", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const problems = new ProblemCounter();
    const outcome = await runInWorker({ file: component('hostile.wasm'), invoke: 'bad-utf8', tracerProvider: provider, problemCounter: problems }).outcome;
    expect(outcome).toEqual({ exitCode: 0, stopped: false });
    expect(exporter.getFinishedSpans().map((s) => s.name).sort()).toEqual(['bad-utf8-ok', 'bad\ufffd\ufffdname', 'hostile.wasm']);
    expect(problems.snapshot()).toEqual({ invalid_utf8: 2 });
  });

  it('interrupt(): a guest that never returns is stopped after the grace period; its open spans closed', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const run = runInWorker({ file: component('flood.wasm'), invoke: 'spin', tracerProvider: provider, stopGraceMillis: 200 });
    while (exporter.getFinishedSpans().length < 1000) await new Promise((resolve) => setTimeout(resolve, 20));
    run.interrupt('SIGINT');
    const outcome = await run.outcome;
    expect(outcome).toEqual({
      exitCode: 130,
      stopped: true,
      error: { code: 'interrupted', message: 'flood.wasm was interrupted by SIGINT (the guest made no call into the host within 200 ms: stopped)' },
    });
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1002);
    const host = spans.find((s) => s.name === 'flood.wasm')!;
    expect(host.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'interrupted by SIGINT' });
    const open = spans.find((s) => s.name === 'unended guest span')!;
    expect(open.attributes).toEqual({ 'wasm_otel.span.close_reason': 'signal' });
  });

  it('a file that does not load: exit 1 with the one-line reason', async () => {
    const outcome = await runInWorker({ file: component('missing.wasm') }).outcome;
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error?.code).toBe('file_not_found');
    expect(outcome.error?.message).toMatch(/^cannot read .*missing\.wasm: no such file$/);
  });
});
