import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { instrumentModule, type InstrumentResult } from '../src/index.js';
import { FunctionNames } from '../src/core/function-names.js';
import { readModuleInfo } from '../src/core/module-info.js';
import { runCli } from './support/cli.js';
import { hookRecorder, type HookRecorder } from './support/hook-recorder.js';
import { hostFor } from './support/library-host.js';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { component, ROOT } from './support/paths.js';
import { API_STUBS, rawReactor, runRawCommand } from './support/raw-wasi.js';

// The correctness suite of the instrumenter: every C and WAT module in components/core/ that is
// not instrumented already, and three real C programs built here with clang -O2 and wasi-libc
// (instr-recursion, instr-errors, instr-reactor), each run plain and rewritten: the same stdout,
// exit code (or trap) and memory; enters and exits nest; and the spans wasm-otel exports for the
// rewritten module are, function by function, as many as an independent hook counter counts.

const INSTRUMENT_SCOPE = 'dylibso:observe/instrument';
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(component(name)));

/** Every core module source whose module already imports the hooks: refused, not rewritten. */
const HOOKED = ['fib', 'hello-reactor', 'legacy', 'mangled-names', 'memory-grow', 'mixed', 'nested-calls', 'no-names', 'observe-forwarder', 'probes-core', 'trap-core'];

/** WASI commands: module, guest arguments (after the program name), expected exit code or trap. */
const COMMANDS: { name: string; args: string[]; exit?: number; trap?: string }[] = [
  { name: 'instr-recursion', args: [], exit: 0 },
  { name: 'instr-errors', args: [], exit: 3 },
  { name: 'instr-errors', args: ['trap'], trap: 'unreachable' },
  { name: 'observe-manual', args: ['x'], exit: 0 },
  { name: 'proc-exit', args: [], exit: 3 },
  { name: 'command-exports', args: [], exit: 0 },
  { name: 'bad-input-core', args: [], exit: 0 },
];

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const rewritten = new Map<string, Promise<InstrumentResult>>();
/** The module rewritten with the default options (once per module). */
function instrumented(name: string): Promise<InstrumentResult> {
  let result = rewritten.get(name);
  if (!result) rewritten.set(name, (result = instrumentModule(bytesOf(`${name}.wasm`))));
  return result;
}

/** Function spans per name, from the exported spans. */
function functionSpanCounts(spans: readonly OtlpSpan[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const span of spans) if (span.scope.name === INSTRUMENT_SCOPE) counts[span.name] = (counts[span.name] ?? 0) + 1;
  return counts;
}

/**
 * Function spans per (caller, callee) name pair: the caller is the nearest function span above
 * (through manual `span-enter` spans), `(none)` at the top.
 */
function spanPairs(spans: readonly OtlpSpan[]): Record<string, number> {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const pairs: Record<string, number> = {};
  for (const span of spans) {
    if (span.scope.name !== INSTRUMENT_SCOPE) continue;
    let parent = byId.get(span.parentSpanId);
    while (parent !== undefined && parent.scope.name !== INSTRUMENT_SCOPE) parent = byId.get(parent.parentSpanId);
    const pair = `${parent?.name ?? '(none)'}>${span.name}`;
    pairs[pair] = (pairs[pair] ?? 0) + 1;
  }
  return pairs;
}

/** The recorder's calls per (caller, callee) name pair, as spanPairs names them. */
function recordedPairs(recorder: HookRecorder, bytes: Uint8Array): Record<string, number> {
  const names = new FunctionNames(readModuleInfo(bytes).functionNames);
  const pairs: Record<string, number> = {};
  for (const [key, n] of recorder.pairs) {
    const [caller, callee] = key.split('>').map(Number) as [number, number];
    const pair = `${caller < 0 ? '(none)' : names.nameOf(caller)}>${names.nameOf(callee)}`;
    pairs[pair] = (pairs[pair] ?? 0) + n;
  }
  return pairs;
}

/** The recorder's enters per function name (the rewritten module's name section, demangled as spans are named). */
function enterCounts(recorder: HookRecorder, bytes: Uint8Array): Record<string, number> {
  const names = new FunctionNames(readModuleInfo(bytes).functionNames);
  const counts: Record<string, number> = {};
  for (const [index, n] of recorder.enters) {
    const name = names.nameOf(index);
    counts[name] = (counts[name] ?? 0) + n;
  }
  return counts;
}

describe('the correctness suite: plain and instrumented runs agree', () => {
  it('lists every module of components/core/ (so a new one is not left out)', () => {
    const sources = readdirSync(`${ROOT}/components/core`).filter((file) => /\.(c|wat)$/.test(file)).map((file) => file.replace(/\.(c|wat)$/, ''));
    const covered = new Set([...HOOKED, ...COMMANDS.map((c) => c.name), 'instr-reactor', 'reactor', 'fib-plain', 'instrument-shapes', 'instrument-exceptions', 'legacy-i64']);
    expect(sources.filter((name) => !covered.has(name))).toEqual([]);
  });

  it.each(HOOKED)('%s imports the hooks already: refused with already_instrumented', async (name) => {
    await expect(instrumentModule(bytesOf(`${name}.wasm`))).rejects.toMatchObject({ code: 'already_instrumented' });
  });

  it('legacy-i64 (the old 64-bit Observe API, which no host serves) is rewritten; the host refuses it as it refuses the original', async () => {
    const result = await instrumented('legacy-i64');
    expect(WebAssembly.validate(result.bytes as Uint8Array<ArrayBuffer>)).toBe(true);
    const { host } = hostFor(receiver);
    const original = await host.loadModule(component('legacy-i64.wasm')).catch((error: Error) => error);
    const rewritten = await host.loadModule(component('legacy-i64.wasm'), { instrument: true }).catch((error: Error) => error);
    expect(original).toMatchObject({ code: 'unsupported_import' });
    expect(rewritten).toMatchObject({ code: 'unsupported_import', message: (original as Error).message });
  });

  it.each(COMMANDS.map((c) => [`${c.name} ${c.args.join(' ')}`.trim(), c] as const))('%s: same stdout, exit code and memory; spans = hook counts', async (_label, command) => {
    const plainBytes = bytesOf(`${command.name}.wasm`);
    const result = await instrumented(command.name);
    expect(WebAssembly.validate(result.bytes as Uint8Array<ArrayBuffer>)).toBe(true);
    const argv = [`${command.name}.wasm`, ...command.args];
    const plain = runRawCommand(plainBytes, argv, API_STUBS);
    const recorder = hookRecorder({ keepEvents: false });
    const traced = runRawCommand(result.bytes, argv, { ...API_STUBS, ...recorder.imports });
    if (command.trap !== undefined) {
      expect(plain.trap).toBe(command.trap);
      expect(traced.trap).toBe(command.trap);
    } else {
      expect(plain.trap).toBeUndefined();
      expect(plain.exitCode).toBe(command.exit);
      expect(traced.exitCode).toBe(command.exit);
    }
    expect(traced.stdout).toBe(plain.stdout);
    if (command.name !== 'proc-exit' && command.name !== 'bad-input-core') expect(plain.stdout).not.toBe('');
    expect(Buffer.compare(traced.memory, plain.memory)).toBe(0);
    expect(recorder.total()).toBeGreaterThan(0);
    // Enters and exits nest; what is open at the end is what a trap or proc_exit left open.
    expect(recorder.mismatches).toEqual([]);
    if (command.exit === 0) expect(recorder.open).toEqual([]);

    // The same rewritten module through wasm-otel (the CLI, over OTLP): a span per call.
    const cli = await runCli(['run', component(`${command.name}.wasm`), '--instrument', '--min-span-us', '0', '--', ...command.args], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_MAX_QUEUE_SIZE: '200000',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '5000',
      OTEL_BSP_SCHEDULE_DELAY: '20',
    });
    expect(cli.stdout).toBe(plain.stdout);
    expect(cli.code).toBe(command.trap !== undefined ? 1 : command.exit);
    const spans = receiver.spans();
    expect(functionSpanCounts(spans)).toEqual(enterCounts(recorder, result.bytes));
    // The tree: every call under its caller, as many times as the counter saw each pair.
    expect(spanPairs(spans)).toEqual(recordedPairs(recorder, result.bytes));
    // One trace, every function span under another span of it (the host's at the top).
    const ids = new Set(spans.map((span) => span.spanId));
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    for (const span of spans) if (span.scope.name === INSTRUMENT_SCOPE) expect(ids.has(span.parentSpanId)).toBe(true);
  }, 120_000);

  it('instr-recursion: the call counts the program prints itself', async () => {
    const result = await instrumented('instr-recursion');
    const recorder = hookRecorder({ keepEvents: false });
    runRawCommand(result.bytes, ['instr-recursion.wasm'], recorder.imports);
    const counts = enterCounts(recorder, result.bytes);
    // "fib(20) = 6765 calls 21891", "ack(2,3) = 9 calls 44", "calls 778+778", "deep(300) ... calls 301",
    // "calls 2047/2047/2047", quicksort "calls 173" + "calls 133".
    expect([counts.fib, counts.ack, counts.is_even! + counts.is_odd!, counts.deep, counts.build, counts.tree_sum, counts.tree_free, counts.quicksort]).toEqual([21891, 44, 1556, 301, 2047, 2047, 2047, 306]);
  });

  it('reactors and library modules: the same results and memory after each call; through the library host, spans = hook counts', async () => {
    // `calls` run plain and rewritten; `hostCalls` (fewer: qsort of 100,000 ints is 7 million calls) through the host.
    const cases: { name: string; calls: [string, ...number[]][]; hostCalls?: [string, ...number[]][] }[] = [
      {
        name: 'instr-reactor',
        calls: [['sum_range', 0, 100], ['table_ptr'], ['init_table', 100000], ['table_ptr'], ['sum_range', 0, 100], ['sum_range', 0, 100000], ['sum_range', 5, 5], ['sum_range', -1, 3], ['sort_table'], ['sum_range', 0, 100], ['multi', 7], ['multi', -1], ['init_table', 100000], ['init_table', 0]],
        hostCalls: [['init_table', 40000], ['sum_range', 0, 1000], ['multi', 7], ['table_ptr']],
      },
      { name: 'reactor', calls: [['work'], ['work']] },
      { name: 'fib-plain', calls: [['fib', 20], ['run']] },
      { name: 'instrument-exceptions', calls: [['run'], ['catcher', 7], ['catcher', 0]] },
      { name: 'instrument-shapes', calls: [['run'], ['early', 4], ['tail', 100], ['count_down', 1000, 0], ['grow', 1], ['sum_pair', 3, 11]] },
    ];
    const call = (instance: WebAssembly.Instance, [fn, ...args]: [string, ...number[]]): unknown => (instance.exports[fn] as (...a: number[]) => unknown)(...args);
    const memoryOf = (instance: WebAssembly.Instance) => new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer);
    for (const { name, calls, hostCalls = calls } of cases) {
      const result = await instrumented(name);
      const recorder = hookRecorder({ keepEvents: false });
      const plain = rawReactor(bytesOf(`${name}.wasm`), API_STUBS);
      const traced = rawReactor(result.bytes, { ...API_STUBS, ...recorder.imports });
      for (const step of calls) {
        expect(call(traced, step), `${name} ${step.join(' ')}`).toEqual(call(plain, step));
        expect(Buffer.compare(memoryOf(traced), memoryOf(plain)), `${name} memory after ${step.join(' ')}`).toBe(0);
      }
      expect(recorder.mismatches).toEqual([]);
      expect(recorder.open).toEqual([]);

      const counter = hookRecorder({ keepEvents: false });
      const counted = rawReactor(result.bytes, { ...API_STUBS, ...counter.imports });
      const reference = rawReactor(bytesOf(`${name}.wasm`), API_STUBS);
      const { host, flush } = hostFor(receiver, { minSpanMicros: 0, batchSpans: true });
      const loaded = await host.loadModule(component(`${name}.wasm`), { instrument: true });
      const instance = await loaded.instantiate();
      for (const step of hostCalls) {
        const [fn, ...args] = step;
        call(counted, step);
        expect(await instance.invoke(fn, args), `${name} ${step.join(' ')} through the host`).toEqual(call(reference, step));
      }
      instance.dispose();
      await flush();
      expect(functionSpanCounts(receiver.spans()), name).toEqual(enterCounts(counter, result.bytes));
      expect(spanPairs(receiver.spans()), name).toEqual(recordedPairs(counter, result.bytes));
      receiver.reset();
    }
  }, 120_000);
});
