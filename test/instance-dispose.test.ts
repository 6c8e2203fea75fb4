/**
 * What a host keeps of its instances: the registry of live instances (the sibling check of
 * span_id_conflict) holds an instance from instantiate() to dispose(), and nothing after, however
 * many come and go; an instance nobody disposed leaves it once collected. Real components, the
 * real runtime, spans in memory.
 */
import { spawn } from 'node:child_process';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { beforeEach, describe, expect, it } from 'vitest';
import type * as Tracing from '../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-tracing.js';
import { createHost, type LoadedComponent, type WasmOtelHost } from '../src/index.js';
import type { HostContext } from '../src/host/host-context.js';
import { ROOT, component } from './support/paths.js';
import { collectWarnings } from './support/warnings.js';

let exporter: InMemorySpanExporter;
let host: WasmOtelHost;
const warnings = collectWarnings();

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  host = createHost({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
});

/** The live instances the host's registry holds (it is the host's, shared by its components). */
const live = (loaded: LoadedComponent): number => (loaded as unknown as { host: HostContext }).host.instances.size;

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ctx = (spanId: string): Tracing.SpanContext => ({ traceId: TRACE, spanId, traceFlags: { sampled: true }, isRemote: false, traceState: [] });
const spanData = (spanId: string, name: string): Tracing.SpanData => ({
  spanContext: ctx(spanId),
  parentSpanId: '',
  spanKind: 'internal',
  name,
  startTime: { seconds: 1_700_000_001n, nanoseconds: 0 },
  endTime: { seconds: 1_700_000_002n, nanoseconds: 0 },
  attributes: [],
  events: [],
  links: [],
  status: { tag: 'unset' },
  instrumentationScope: { name: 'tracer', version: undefined, schemaUrl: undefined, attributes: [] },
  droppedAttributes: 0,
  droppedEvents: 0,
  droppedLinks: 0,
});

describe('disposing instances', () => {
  it('the registry holds each instance from instantiate() to dispose(); a second dispose changes nothing', async () => {
    const bench = await host.load(component('span-bench.wasm'));
    const instances = [await bench.instantiate(), await bench.instantiate(), await bench.instantiate()];
    expect(live(bench)).toBe(3);
    for (const instance of instances) await instance.call('emit-span');
    expect(live(bench)).toBe(3);
    instances[1]!.dispose();
    expect(live(bench)).toBe(2);
    instances[1]!.dispose();
    expect(live(bench)).toBe(2);
    instances[0]!.dispose();
    instances[2]!.dispose();
    expect(live(bench)).toBe(0);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name).sort()).toEqual(['bench-span', 'bench-span', 'bench-span', 'span-bench.wasm', 'span-bench.wasm', 'span-bench.wasm']);
    expect(host.problems()).toEqual({});
  });

  it('1,000 instances instantiated, called and disposed one after another leave the registry empty', async () => {
    const bench = await host.load(component('span-bench.wasm'));
    for (let i = 0; i < 1_000; i++) {
      const instance = await bench.instantiate();
      await instance.call('emit-span');
      expect(live(bench)).toBe(1);
      instance.dispose();
    }
    expect(live(bench)).toBe(0);
    expect(exporter.getFinishedSpans()).toHaveLength(2_000);
    expect(host.problems()).toEqual({});
  });

  it('a disposed instance closes the span it held open (close reason dispose) and no longer counts as a sibling', async () => {
    const forwarder = await host.load(component('forwarder-rc.2.wasm'));
    const owner = await forwarder.instantiate();
    const other = await forwarder.instantiate();
    expect(live(forwarder)).toBe(2);
    await owner.invoke('start', [ctx('00f067aa0ba902b7')]);
    await other.invoke('end', [spanData('00f067aa0ba902b7', 'forged')]);
    expect(host.problems()).toEqual({ span_id_conflict: 1 });
    owner.dispose();
    expect(live(forwarder)).toBe(1);
    expect(owner.openSpanCount).toBe(0);
    const closed = exporter.getFinishedSpans().filter((span) => span.spanContext().spanId === '00f067aa0ba902b7');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.attributes['wasm_otel.span.close_reason']).toBe('dispose');
    // The id is no longer held open anywhere: the other instance's end is not a conflict now.
    await other.invoke('end', [spanData('00f067aa0ba902b7', 'late')]);
    expect(host.problems()).toEqual({ span_id_conflict: 1, open_spans_closed: 1, span_end_without_start: 1 });
    other.dispose();
    expect(live(forwarder)).toBe(0);
    expect(warnings.filter((w) => w.includes('span_id_conflict'))).toHaveLength(1);
  });

  it('instances that wrote to stdout leave nothing on the stdout object every instance shares once disposed', async () => {
    // jco's glue marks the shared preview2-shim stdout with a symbol of its own instantiation
    // after each write; dispose() takes the marks off. In a child process, its stdout ignored.
    const script = `
      import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation';
      import { createHost } from ${JSON.stringify(`${ROOT}dist/index.js`)};
      const stdout = new WASIShim().getImportObject()['wasi:cli/stdout'].getStdout();
      const marks = () => Object.getOwnPropertySymbols(stdout).length;
      const printer = await createHost().load(${JSON.stringify(component('printer.wasm'))});
      const counts = [marks()];
      const kept = [];
      for (let i = 0; i < 3; i++) {
        const instance = await printer.instantiate();
        await instance.call('print-100k');
        kept.push(instance);
      }
      counts.push(marks());
      for (let i = 0; i < 50; i++) {
        const instance = await printer.instantiate();
        await instance.call('print-100k');
        instance.dispose();
      }
      counts.push(marks());
      // The live ones write again (their marks were taken off with the others: they read undefined either way).
      for (const instance of kept) await instance.call('print-100k');
      counts.push(marks());
      for (const instance of kept) instance.dispose();
      counts.push(marks());
      console.error(JSON.stringify({ counts }));
    `;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(err) : reject(new Error(`probe exited ${code}: ${err}`))));
    });
    // One mark per live instance that wrote; a dispose takes off every mark (each is undefined
    // between calls), so none are left however many instances came and went.
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({ counts: [0, 3, 0, 3, 0] });
  }, 60_000);

  it('instances nobody disposed leave the registry once collected (swept every 256 registrations)', async () => {
    // In a plain node process with --expose-gc (dist/): a WeakRef's target is kept until Node ends
    // the job that made it, which a test runner's own scheduling can delay past any GC here.
    const script = `
      import { createHost } from ${JSON.stringify(`${ROOT}dist/index.js`)};
      const host = createHost({ spanProcessors: [{ onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }] });
      const bench = await host.load(${JSON.stringify(component('span-bench.wasm'))});
      const live = () => bench.host.instances.size;
      const counts = [];
      // Registrations 1-300: called and dropped without dispose() (how many the sweep at the 256th
      // finds already collected depends on when V8 collects).
      for (let i = 0; i < 300; i++) await (await bench.instantiate()).call('emit-span');
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
      // Registrations 301-512, kept: the sweep at the 512th finds only these alive.
      const kept = [];
      for (let i = 0; i < 212; i++) kept.push(await bench.instantiate());
      counts.push(live());
      for (const instance of kept) instance.dispose();
      counts.push(live());
      console.log(JSON.stringify({ counts, problems: host.problems() }));
    `;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`probe exited ${code}: ${out}`))));
    });
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({ counts: [212, 0], problems: {} });
  }, 60_000);
});
