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

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const native = [];
const guest = [];
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
  const n = nativeRound();
  await nativeProcessor.forceFlush();
  const g = guestRound();
  await guestProcessor.forceFlush();
  globalThis.gc?.();
  if (round >= WARMUP_ROUNDS) {
    native.push(n);
    guest.push(g);
  }
}
if (Object.keys(host.problems()).length > 0) throw new Error(`guest spans were rejected: ${JSON.stringify(host.problems())}`);

const nativeUs = median(native) * 1000;
const guestUs = median(guest) * 1000;
// Each round measures both back to back, so the per-round ratio cancels the machine's drift.
const ratio = median(native.map((n, i) => guest[i] / n));
console.log(`glue rewrites applied: ${component.transpiled.glueRewrites.join(', ') || 'none'}`);
console.log(`native OTel SDK span:  ${nativeUs.toFixed(2)} us/span`);
console.log(`guest span via host:   ${guestUs.toFixed(2)} us/span`);
console.log(`ratio guest/native:    ${ratio.toFixed(2)}x (median of per-round ratios)`);
if (process.env.BENCH_VERBOSE) console.log(native.map((n, i) => `${(n * 1000).toFixed(1)}/${(guest[i] * 1000).toFixed(1)}`).join(" "));
