// Cost of wasm-otel's own instrumenting compiler on a call-heavy module: fib(25) (242,785 calls),
// components/fib-plain.wasm rewritten by instrumentModule (every call, the entry included,
// wrapped in enter/exit behind the in-module switch `wasm_otel_instrument_enabled`), against
// the same module not rewritten, in the same run. Cases, per call of fib(25):
//   baseline            fib-plain.wasm as it is
//   switch off          the rewritten module through a host that cannot trace (a tracer provider
//                       that is not the SDK's): the host sets the switch to 0, so the module makes
//                       no hook call at all. Target (issue 13): <= 1.5x baseline
//   switch on, no-op    the rewritten module with enter() {} / exit() {} of our own: the price of
//                       calling the hooks (what a host without the switch pays at least)
//   filter 0            a host with a no-op span processor, minSpanMicros 0: every call is a span.
//                       "whole call" is telemetry.call end to end (recording, building 242,785
//                       spans, handing them to the processor). Target: <= 150x baseline
//   filter 20us         the same with minSpanMicros 20 (the default). Target: <= 50x baseline
// Every case runs in every round (the order alternating); ratios are medians of per-round ratios
// to the baseline of the same round. Nothing is asserted: the ratios are the result.
// Run: just bench   (builds dist/ first)
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { trace } from '@opentelemetry/api';
import { createHost, ENABLED_GLOBAL, instrumentModule } from '../dist/index.js';
import { recordRatio } from './support/report.mjs';

const N = 25;
const CALLS_PER_FIB = 242_785; // 2 F(26) - 1
const ROUNDS = Number(process.env.BENCH_INSTRUMENT_ROUNDS ?? (process.env.WASM_OTEL_BENCH_QUICK ? 8 : 30));
const WARMUP_ROUNDS = 5;
const FIB_PLAIN = fileURLToPath(new URL('../components/fib-plain.wasm', import.meta.url));

const plainBytes = await readFile(FIB_PLAIN);
const rewriteStart = performance.now();
const rewritten = await instrumentModule(plainBytes, { minInstructions: 0 });
const rewriteMs = performance.now() - rewriteStart;
const compiled = await WebAssembly.compile(rewritten.bytes);

const plainFib = new WebAssembly.Instance(await WebAssembly.compile(plainBytes), {}).exports.fib;

// A span processor that drops everything, counting what it receives.
const countingProcessor = () => ({
  spans: 0,
  onStart() {},
  onEnd() {
    this.spans++;
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
});

const hosts = [];
/** The rewritten module through a host: its telemetry (the switch synced at bind and each call) and fib. */
async function throughHost(options) {
  const host = createHost({ cacheDir: false, ...options });
  hosts.push(host);
  const loaded = await host.loadModule(rewritten.bytes, { name: 'fib.wasm' });
  const telemetry = loaded.telemetry();
  const instance = new WebAssembly.Instance(loaded.module, telemetry.imports);
  telemetry.bind(instance);
  return { telemetry, fib: instance.exports.fib, enabled: instance.exports[ENABLED_GLOBAL] };
}
// A provider that is not the SDK's: this host can never export a span.
const off = await throughHost({ tracerProvider: { getTracer: (name) => trace.getTracer(name) } });
off.telemetry.call(() => off.fib(1));
if (off.enabled.value !== 0) throw new Error('the host did not switch the hooks off');
const noopInstance = new WebAssembly.Instance(compiled, { 'dylibso:observe/instrument': { enter() {}, exit() {}, 'memory-grow'() {} } });
const noopFib = noopInstance.exports.fib;
if (noopInstance.exports[ENABLED_GLOBAL].value !== 1) throw new Error('the switch does not start at 1');
const filter0Processor = countingProcessor();
const filter0 = await throughHost({ spanProcessors: [filter0Processor], minSpanMicros: 0 });
const filter20Processor = countingProcessor();
const filter20 = await throughHost({ spanProcessors: [filter20Processor], minSpanMicros: 20 });
if ([plainFib(N), noopFib(N), off.telemetry.call(() => off.fib(N))].some((v) => v !== 75025)) throw new Error('fib(25) is not 75025');

const timed = (calls, body) => {
  const start = performance.now();
  for (let i = 0; i < calls; i++) body();
  return (performance.now() - start) / calls;
};
const CASES = {
  baseline: () => timed(20, () => plainFib(N)),
  switchOff: () => timed(20, () => off.telemetry.call(() => off.fib(N))),
  noop: () => timed(5, () => noopFib(N)),
  filter0: () => timed(1, () => filter0.telemetry.call(() => filter0.fib(N))),
  filter20: () => timed(1, () => filter20.telemetry.call(() => filter20.fib(N))),
};
const keys = Object.keys(CASES);
const times = Object.fromEntries(keys.map((key) => [key, []]));
globalThis.gc?.();
const before = { filter0: 0, filter20: 0 };
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
  const order = round % 2 === 0 ? keys : [...keys].reverse();
  if (round === WARMUP_ROUNDS) Object.assign(before, { filter0: filter0Processor.spans, filter20: filter20Processor.spans });
  for (const key of order) {
    const ms = CASES[key]();
    if (round >= WARMUP_ROUNDS) times[key].push(ms);
  }
}
for (const host of hosts) if (Object.keys(host.problems()).length > 0) throw new Error(`the host reported problems: ${JSON.stringify(host.problems())}`);
const spans0 = (filter0Processor.spans - before.filter0) / ROUNDS;
const spans20 = (filter20Processor.spans - before.filter20) / ROUNDS;
// Each traced fib(25) is a host span plus one span per call (filter 0).
if (spans0 !== CALLS_PER_FIB + 1) throw new Error(`filter 0 should give ${CALLS_PER_FIB + 1} spans per call, got ${spans0}`);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratio = (key) => median(times[key].map((v, i) => v / times.baseline[i]));
const rows = [
  ['baseline (fib-plain.wasm)', 'baseline', ''],
  ['switch off (host cannot trace)', 'switchOff', '<= 1.5x', 1.5],
  ['switch on, no-op hooks', 'noop', ''],
  ['filter 0: whole call', 'filter0', '<= 150x', 150],
  ['filter 20us: whole call', 'filter20', '<= 50x', 50],
];
console.log(`instrumentModule(fib-plain.wasm): ${rewritten.instrumented} functions, ${rewritten.inputBytes} -> ${rewritten.outputBytes} bytes, rewritten in ${rewriteMs.toFixed(0)} ms (binaryen.js loaded on first use)`);
console.log(`fib(${N}): ${CALLS_PER_FIB} calls, each one wrapped; ${ROUNDS} rounds after ${WARMUP_ROUNDS} warmup; spans per call: filter 0 ${spans0}, filter 20us ${spans20.toFixed(0)}`);
console.log('');
console.log(`${'case'.padEnd(32)} ${'median ms'.padStart(10)} ${'x base'.padStart(9)}   target`);
for (const [name, key, , targetX] of rows) if (targetX !== undefined) recordRatio(`instrument.${key}`, ratio(key), { target: targetX, label: `instrumenter: ${name}` });
for (const [name, key, target] of rows) console.log(`${name.padEnd(32)} ${median(times[key]).toFixed(3).padStart(10)} ${`${ratio(key).toFixed(2)}x`.padStart(9)}   ${target}`);
console.log('');
console.log(`per call (minus baseline): switch off ${(((median(times.switchOff) - median(times.baseline)) * 1e6) / CALLS_PER_FIB).toFixed(1)} ns, no-op hooks ${(((median(times.noop) - median(times.baseline)) * 1e6) / CALLS_PER_FIB).toFixed(1)} ns, filter 0 ${(((median(times.filter0) - median(times.baseline)) * 1e6) / CALLS_PER_FIB).toFixed(1)} ns`);
console.log('x base: median of per-round ratios to the baseline of the same round. Nothing is asserted.');
