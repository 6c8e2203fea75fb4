// Cost of one guest span through wasm-otel vs the same span made natively with the OTel JS SDK.
//
// Guest: components/span-bench.wasm (hand-written WAT, so the guest itself costs ~nothing); each
// span is one on-start + one on-end carrying 5 attributes and 1 event. Native: tracer.startSpan,
// the same 5 attributes and event, span.end(). Both go to a BatchSpanProcessor with an exporter
// that drops batches, in this process, measured in alternating rounds; medians are reported.
// Run: just bench   (builds dist/ first)
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { fileURLToPath } from 'node:url';
import { createHost } from '../dist/index.js';
import { pairedRounds } from './support/paired-rounds.mjs';

const SPANS_PER_ROUND = 20_000;
const ROUNDS = 25;
const WARMUP_ROUNDS = 5;

const dropExporter = { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {}, forceFlush: async () => {} };
const processor = () => new BatchSpanProcessor(dropExporter, { maxQueueSize: SPANS_PER_ROUND * 2, maxExportBatchSize: 512, scheduledDelayMillis: 1_000_000 });

// Native path
const nativeProcessor = processor();
const provider = new BasicTracerProvider({ spanProcessors: [nativeProcessor] });
const tracer = provider.getTracer('bench');
function nativeRound() {
  const start = performance.now();
  for (let i = 0; i < SPANS_PER_ROUND; i++) {
    const span = tracer.startSpan('bench-span', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'http.route': '/bench', 'http.response.status_code': 200, 'bench.flag': true, 'bench.ratio': 0.5 },
    });
    span.addEvent('bench-event', { 'bench.step': 1 });
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
  }
  return (performance.now() - start) / SPANS_PER_ROUND;
}

// Guest path
const guestProcessor = processor();
const host = createHost({ spanProcessors: [guestProcessor], cacheDir: false });
const component = await host.load(fileURLToPath(new URL('../components/span-bench.wasm', import.meta.url)));
const instance = await component.instantiate();
const emitSpans = instance.exports.emitSpans;
function guestRound() {
  const start = performance.now();
  emitSpans(SPANS_PER_ROUND);
  return (performance.now() - start) / SPANS_PER_ROUND;
}

const { nativeUs, guestUs, ratio, rounds } = await pairedRounds({
  native: { round: nativeRound, flush: () => nativeProcessor.forceFlush() },
  guest: { round: guestRound, flush: () => guestProcessor.forceFlush() },
  rounds: ROUNDS,
  warmup: WARMUP_ROUNDS,
});
if (Object.keys(host.problems()).length > 0) throw new Error(`guest spans were rejected: ${JSON.stringify(host.problems())}`);

console.log(`glue rewrites applied: ${component.transpiled.glueRewrites.join(', ') || 'none'}`);
console.log(`native OTel SDK span:  ${nativeUs.toFixed(2)} us/span`);
console.log(`guest span via host:   ${guestUs.toFixed(2)} us/span`);
console.log(`ratio guest/native:    ${ratio.toFixed(2)}x (median of per-round ratios)`);
if (process.env.BENCH_VERBOSE) console.log(rounds);
