// Many instances in one process: instantiate + call + dispose a small component 10,000 times.
//
// Ours: wasm-otel's library (createHost, host.load once, then component.instantiate(), the
// `emit-span` export through instance.call() (a host span around one guest span), dispose()),
// into a BatchSpanProcessor with an exporter that drops batches. Against: the same component
// (components/span-bench.wasm) transpiled by jco itself (`@bytecodealliance/jco-transpile`,
// unmodified glue, instantiation mode), its core modules compiled once, then jco's
// instantiate() with preview2-shim's WASI imports and `wasi:otel/tracing` functions that do
// nothing (no telemetry), `emitSpan()`, the instance dropped. Rounds of 1,000 instances each
// side (ours timed with its processor's flush), alternating which goes first; the median
// per-round ratio is reported. Heap: heapUsed after a full GC before our first counted round
// and after our last (the processor flushed), for our side.
// Run: just bench   (builds dist/ first; node --expose-gc for the heap figures)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createHost } from '../dist/index.js';
import { median } from './support/paired-rounds.mjs';
import { recordRatio, verdict } from './support/report.mjs';

const COMPONENT = fileURLToPath(new URL('../components/span-bench.wasm', import.meta.url));
// Quick (CI's guard): 5 rounds of 600, the ratios medians all the same, only noisier.
const QUICK = Boolean(process.env.WASM_OTEL_BENCH_QUICK);
const PER_ROUND = Number(process.env.BENCH_INSTANCES_PER_ROUND ?? (QUICK ? 600 : 1_000));
const ROUNDS = Number(process.env.BENCH_INSTANCE_ROUNDS ?? (QUICK ? 5 : 10));
const WARMUP = 200;
const COST_TARGET = 1.2;
const HEAP_TARGET = 1.1;

// Ours
const dropExporter = { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {}, forceFlush: async () => {} };
const processor = new BatchSpanProcessor(dropExporter, { maxQueueSize: PER_ROUND * 4, maxExportBatchSize: 512, scheduledDelayMillis: 1_000_000 });
const host = createHost({ spanProcessors: [processor], cacheDir: false });
const component = await host.load(COMPONENT);
async function oursOnce() {
  const instance = await component.instantiate();
  await instance.call('emit-span');
  instance.dispose();
}

// jco alone
const dir = await mkdtemp(join(tmpdir(), 'wasm-otel-many-'));
const transpiled = await transpileBytes(await readFile(COMPONENT), { name: 'component', instantiation: 'async', emitTypescriptDeclarations: false });
const coreModules = new Map();
for (const [name, content] of Object.entries(transpiled.files)) {
  await writeFile(join(dir, name), content);
  if (name.endsWith('.wasm')) coreModules.set(name, await WebAssembly.compile(content));
}
const glue = await import(pathToFileURL(join(dir, 'component.js')).href);
await rm(dir, { recursive: true, force: true });
const noTelemetry = {
  onStart() {},
  onEnd() {},
  outerSpanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0, isRemote: false, traceState: [] }),
};
const jcoImports = { ...new WASIShim().getImportObject(), 'wasi:otel/tracing': noTelemetry };
async function jcoOnce() {
  const exports = await glue.instantiate((name) => coreModules.get(name), jcoImports);
  exports.emitSpan();
}

async function round(once, n) {
  const start = performance.now();
  for (let i = 0; i < n; i++) await once();
  await processor.forceFlush(); // ours: the spans' export counts (jco's side has none to flush)
  return ((performance.now() - start) * 1000) / n;
}

const heapUsed = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};

await round(oursOnce, WARMUP);
await round(jcoOnce, WARMUP);
const before = heapUsed();
const ours = [];
const jco = [];
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2 === 0) {
    ours.push(await round(oursOnce, PER_ROUND));
    jco.push(await round(jcoOnce, PER_ROUND));
  } else {
    jco.push(await round(jcoOnce, PER_ROUND));
    ours.push(await round(oursOnce, PER_ROUND));
  }
}
const after = heapUsed();
if (Object.keys(host.problems()).length > 0) throw new Error(`guest spans were rejected: ${JSON.stringify(host.problems())}`);

const ratio = median(ours.map((us, i) => us / jco[i]));
const total = ROUNDS * PER_ROUND;
console.log(`many instances (${total.toLocaleString('en')} each side, ${ROUNDS} rounds of ${PER_ROUND.toLocaleString('en')}, span-bench.wasm emit-span):`);
console.log(`jco transpile + instantiate, no telemetry:  ${median(jco).toFixed(1)} us/instance`);
console.log(`wasm-otel instantiate + call + dispose:     ${median(ours).toFixed(1)} us/instance`);
recordRatio('many-instances.cost', ratio, { target: COST_TARGET, label: 'many instances: wasm-otel / jco per instance' });
console.log(`ratio wasm-otel/jco:                        ${ratio.toFixed(2)}x ${verdict(ratio, COST_TARGET)}`);
if (typeof globalThis.gc !== 'function') {
  console.log('heap after: run with node --expose-gc for the heap figures');
} else {
  const heapRatio = after / before;
  const MB = 1024 * 1024;
  recordRatio('many-instances.heap', heapRatio, { target: HEAP_TARGET, label: 'many instances: heapUsed after / before' });
  console.log(
    `heapUsed after GC: before ${(before / MB).toFixed(1)} MB, after ${total.toLocaleString('en')} of ours ${(after / MB).toFixed(1)} MB: ` +
      `${heapRatio.toFixed(3)}x ${verdict(heapRatio, HEAP_TARGET)}, ${((after - before) / total).toFixed(1)} bytes/instance kept`,
  );
}
if (process.env.BENCH_VERBOSE) console.log(ours.map((us, i) => `${jco[i].toFixed(1)}/${us.toFixed(1)}`).join(' '));
