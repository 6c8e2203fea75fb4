/**
 * One guest cannot reach into what the host holds for others, or for later: span ids open in a
 * sibling instance, caches that outlive the host, limits on scope and resource data, host-side
 * argument errors mistaken for traps, nonsense from the instrument hooks.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as Logs from '../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-logs.js';
import type * as Tracing from '../generated/wasi-otel-0.2.0-rc.2/interfaces/wasi-otel-tracing.js';
import { InternCache } from '../src/engine/index.js';
import { WasmOtelError, type WasmOtelHost } from '../src/index.js';
import { hostFor } from './support/library-host.js';
import { collectWarnings } from './support/warnings.js';
import { OtlpStatusCode, startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { waitForLogs } from './support/otlp-signals.js';
import { ROOT, component } from './support/paths.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;
let host: WasmOtelHost;
let flush: () => Promise<void>;
const warnings = collectWarnings();

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => {
  receiver.reset();
  ({ host, flush } = hostFor(receiver));
});

const dt = (seconds: number): Tracing.Datetime => ({ seconds: BigInt(seconds), nanoseconds: 0 });
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ctx = (spanId: string): Tracing.SpanContext => ({ traceId: TRACE, spanId, traceFlags: { sampled: true }, isRemote: false, traceState: [] });
const spanData = (spanId: string, name: string, attributes: Tracing.SpanData['attributes'] = []): Tracing.SpanData => ({
  spanContext: ctx(spanId),
  parentSpanId: '',
  spanKind: 'internal',
  name,
  startTime: dt(1_700_000_001),
  endTime: dt(1_700_000_002),
  attributes,
  events: [],
  links: [],
  status: { tag: 'unset' },
  instrumentationScope: { name: 'tracer', version: undefined, schemaUrl: undefined, attributes: [] },
  droppedAttributes: 0,
  droppedEvents: 0,
  droppedLinks: 0,
});

describe('instances of one host', () => {
  it('an instance cannot end a span a sibling holds open: span_id_conflict, the sibling\'s span untouched', async () => {
    const forwarder = await host.load(component('forwarder-rc.2.wasm'));
    const owner = await forwarder.instantiate();
    const intruder = await forwarder.instantiate();
    await owner.invoke('start', [ctx('00f067aa0ba902b7')]);
    await intruder.invoke('end', [spanData('00f067aa0ba902b7', 'forged', [{ key: 'forged', value: 'true' }])]);
    expect(owner.openSpanCount).toBe(1);
    await owner.invoke('end', [spanData('00f067aa0ba902b7', 'real', [{ key: 'real', value: 'true' }])]);
    await flush();
    const spans = await receiver.waitForSpans(4);
    const guest = spans.filter((s) => s.spanId === '00f067aa0ba902b7');
    expect(guest).toHaveLength(1);
    expect(guest[0]!.name).toBe('real');
    expect(guest[0]!.attributes).toEqual({ real: true });
    expect(host.problems()).toEqual({ span_id_conflict: 1 });
    expect(warnings).toEqual(['wasm-otel: span_id_conflict: span 00f067aa0ba902b7 ("forged") was never started by this instance and is open in another instance; refused']);
  });

  it('an id no live instance holds open is still exported (span_end_without_start)', async () => {
    const forwarder = await host.load(component('forwarder-rc.2.wasm'));
    const a = await forwarder.instantiate();
    await forwarder.instantiate();
    await a.invoke('end', [spanData('00f067aa0ba902b8', 'orphan')]);
    await flush();
    const spans = await receiver.waitForSpans(2);
    expect(byName(spans, 'orphan').spanId).toBe('00f067aa0ba902b8');
    expect(host.problems()).toEqual({ span_end_without_start: 1 });
  });
});

describe('arguments the host passes', () => {
  it('arguments that do not fit the WIT signature are invalid_arguments naming the parameters, refused before the guest runs; the instance stays usable', async () => {
    const flood = await (await host.load(component('flood.wasm'))).instantiate();
    const refused = async (...args: unknown[]) => {
      const error = await flood.call('spans', ...args).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WasmOtelError);
      expect((error as WasmOtelError).code).toBe('invalid_arguments');
      return (error as WasmOtelError).message;
    };
    expect(await refused()).toBe('flood.wasm: spans takes 1 argument (n: u32), got 0; spans: func(n: u32)');
    expect(await refused(1, 2)).toBe('flood.wasm: spans takes 1 argument (n: u32), got 2; spans: func(n: u32)');
    expect(await refused(2n)).toBe('flood.wasm: spans: argument n (u32): expected an integer (u32), got 2n; spans: func(n: u32)');
    expect(await refused(-1)).toBe('flood.wasm: spans: argument n (u32): -1 is out of range for u32; spans: func(n: u32)');
    expect(await refused('3')).toBe('flood.wasm: spans: argument n (u32): expected an integer (u32), got "3"; spans: func(n: u32)');
    expect(await flood.call('spans', 3)).toBeUndefined();
    expect(flood.signatureOf('spans')).toEqual({ params: [{ name: 'n', type: { kind: 'primitive', primitive: 'u32' } }] });
    await flush();
    const spans = await receiver.waitForSpans(4);
    // only the call that ran has a host span
    expect(spans.filter((s) => s.name === 'flood.wasm').map((s) => s.status)).toEqual([{ code: OtlpStatusCode.OK, message: '' }]);
    expect(spans.filter((s) => s.name === 'flood')).toHaveLength(3);
  });

  it('a record argument is checked field by field (jco names), and an export result comes back as jco lifts it', async () => {
    const forwarder = await (await host.load(component('forwarder-rc.2.wasm'))).instantiate();
    const error = await forwarder.call('start', { traceId: 'ab'.repeat(16), spanId: 7, traceFlags: { sampled: true }, isRemote: false, traceState: [] }).catch((e: unknown) => e);
    expect((error as WasmOtelError).code).toBe('invalid_arguments');
    expect((error as WasmOtelError).message).toBe('forwarder-rc.2.wasm: start: argument context (span-context): at context.spanId: expected a string, got number 7; start: func(context: span-context)');
    const outer = (await forwarder.call('outer')) as { traceId: string; spanId: string; traceFlags: { sampled: boolean }; isRemote: boolean; traceState: unknown[] };
    await flush();
    const [hostSpan] = await receiver.waitForSpans(1);
    expect(outer).toEqual({ traceId: hostSpan!.traceId, spanId: hostSpan!.spanId, traceFlags: { sampled: true }, isRemote: false, traceState: [] });
  });
});

describe('instrument hooks', () => {
  it('memory-grow with a value that is no page count (-1, 70000) is refused and counted', async () => {
    const limited = hostFor(receiver, { minSpanMicros: 0 });
    const module = await limited.host.loadModule(component('probes-core.wasm'));
    const instance = await module.instantiate();
    await instance.call('bad-hooks');
    await limited.flush();
    const spans = await receiver.waitForSpans(2);
    const work = byName(spans, 'work');
    expect(work.events.map((e) => [e.name, e.attributes])).toEqual([['memory.grow', { 'wasm.memory.grow.pages': 1n, 'wasm.memory.grow.bytes': 65536n }]]);
    expect(work.attributes).toEqual({ 'wasm.memory.grow.total_pages': 1n, 'wasm.memory.grow.total_bytes': 65536n });
    expect(limited.host.problems()).toEqual({ invalid_argument: 2 });
    expect(warnings).toEqual([
      'wasm-otel: invalid_argument: memory-grow(-1): not a page count (a 32-bit memory has at most 65536 pages); ignored',
      'wasm-otel: invalid_argument: memory-grow(70000): not a page count (a 32-bit memory has at most 65536 pages); ignored',
    ]);
  });
});

const EMPTY_LOG: Logs.LogRecord = {
  timestamp: undefined,
  observedTimestamp: dt(1_700_000_000),
  severityText: undefined,
  severityNumber: undefined,
  body: '"hello"',
  attributes: undefined,
  eventName: undefined,
  resource: undefined,
  instrumentationScope: undefined,
  traceId: undefined,
  spanId: undefined,
  traceFlags: undefined,
};

describe('scope and resource data within the limits', () => {
  it('a scope name, version and schema URL are cut to 1024 characters; scope and resource attributes to 128', async () => {
    const forwarder = await (await host.load(component('forwarder-rc.2.wasm'))).instantiate();
    const many = Array.from({ length: 200 }, (_, i) => ({ key: `a${i}`, value: String(i) }));
    await forwarder.invoke('emit-log', [
      {
        ...EMPTY_LOG,
        instrumentationScope: { name: 's'.repeat(5000), version: 'v'.repeat(2000), schemaUrl: undefined, attributes: many },
        resource: { attributes: many, schemaUrl: undefined },
      },
    ]);
    await forwarder.invoke('end', [{ ...spanData('00f067aa0ba902b9', 'scoped'), instrumentationScope: { name: 'n'.repeat(3000), version: undefined, schemaUrl: undefined, attributes: many } }]);
    await flush();
    const [log] = await waitForLogs(receiver, 1);
    expect(log!.scope.name).toBe('s'.repeat(1024));
    expect(log!.scope.version).toBe('v'.repeat(1024));
    expect(Object.keys(log!.scope.attributes)).toHaveLength(128);
    expect(Object.keys(log!.resource)).toHaveLength(128);
    const span = byName(await receiver.waitForSpans(2), 'scoped');
    expect(span.scope.name).toBe('n'.repeat(1024));
    expect(Object.keys(span.scope.attributes)).toHaveLength(128);
    expect(host.problems()).toEqual({ name_truncated: 3, attributes_dropped: 3 * 72, span_end_without_start: 1 });
  });
});

describe('caches belong to their host', () => {
  it('an intern cache is bounded in entries and bytes', () => {
    const cache = new InternCache<number>({ maxEntries: 3, maxBytes: 1000 });
    for (let i = 0; i < 10; i++) cache.get(`key-${i}`, () => i);
    expect(cache.size).toBe(3);
    expect(cache.get('key-9', () => -1)).toBe(9);
    expect(cache.get('key-0', () => -1)).toBe(-1);
    // keys of 20 characters (40 bytes): 25 fit in 1000 bytes, the oldest go first
    const bytes = new InternCache<number>({ maxEntries: 100, maxBytes: 1000 });
    for (let i = 0; i < 30; i++) bytes.get(`${i}`.padEnd(20, 'x'), () => i);
    expect([bytes.size, bytes.byteSize]).toEqual([25, 1000]);
    expect(bytes.get('29'.padEnd(20, 'x'), () => -1)).toBe(29);
    expect(bytes.get('0'.padEnd(20, 'x'), () => -1)).toBe(-1);
    // an entry bigger than a sixteenth of the cache is returned, not kept
    expect(bytes.get('y'.repeat(400), () => 7)).toBe(7);
    expect(bytes.get('y'.repeat(400), () => 8)).toBe(8);
    bytes.clear();
    expect([bytes.size, bytes.byteSize]).toEqual([0, 0]);
  });

  it('hosts that saw many distinct large scopes and resources hold nothing once disposed (the hosts themselves still alive)', async () => {
    // A child process with --expose-gc: 12 hosts, each fed 100 log records with distinct 100 KB
    // scope and resource attributes, each host disposed but kept; the heap must come back.
    const script = `
      import { createHost } from ${JSON.stringify(`${ROOT}dist/index.js`)};
      const emit = [];
      const baseline = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
      const before = baseline();
      const kept = []; // the hosts stay alive: only dispose() lets go of what their caches held
      for (let h = 0; h < 12; h++) {
        const host = createHost({ logRecordProcessors: [{ onEmit() {}, forceFlush: async () => {}, shutdown: async () => {} }] });
        const instance = await (await host.load(${JSON.stringify(component('forwarder-rc.2.wasm'))})).instantiate();
        for (let i = 0; i < 100; i++) {
          const big = JSON.stringify(String(h * 1000 + i).padEnd(100_000, 'x'));
          await instance.invoke('emit-log', [{ timestamp: undefined, observedTimestamp: undefined, severityText: undefined, severityNumber: undefined,
            body: undefined, attributes: undefined, eventName: undefined, traceId: undefined, spanId: undefined, traceFlags: undefined,
            resource: { attributes: [{ key: 'r', value: big }], schemaUrl: undefined },
            instrumentationScope: { name: 'scope-' + i, version: undefined, schemaUrl: undefined, attributes: [{ key: 's', value: big }] } }]);
        }
        instance.dispose();
        host.dispose();
        kept.push(host);
      }
      const after = baseline();
      console.log(JSON.stringify({ before, after, hosts: kept.length }));
    `;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, WASM_OTEL_CACHE_DIR: process.env.WASM_OTEL_CACHE_DIR } });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`probe exited ${code}: ${out}`))));
    });
    const { before, after } = JSON.parse(output.trim().split('\n').pop()!) as { before: number; after: number };
    // 12 x 100 x 2 x 100 KB went through the caches (240 MB): what stays is the loaded glue, not the data.
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);
});
