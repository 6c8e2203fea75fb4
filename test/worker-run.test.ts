import { SpanKind, TraceFlags } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHostCaches, type JournalEntry } from '../src/engine/index.js';
import { ProblemCounter, runInWorker, telemetryFromEnv } from '../src/index.js';
import { logPipelineFor } from '../src/telemetry/sdk-log-pipeline.js';
import { hostTracingFor } from '../src/telemetry/sdk-pipeline.js';
import { ChannelIntake } from '../src/telemetry/transfer/channel-intake.js';
import { createControlBlock } from '../src/telemetry/transfer/flow-control.js';
import { SharedSpanJournal, createJournalBuffer, readSharedJournal, sharedJournalOverflow } from '../src/telemetry/transfer/shared-span-journal.js';
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

  it("with the app's own provider (its exporter sends over OTLP); the guest's problems are counted in the caller's counter", async () => {
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }))] });
    const problems = new ProblemCounter();
    const outcome = await runInWorker({ file: component('hostile.wasm'), invoke: 'bad-utf8', tracerProvider: provider, problemCounter: problems }).outcome;
    await provider.forceFlush();
    expect(outcome).toEqual({ exitCode: 0, stopped: false });
    expect(receiver.spans().map((s) => s.name).sort()).toEqual(['bad-utf8-ok', 'bad\ufffd\ufffdname', 'hostile.wasm']);
    expect(problems.snapshot()).toEqual({ invalid_utf8: 2 });
  });

  it('interrupt(): a guest that never returns is stopped after the grace period; its open spans closed and exported', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
    const problems = new ProblemCounter();
    const telemetry = telemetryFromEnv(problems);
    const run = runInWorker({ file: component('flood.wasm'), invoke: 'spin', tracerProvider: telemetry.tracerProvider!, ledgers: telemetry.ledgers, problemCounter: problems, stopGraceMillis: 200 });
    try {
      await receiver.waitForSpans(1000, 30_000);
    } finally {
      run.interrupt('SIGINT');
    }
    const outcome = await run.outcome;
    await telemetry.shutdown();
    expect(outcome).toEqual({
      exitCode: 130,
      stopped: true,
      error: { code: 'interrupted', message: 'flood.wasm was interrupted by SIGINT (the guest made no call into the host within 200 ms: stopped)' },
    });
    const spans = receiver.spans();
    expect(spans).toHaveLength(1002);
    const host = spans.find((s) => s.name === 'flood.wasm')!;
    expect(host.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'interrupted by SIGINT' });
    const open = spans.find((s) => s.name === 'unended guest span')!;
    expect(open.attributes).toEqual({ 'wasm_otel.span.close_reason': 'signal' });
    expect(open.parentSpanId).toBe(''); // flood's spans have no parent (their own trace)
    expect(problems.snapshot()).toEqual({ open_spans_closed: 2 });
  });

  it('a file that does not load: exit 1 with the one-line reason', async () => {
    const outcome = await runInWorker({ file: component('missing.wasm') }).outcome;
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error?.code).toBe('file_not_found');
    expect(outcome.error?.message).toMatch(/^cannot read .*missing\.wasm: no such file$/);
  });

  it('the open-span journal: spans open past its slots are counted, and said lost when the thread is stopped', async () => {
    const buffer = createJournalBuffer(2);
    const journal = new SharedSpanJournal(buffer);
    const entry = (n: number): JournalEntry => ({
      context: { traceId: 'ab'.repeat(16), spanId: n.toString(16).padStart(16, '0'), traceFlags: TraceFlags.SAMPLED },
      parentSpanId: undefined,
      name: `s${n}`,
      kind: SpanKind.INTERNAL,
      startTime: [1_700_000_000, 0],
      scope: 'journal-test',
    });
    const handles = [1, 2, 3, 4].map((n) => journal.opened(entry(n)));
    expect(readSharedJournal(buffer).map((e) => e.name)).toEqual(['s1', 's2']);
    expect(sharedJournalOverflow(buffer)).toBe(2);
    journal.closed(handles[3]!);
    journal.closed(handles[0]!);
    expect(readSharedJournal(buffer).map((e) => e.name)).toEqual(['s2']);
    expect(sharedJournalOverflow(buffer)).toBe(1);

    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }))] });
    const problems = new ProblemCounter();
    const intake = new ChannelIntake(createControlBlock(), {
      spans: hostTracingFor(provider).pipeline,
      logs: logPipelineFor(logs.getLoggerProvider()),
      metricExporters: [],
      ledgers: [],
      limits: { spans: 2048, logs: 2048, metrics: 64 },
      problems,
      caches: createHostCaches(),
    });
    expect(intake.closeJournaled(readSharedJournal(buffer), 'signal', 'span still open when the run was interrupted by SIGTERM', 'interrupted by SIGTERM', sharedJournalOverflow(buffer))).toBe(1);
    await provider.forceFlush();
    expect(problems.snapshot()).toEqual({ spans_dropped: 1, open_spans_closed: 1 });
    const [closed] = await receiver.waitForSpans(1);
    expect(closed).toMatchObject({ name: 's2', spanId: '0000000000000002', status: { code: OtlpStatusCode.ERROR, message: 'span still open when the run was interrupted by SIGTERM' } });
    expect(closed!.attributes).toEqual({ 'wasm_otel.span.close_reason': 'signal' });
  });
});
