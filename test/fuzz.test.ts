/**
 * Property-based fuzzing of every front-end: each wasi:otel shape through its forwarder guest
 * (tracing, metrics, logs: any structurally valid WIT value, hostile content), and the core
 * Observe API and instrument hooks through observe-forwarder.wasm (any pointer, length and
 * number), and wasi:observe / wasi:logging through wasi-observe-forwarder.wasm (any WIT value, span
 * handles live, ended, dropped or never issued). Must hold: no call into the guest fails because of the host (nothing thrown into the
 * guest), the host never crashes, everything it exports serializes to OTLP protobuf (decoded again
 * with the official schema) and JSON, and the heap stays bounded.
 *
 * CI runs a fixed seed (WASM_OTEL_FUZZ_SEED, WASM_OTEL_FUZZ_RUNS); `just fuzz` runs more cases.
 */
import { createRequire } from 'node:module';
import { ExportResultCode } from '@opentelemetry/core';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WasmOtelError, createHost } from '../src/index.js';
import { GuestMetricsJsonSerializer, GuestMetricsProtobufSerializer } from '../src/telemetry/otlp-metrics-serializer.js';
import {
  datetime,
  logRecord,
  loggingLevel,
  observeKeyValues,
  observeLink,
  observeStartOptions,
  observeStatus,
  resourceMetrics,
  spanContext,
  spanData,
  text,
  type ValueKind,
} from './support/fuzz-arbitraries.js';
import { component } from './support/paths.js';

const RUNS = Number(process.env.WASM_OTEL_FUZZ_RUNS ?? 150);
const SEED = Number(process.env.WASM_OTEL_FUZZ_SEED ?? 20261202);
const PARAMS = { numRuns: RUNS, seed: SEED, endOnFailure: true };

type Decoder = { decode(bytes: Uint8Array): unknown };
const require = createRequire(import.meta.url);
const collector = (require('otlp-transformer-057/build/src/generated/root.js') as { opentelemetry: { proto: { collector: Record<string, { v1: Record<string, Decoder> }> } } }).opentelemetry.proto.collector;

/** Sinks that serialize every item the host exports, both ways, and keep what failed. */
class SerializingSinks {
  readonly failures: string[] = [];
  spans = 0;
  logs = 0;
  batches = 0;

  private check(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      if (this.failures.length < 20) this.failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  readonly spanProcessor: SpanProcessor = {
    onStart: () => {},
    onEnd: (span: ReadableSpan) => {
      this.spans++;
      this.check('span protobuf', () => collector.trace!.v1.ExportTraceServiceRequest!.decode(ProtobufTraceSerializer.serializeRequest([span])!));
      this.check('span json', () => JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest([span])!)));
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  readonly logProcessor: LogRecordProcessor = {
    onEmit: (record: ReadableLogRecord) => {
      this.logs++;
      this.check('log protobuf', () => collector.logs!.v1.ExportLogsServiceRequest!.decode(ProtobufLogsSerializer.serializeRequest([record])!));
      this.check('log json', () => JSON.parse(new TextDecoder().decode(JsonLogsSerializer.serializeRequest([record])!)));
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  readonly metricExporter: PushMetricExporter = {
    export: (metrics: ResourceMetrics, done) => {
      this.batches++;
      this.check('metrics protobuf', () => collector.metrics!.v1.ExportMetricsServiceRequest!.decode(GuestMetricsProtobufSerializer.serializeRequest(metrics)!));
      this.check('metrics json', () => JSON.parse(new TextDecoder().decode(GuestMetricsJsonSerializer.serializeRequest(metrics)!)));
      done({ code: ExportResultCode.SUCCESS });
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
}

const SHAPES: { shape: string; values: ValueKind; startWithParent: boolean; current: string; metrics: boolean; logs: boolean }[] = [
  { shape: 'draft-2025-03', values: 'typed', startWithParent: true, current: 'current', metrics: false, logs: false },
  { shape: 'draft-2025-11', values: 'typed', startWithParent: false, current: 'outer', metrics: true, logs: false },
  { shape: 'draft-2025-12', values: 'json', startWithParent: false, current: 'outer', metrics: true, logs: true },
  { shape: 'rc.1', values: 'json', startWithParent: false, current: 'outer', metrics: true, logs: true },
  { shape: 'rc.2', values: 'json', startWithParent: false, current: 'outer', metrics: true, logs: true },
  { shape: 'main', values: 'json', startWithParent: false, current: 'current', metrics: true, logs: true },
];

type Call = [name: string, args: unknown[]];

function calls(shape: (typeof SHAPES)[number]): fc.Arbitrary<Call[]> {
  const ops: fc.Arbitrary<Call>[] = [
    (shape.startWithParent ? fc.tuple(spanData(shape.values), spanContext) : spanContext.map((c) => [c] as const)).map((args): Call => ['start', [...args]]),
    spanData(shape.values).map((data): Call => ['end', [data]]),
    fc.constant<Call>([shape.current, []]),
  ];
  if (shape.metrics) ops.push(resourceMetrics(shape.values).map((metrics): Call => ['export-metrics', [metrics]]));
  if (shape.logs) ops.push(logRecord.map((record): Call => ['emit-log', [record]]));
  return fc.array(fc.oneof(...ops), { minLength: 1, maxLength: 8 });
}

/** Heap bound per property: what a run may keep (the fuzzer's own values included). */
const HEAP_GROWTH_LIMIT = 512 * 1024 * 1024;

describe('fuzzing the wasi:otel front-end, every shape', () => {
  for (const shape of SHAPES) {
    it(`${shape.shape}: ${RUNS} random call sequences, nothing thrown into the guest, everything serializes`, async () => {
      const sinks = new SerializingSinks();
      const host = createHost({ spanProcessors: [sinks.spanProcessor], logRecordProcessors: [sinks.logProcessor], metricExporters: [sinks.metricExporter] });
      const forwarder = await host.load(component(`forwarder-${shape.shape}.wasm`));
      const heapBefore = process.memoryUsage().heapUsed;
      await fc.assert(
        fc.asyncProperty(calls(shape), async (sequence) => {
          const instance = await forwarder.instantiate();
          for (const [name, args] of sequence) {
            try {
              await instance.invoke(name, args);
            } catch (error) {
              // export-metrics returns the import's err(reason) for malformed metrics: a guest_error, not a failure.
              if (!(name === 'export-metrics' && error instanceof WasmOtelError && error.code === 'guest_error')) throw error;
            }
          }
          instance.dispose();
        }),
        PARAMS,
      );
      expect(sinks.failures).toEqual([]);
      expect(host.problems().host_error).toBeUndefined(); // no bug of ours was hit on the way
      expect(sinks.spans).toBeGreaterThan(RUNS);
      // every signal of the shape went through the serializers
      if (shape.logs) expect(sinks.logs).toBeGreaterThan(0);
      if (shape.metrics) expect(sinks.batches).toBeGreaterThan(0);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(HEAP_GROWTH_LIMIT);
    }, 300_000);
  }
});

describe('fuzzing the core-module front-end (Observe API and instrument hooks)', () => {
  const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  // Mostly inside the first page (where the strings are written), sometimes anywhere.
  const ptr = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 4096 }) }, { weight: 1, arbitrary: i32 });
  const len = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 256 }) }, { weight: 1, arbitrary: i32 });
  // Garbage, lines of the right form with hostile parts, and well-formed lines (so that metrics are recorded and exported).
  const statsd = fc.oneof(
    fc.string(),
    fc
      .tuple(fc.string({ maxLength: 8 }), fc.oneof(fc.double(), fc.integer()), fc.constantFrom('c', 'g', 'ms', 'h', 'd', 's', 'x'), fc.option(fc.double()), fc.string({ maxLength: 12 }))
      .map(([name, value, type, rate, tags]) => `${name}:${value}|${type}${rate === null ? '' : `|@${rate}`}|#${tags}`),
    fc
      .tuple(fc.stringMatching(/^[a-z][a-z.]{0,7}$/), fc.integer({ min: 0, max: 1e6 }), fc.constantFrom('c', 'g', 'ms', 'h', 'd', 's'), fc.option(fc.double({ min: 0.01, max: 1, noNaN: true })), fc.stringMatching(/^([a-z]{1,4}:[a-z0-9]{0,4})?$/))
      .map(([name, value, type, rate, tags]) => `${name}:${value}|${type}${rate === null ? '' : `|@${rate}`}${tags === '' ? '' : `|#${tags}`}`),
  );
  type CoreOp = { write?: { at: number; bytes: Uint8Array }; call: Call };
  const op: fc.Arbitrary<CoreOp> = fc.oneof(
    fc.tuple(fc.string({ unit: 'binary', maxLength: 64 }), ptr).map(([name, at]): CoreOp => ({ write: { at: at & 4095, bytes: Buffer.from(name) }, call: ['span-enter', [at & 4095, Buffer.byteLength(name)]] })),
    fc.tuple(ptr, len).map(([p, l]): CoreOp => ({ call: ['span-enter', [p, l]] })),
    fc.constant<CoreOp>({ call: ['span-exit', []] }),
    fc.tuple(fc.string({ maxLength: 40 })).map(([tags]): CoreOp => ({ write: { at: 1024, bytes: Buffer.from(tags) }, call: ['span-tags', [1024, Buffer.byteLength(tags)]] })),
    fc.tuple(fc.oneof(fc.constant(1), i32), statsd).map(([format, line]): CoreOp => ({ write: { at: 2048, bytes: Buffer.from(line) }, call: ['metric', [format, 2048, Buffer.byteLength(line)]] })),
    fc.tuple(i32, fc.uint8Array({ maxLength: 64 })).map(([level, bytes]): CoreOp => ({ write: { at: 3072, bytes }, call: ['log', [level, 3072, bytes.length]] })),
    fc.tuple(fc.oneof(fc.integer({ min: 0, max: 20 }), i32)).map(([func]): CoreOp => ({ call: ['enter', [func]] })),
    fc.tuple(fc.oneof(fc.integer({ min: 0, max: 20 }), i32)).map(([func]): CoreOp => ({ call: ['exit', [func]] })),
    fc.tuple(fc.oneof(fc.integer({ min: 0, max: 3 }), i32)).map(([pages]): CoreOp => ({ call: ['memory-grow', [pages]] })),
  );

  it(`${RUNS} random call sequences: nothing thrown into the module, everything serializes`, async () => {
    const sinks = new SerializingSinks();
    // The host instruments (statsd metrics) are read into the serializing exporter too.
    const reader = new PeriodicExportingMetricReader({ exporter: sinks.metricExporter, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const host = createHost({ spanProcessors: [sinks.spanProcessor], logRecordProcessors: [sinks.logProcessor], meterProvider, minSpanMicros: 0 });
    const module = await host.loadModule(component('observe-forwarder.wasm'));
    const heapBefore = process.memoryUsage().heapUsed;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 16 }), async (ops) => {
        const instance = await module.instantiate();
        const memory = instance.exports.memory as WebAssembly.Memory;
        for (const { write, call } of ops) {
          if (write) new Uint8Array(memory.buffer).set(write.bytes.subarray(0, 4096 - write.at), write.at);
          await instance.invoke(call[0], call[1]);
        }
        instance.dispose();
      }),
      PARAMS,
    );
    await reader.forceFlush();
    await meterProvider.shutdown();
    expect(sinks.failures).toEqual([]);
    expect(host.problems().host_error).toBeUndefined();
    expect(sinks.spans).toBeGreaterThan(RUNS);
    expect(sinks.logs).toBeGreaterThan(0);
    expect(sinks.batches).toBeGreaterThan(0);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(HEAP_GROWTH_LIMIT);
  }, 300_000);
});

describe('fuzzing the wasi:observe front-end (tracer, span resource, wasi:logging)', () => {
  /** What to do, on which span: `pick` chooses among the handles issued so far (or one never issued). */
  type ObserveOp = { name: string; args: unknown[]; pick?: number };
  const pick = fc.integer({ min: 0, max: 1000 });
  const op: fc.Arbitrary<ObserveOp> = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(text, observeStartOptions).map(([name, options]): ObserveOp => ({ name: 'start', args: [name, options] })) },
    { weight: 1, arbitrary: pick.map((p): ObserveOp => ({ name: 'span-context', args: [], pick: p })) },
    { weight: 1, arbitrary: pick.map((p): ObserveOp => ({ name: 'is-recording', args: [], pick: p })) },
    { weight: 2, arbitrary: fc.tuple(pick, observeKeyValues()).map(([p, kvs]): ObserveOp => ({ name: 'set-attributes', args: [kvs], pick: p })) },
    { weight: 2, arbitrary: fc.tuple(pick, text, fc.option(datetime, { nil: undefined }), fc.option(observeKeyValues(3), { nil: undefined })).map(([p, n, t, kvs]): ObserveOp => ({ name: 'add-event', args: [n, t, kvs], pick: p })) },
    { weight: 1, arbitrary: fc.tuple(pick, observeLink).map(([p, link]): ObserveOp => ({ name: 'add-link', args: [link], pick: p })) },
    { weight: 1, arbitrary: fc.tuple(pick, observeStatus).map(([p, st]): ObserveOp => ({ name: 'set-status', args: [st], pick: p })) },
    { weight: 1, arbitrary: fc.tuple(pick, text).map(([p, n]): ObserveOp => ({ name: 'update-name', args: [n], pick: p })) },
    { weight: 2, arbitrary: fc.tuple(pick, fc.option(datetime, { nil: undefined })).map(([p, t]): ObserveOp => ({ name: 'end', args: [t], pick: p })) },
    { weight: 2, arbitrary: pick.map((p): ObserveOp => ({ name: 'drop', args: [], pick: p })) },
    { weight: 1, arbitrary: fc.tuple(loggingLevel, text, text).map(([level, context, message]): ObserveOp => ({ name: 'log', args: [level, context, message] })) },
  );

  it(`${RUNS} random call sequences: nothing thrown into the guest, no state left, everything serializes`, async () => {
    const sinks = new SerializingSinks();
    const host = createHost({ spanProcessors: [sinks.spanProcessor], logRecordProcessors: [sinks.logProcessor] });
    const forwarder = await host.load(component('wasi-observe-forwarder.wasm'));
    const heapBefore = process.memoryUsage().heapUsed;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 16 }), async (ops) => {
        const instance = await forwarder.instantiate();
        const live: number[] = [];
        const issued: number[] = [];
        for (const { name, args, pick: chosen } of ops) {
          if (name === 'start') {
            const handle = (await instance.invoke('start', args)) as number;
            live.push(handle);
            issued.push(handle);
            continue;
          }
          if (chosen === undefined) {
            await instance.invoke(name, args);
            continue;
          }
          if (name === 'drop') {
            // Dropping a handle the guest does not own traps in jco's glue (not the host): drop live ones only.
            if (live.length === 0) continue;
            const [handle] = live.splice(chosen % live.length, 1);
            await instance.invoke('drop', [handle]);
            continue;
          }
          // A live handle, one ended or dropped, or one never issued (jco hands the host a blank span).
          const handle = chosen % 10 === 9 || issued.length === 0 ? 100 + (chosen % 50) : issued[chosen % issued.length]!;
          await instance.invoke(name, [handle, ...args]);
        }
        for (const handle of live) await instance.invoke('drop', [handle]);
        expect(instance.openSpanCount).toBe(0);
        instance.dispose();
      }),
      PARAMS,
    );
    expect(sinks.failures).toEqual([]);
    expect(host.problems().host_error).toBeUndefined();
    expect(sinks.spans).toBeGreaterThan(RUNS);
    expect(sinks.logs).toBeGreaterThan(0);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(HEAP_GROWTH_LIMIT);
  }, 300_000);
});
