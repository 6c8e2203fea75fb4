// Cost of one wasi:observe span through wasm-otel vs the same span made natively with the OTel JS
// SDK, and the heap left behind by 100,000 spans started and dropped in one call.
//
// Guest: components/wasi-observe-forwarder.wasm (hand-written WAT, so the guest itself costs
// ~nothing). Its bench-spans(n) export makes n spans, each: tracer.start("bench", none), one
// set-attributes of 5 attributes (string, bool, float64, s64, string-array, all in the data
// segment), add-event("bench-event", none, none), end(none), and the drop of the handle: five host
// calls through jco's glue (the span resource, its handle table, the lifting of the attributes).
// Native: tracer.startSpan("bench"), setAttributes with the same 5 values, addEvent, end(). Both
// go to a BatchSpanProcessor with an exporter that drops batches, in this process, measured in
// alternating rounds; medians are reported. The guest is called through its raw exports (no host
// span around the call), so its spans are roots, as the native ones are.
// Heap: start-drop(100000), one call that starts 100,000 spans and drops each handle without
// ending it (the drop ends the span). heapUsed after a full GC, before the call and after it
// (the processor flushed): what the host and the glue keep of spans that are gone.
// Run: just bench   (builds dist/ first; --expose-gc for the heap figures)
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { fileURLToPath } from 'node:url';
import { createHost } from '../dist/index.js';
import { pairedRounds } from './support/paired-rounds.mjs';
import { recordRatio } from './support/report.mjs';

const SPANS_PER_ROUND = 20_000;
const ROUNDS = process.env.WASM_OTEL_BENCH_QUICK ? 9 : 25;
const WARMUP_ROUNDS = 5;
const DROPPED_SPANS = 100_000;

const dropExporter = { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {}, forceFlush: async () => {} };
const processor = (queue) => new BatchSpanProcessor(dropExporter, { maxQueueSize: queue, maxExportBatchSize: 512, scheduledDelayMillis: 1_000_000 });
const FORWARDER = fileURLToPath(new URL('../components/wasi-observe-forwarder.wasm', import.meta.url));

// Native path: the forwarder's bench-span, made with the SDK.
const nativeProcessor = processor(SPANS_PER_ROUND * 2);
const provider = new BasicTracerProvider({ spanProcessors: [nativeProcessor] });
const tracer = provider.getTracer('bench');
function nativeRound() {
  const start = performance.now();
  for (let i = 0; i < SPANS_PER_ROUND; i++) {
    const span = tracer.startSpan('bench');
    span.setAttributes({ 'bench.string': 'value', 'bench.bool': true, 'bench.float64': 1.5, 'bench.s64': 42, 'bench.array': ['a', 'b'] });
    span.addEvent('bench-event');
    span.end();
  }
  return (performance.now() - start) / SPANS_PER_ROUND;
}

// Guest path
const guestProcessor = processor(SPANS_PER_ROUND * 2);
const host = createHost({ spanProcessors: [guestProcessor], cacheDir: false });
const component = await host.load(FORWARDER);
const instance = await component.instantiate();
const benchSpans = instance.exports.benchSpans;
function guestRound() {
  const start = performance.now();
  benchSpans(SPANS_PER_ROUND);
  return (performance.now() - start) / SPANS_PER_ROUND;
}

// The spans reach the processor as the native ones do (a check, outside the timed rounds).
let seen;
const checkProcessor = { onStart() {}, onEnd: (span) => (seen = span), forceFlush: async () => {}, shutdown: async () => {} };
const checkHost = createHost({ spanProcessors: [checkProcessor], cacheDir: false });
(await (await checkHost.load(FORWARDER)).instantiate()).exports.benchSpans(1);
const shape = JSON.stringify([seen?.name, seen?.attributes, seen?.events.map((e) => e.name), seen?.instrumentationScope.name]);
const expected = JSON.stringify(['bench', { 'bench.string': 'value', 'bench.bool': true, 'bench.float64': 1.5, 'bench.s64': 42, 'bench.array': ['a', 'b'] }, ['bench-event'], 'wasi:observe/tracer']);
if (shape !== expected) throw new Error(`the guest's bench span is not the native one: ${shape}`);

const { nativeUs, guestUs, ratio, rounds } = await pairedRounds({
  native: { round: nativeRound, flush: () => nativeProcessor.forceFlush() },
  guest: { round: guestRound, flush: () => guestProcessor.forceFlush() },
  rounds: ROUNDS,
  warmup: WARMUP_ROUNDS,
  alternate: true,
});
if (Object.keys(host.problems()).length > 0) throw new Error(`guest spans were rejected: ${JSON.stringify(host.problems())}`);

console.log(`glue rewrites applied: ${component.transpiled.glueRewrites.join(', ') || 'none'}`);
console.log(`native OTel SDK span:        ${nativeUs.toFixed(2)} us/span`);
console.log(`wasi:observe span via host:  ${guestUs.toFixed(2)} us/span`);
recordRatio('observe-span.bsp', ratio, { target: 1.5, label: 'wasi:observe span / native span (BatchSpanProcessor)' });
console.log(`ratio guest/native:          ${ratio.toFixed(2)}x (median of per-round ratios; target <= 1.5x)`);
if (process.env.BENCH_VERBOSE) console.log(rounds);

// Heap: 100,000 spans started and dropped in one call, in an instance of their own.
const heapProcessor = processor(DROPPED_SPANS * 2);
const heapHost = createHost({ spanProcessors: [heapProcessor], cacheDir: false });
const heapInstance = await (await heapHost.load(FORWARDER)).instantiate();
const startDrop = heapInstance.exports.startDrop;
startDrop(1_000); // warm up the path (and the glue's handle table) outside the measurement
await heapProcessor.forceFlush();
const MB = 1024 * 1024;
if (typeof globalThis.gc !== 'function') {
  console.log('heap after start-drop(100000): run with node --expose-gc for the heap figures');
} else {
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  startDrop(DROPPED_SPANS);
  const ms = performance.now() - t0;
  const peak = process.memoryUsage().heapUsed;
  await heapProcessor.forceFlush();
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  if (heapInstance.openSpanCount !== 0) throw new Error(`start-drop left ${heapInstance.openSpanCount} spans open`);
  if (Object.keys(heapHost.problems()).length > 0) throw new Error(`dropped spans were rejected: ${JSON.stringify(heapHost.problems())}`);
  const delta = after - before;
  console.log(`start-drop(${DROPPED_SPANS.toLocaleString('en-US')}): ${ms.toFixed(0)} ms, ${((ms * 1000) / DROPPED_SPANS).toFixed(2)} us/span`);
  console.log(`heapUsed before ${(before / MB).toFixed(1)} MB, right after the call ${(peak / MB).toFixed(1)} MB (no GC, spans queued), after flush + GC ${(after / MB).toFixed(1)} MB: ${delta >= 0 ? '+' : ''}${(delta / MB).toFixed(2)} MB (${(delta / DROPPED_SPANS).toFixed(1)} bytes/span kept)`);
}
