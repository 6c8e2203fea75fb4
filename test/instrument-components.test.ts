import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createHost, ENABLED_GLOBAL } from '../src/index.js';
import { runCli } from './support/cli.js';
import { hostFor } from './support/library-host.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { tree, type SpanTreeNode } from './support/span-tree.js';

// `instrument` on components: the guest's core module is rewritten in the transpiled output, so
// its function spans nest with the spans the guest reports, under the host span.

let receiver: OtlpReceiver;
let cacheDir: string;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  cacheDir = mkdtempSync(join(tmpdir(), 'wasm-otel-instrument-cache-'));
});
afterAll(async () => {
  await receiver.close();
  rmSync(cacheDir, { recursive: true, force: true });
});
beforeEach(() => receiver.reset());

const leaf = (name: string): SpanTreeNode => ({ name, children: [] });
const node = (name: string, ...children: SpanTreeNode[]): SpanTreeNode => ({ name, children });
/** What current-span.wat's run() does to make one span (see its header): C = current-span-context, then the record. */
const makeSpan = (): SpanTreeNode[] => [
  leaf('cabi_realloc'),
  leaf('cabi_realloc'),
  leaf('cabi_realloc'),
  node('span_init', leaf('pair'), leaf('pair')),
  node('child_of', leaf('pair'), leaf('pair'), leaf('pair'), leaf('pair')),
  leaf('datetime'),
  leaf('datetime'),
  leaf('start_at'),
];

describe('instrumented components', () => {
  it('a WAT component: the function spans of its code nest under the wasi:otel spans it reports, under the host span', async () => {
    const { host, flush } = hostFor(receiver, { minSpanMicros: 0, batchSpans: true });
    const loaded = await host.load(component('current-span.wasm'), { instrument: { minInstructions: 0 } });
    const instance = await loaded.instantiate();
    await instance.call('run');
    instance.dispose();
    await flush();
    const spans = receiver.spans();
    // The guest's spans carry fixed 2023 start times, so they sort first among their siblings.
    // `first` is started with C1 = the current span: the function span of run(); `second` with
    // C2 = `first`; every call made while `first` is open is its child.
    expect(tree(spans)).toEqual([node('current-span.wasm', node('run', node('first', leaf('second'), ...makeSpan()), ...makeSpan()))]);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    const scopes = Object.fromEntries(spans.map((span) => [span.name, span.scope.name]));
    expect(scopes).toMatchObject({ run: 'dylibso:observe/instrument', pair: 'dylibso:observe/instrument', first: 'wasm-otel-current-span', 'current-span.wasm': 'wasm-otel' });
    // The first cabi_realloc grows the memory: its span has the growth.
    const grown = spans.filter((span) => span.attributes['wasm.memory.grow.total_pages'] !== undefined);
    expect(grown.map((span) => [span.name, span.attributes['wasm.memory.grow.total_pages']])).toEqual([['cabi_realloc', 1n]]);
  });

  it('the transpile cache keys on the instrumentation options', async () => {
    const host = createHost({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())], cacheDir });
    const first = await host.load(component('current-span.wasm'), { instrument: { minInstructions: 0 } });
    const again = await host.load(component('current-span.wasm'), { instrument: { minInstructions: 0 } });
    const other = await host.load(component('current-span.wasm'), { instrument: { minInstructions: 0, exclude: ['pair'] } });
    const plain = await host.load(component('current-span.wasm'));
    expect([first.fromCache, again.fromCache, other.fromCache, plain.fromCache]).toEqual([false, true, false, false]);
    expect(first.transpiled.dir).toBe(again.transpiled.dir);
    expect(new Set([first.transpiled.dir, other.transpiled.dir, plain.transpiled.dir]).size).toBe(3);
    expect(first.transpiled.instrumented.map((entry) => [entry.file, entry.summary.instrumented, entry.summary.excluded])).toEqual([['component.core.wasm', 7, 0]]);
    expect(other.transpiled.instrumented.map((entry) => [entry.file, entry.summary.instrumented, entry.summary.excluded])).toEqual([['component.core.wasm', 6, 1]]);
    expect(plain.transpiled.instrumented).toEqual([]);
  });

  it('a core module instrumented in memory is cached; a damaged cache entry is rewritten, not used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-otel-instrument-modules-'));
    try {
      const exporter = new InMemorySpanExporter();
      const host = createHost({ spanProcessors: [new SimpleSpanProcessor(exporter)], cacheDir: dir, minSpanMicros: 0 });
      await host.loadModule(component('fib-plain.wasm'), { instrument: true });
      const entries = readdirSync(join(dir, 'instrumented')).sort();
      expect(entries.map((file) => file.replace(/^[0-9a-f]{64}-[0-9a-f]{16}/, 'KEY'))).toEqual(['KEY.json', 'KEY.wasm']);
      const wasm = join(dir, 'instrumented', entries[1]!);
      const good = readFileSync(wasm);
      writeFileSync(wasm, Buffer.from(good).fill(0, 40, 60)); // same length, other bytes
      const loaded = await host.loadModule(component('fib-plain.wasm'), { instrument: true });
      const instance = await loaded.instantiate();
      expect(await instance.invoke('fib', [10])).toBe(55);
      instance.dispose();
      expect(exporter.getFinishedSpans().filter((span) => span.name === 'fib')).toHaveLength(177);
      expect(readFileSync(wasm)).toEqual(good);
      await expect(host.loadModule(component('fib-plain.wasm'), { instrument: { minInstructions: -1 } })).rejects.toMatchObject({ code: 'invalid_arguments', message: 'instrument: minInstructions must be a whole number >= 0, got -1' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with no tracer provider the in-module switch is off (the hooks are never called); with one it is on', async () => {
    const exporter = new InMemorySpanExporter();
    const on = createHost({ spanProcessors: [new SimpleSpanProcessor(exporter)], cacheDir: false, minSpanMicros: 0 });
    // A provider that is not the SDK's: its spans can never be exported by this host.
    const off = createHost({ tracerProvider: { getTracer: (name: string) => trace.getTracer(name) }, cacheDir: false });
    for (const [host, expected] of [[on, 1], [off, 0]] as const) {
      const loaded = await host.loadModule(component('fib-plain.wasm'), { instrument: true });
      const telemetry = loaded.telemetry();
      const instance = new WebAssembly.Instance(loaded.module, telemetry.imports);
      telemetry.bind(instance);
      expect(telemetry.call(() => (instance.exports.fib as (n: number) => number)(15))).toBe(610);
      expect((instance.exports[ENABLED_GLOBAL] as WebAssembly.Global).value).toBe(expected);
    }
    expect(exporter.getFinishedSpans().filter((span) => span.name === 'fib')).toHaveLength(1973);
  });

  it('run --instrument on the scenario component (componentize-js): host span > function span > the guest span tree', async () => {
    const cli = await runCli(['run', component('scenarios.wasm'), '--instrument', '--include', 'nested-spans', '--min-span-us', '0', '--invoke', 'nested-spans'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      WASM_OTEL_CACHE_DIR: cacheDir,
    });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const spans = receiver.spans();
    expect(tree(spans)).toEqual([node('scenarios.wasm', node('nested-spans', node('outer', node('middle', leaf('inner')))))]);
    expect(spans.find((span) => span.name === 'nested-spans')!.scope.name).toBe('dylibso:observe/instrument');
  }, 180_000);
});
