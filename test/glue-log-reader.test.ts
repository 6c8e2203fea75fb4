// The log-reader glue rewrite (src/runtime/glue/log-reader.ts) and the host's reader of log
// records straight from guest memory (src/otel/log-record-reader.ts): the same guest, with the
// glue as the other rewrites leave it (jco's own lifting, then the front-end's decoding) and with
// log-reader, must export the same log records, report the same problems and trap the same way,
// on random records lowered by jco (hostile content, and clean records the reader takes), under
// default and tight limits and lift budgets. Raw bytes with broken structure (bad discriminants,
// misaligned lists, pointers out of bounds, non-ASCII, over the budget) are given back untouched.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AlwaysOnSampler, RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIMITS, InstanceSpanState, ProblemCounter, ScopeCache, createHostCaches, type EngineLimits, type LogPipeline, type ProblemReason } from '../src/engine/index.js';
import { createOtelImports } from '../src/otel/imports.js';
import { READ_LOG_RECORD, createLogRecordReader } from '../src/otel/log-record-reader.js';
import { REWRITES, transformGlue } from '../src/runtime/glue-transform.js';
import { LIFT_BUDGET, LiftBudget } from '../src/runtime/lift-budget.js';
import { datetime, logRecord } from './support/fuzz-arbitraries.js';
import { component } from './support/paths.js';

const RUNS = Number(process.env.WASM_OTEL_FUZZ_RUNS ?? 150);
const SEED = Number(process.env.WASM_OTEL_FUZZ_SEED ?? 20261203);

type Exports = Record<string, (...args: unknown[]) => unknown>;
type Instantiate = (getCoreModule: (name: string) => WebAssembly.Module, imports: Record<string | symbol, unknown>) => Promise<Exports>;

let scratch: string;
let loads = 0;

async function load(source: string): Promise<Instantiate> {
  const dir = join(scratch, `load-${loads++}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'component.js'), source);
  return ((await import(pathToFileURL(join(dir, 'component.js')).href)) as { instantiate: Instantiate }).instantiate;
}

/** Problems as data (reason, message, amount), in order. */
class RecordingProblems extends ProblemCounter {
  readonly log: unknown[] = [];
  override report(reason: ProblemReason, message: string, amount = 1): void {
    this.log.push(['report', reason, message, amount]);
  }
  override note(reason: ProblemReason, message: string, amount = 1): void {
    this.log.push(['note', reason, message, amount]);
  }
}

/** A log record as exporters read it, as plain data. */
function recordAsData(record: ReadableLogRecord): unknown {
  return {
    hrTime: record.hrTime,
    hrTimeObserved: record.hrTimeObserved,
    spanContext: record.spanContext,
    resource: { attributes: record.resource.attributes, schemaUrl: record.resource.schemaUrl },
    scope: record.instrumentationScope,
    attributes: record.attributes,
    droppedAttributesCount: record.droppedAttributesCount,
    severityText: record.severityText,
    severityNumber: record.severityNumber,
    body: record.body,
    eventName: record.eventName,
  };
}

const HOST_RESOURCE = resourceFromAttributes({ 'service.name': 'glue-log-reader-test' });

interface Run {
  emit(record: unknown): unknown;
  taken: () => number;
}

async function instance(instantiate: Instantiate, modules: (name: string) => WebAssembly.Module, limits: EngineLimits): Promise<Run> {
  const records: unknown[] = [];
  const problems = new RecordingProblems();
  const spans = { spanProcessor: { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }, sampler: new AlwaysOnSampler(), resource: HOST_RESOURCE, idGenerator: new RandomIdGenerator(), enabled: true };
  const state = new InstanceSpanState(spans, limits, problems, new ScopeCache());
  const logs: LogPipeline = {
    processor: { onEmit: (record) => void records.push(recordAsData(record)), forceFlush: async () => {}, shutdown: async () => {} },
    resource: HOST_RESOURCE,
    attributeCountLimit: limits.attributeCountLimit,
    attributeValueLengthLimit: limits.attributeValueLengthLimit,
    enabled: true,
  };
  const lift = new LiftBudget(limits.maxRecordBytes);
  const otel = createOtelImports({ state, limits, problems, currentSpanIsHostSpan: false, metrics: undefined as never, logs, caches: createHostCaches(), lift });
  const onEmit = (otel['wasi:otel/logs'] as { onEmit: (record: unknown) => void }).onEmit;
  const reader = (onEmit as unknown as Record<symbol, (...args: unknown[]) => boolean>)[READ_LOG_RECORD]!;
  let taken = 0;
  // The same import, counting what the reader takes.
  const counted = (record: unknown) => onEmit(record);
  Object.defineProperty(counted, READ_LOG_RECORD, { value: (...args: unknown[]) => (reader(...args) ? (taken++, true) : false) });
  const exports = await instantiate(modules, { ...otel, 'wasi:otel/logs': { onEmit: counted }, [LIFT_BUDGET]: lift });
  return {
    emit(record) {
      let thrown: unknown;
      try {
        exports.emitLog!(record);
      } catch (error) {
        thrown = error instanceof Error ? { error: error.constructor.name, message: error.message } : { thrown: error };
      }
      return { thrown, records: [...records], problems: [...problems.log] };
    },
    taken: () => taken,
  };
}

const limitsArbitrary: fc.Arbitrary<EngineLimits> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(DEFAULT_LIMITS) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        attributeCountLimit: fc.constantFrom(128, 2),
        attributeValueLengthLimit: fc.constantFrom(Infinity, 6),
        maxNameLength: fc.constantFrom(DEFAULT_LIMITS.maxNameLength, 10),
        maxValueJsonLength: fc.constantFrom(DEFAULT_LIMITS.maxValueJsonLength, 12),
        maxRecordBytes: fc.constantFrom(DEFAULT_LIMITS.maxRecordBytes, 400, 60),
      })
      .map((overrides) => ({ ...DEFAULT_LIMITS, ...overrides })),
  },
);

const cleanText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 20 });
const cleanJson = fc.oneof(cleanText.map((t) => JSON.stringify(t)), fc.integer().map(String), fc.boolean().map(String), fc.json({ maxDepth: 2 }));
const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
/** Records the reader takes, mostly: ASCII, JSON values that decode, valid times, severities and ids. */
const validTime = fc.record({ seconds: fc.bigInt({ min: 1_600_000_000n, max: 1_900_000_000n }), nanoseconds: fc.integer({ min: 0, max: 999_999_999 }) });
const cleanRecord = fc.record({
  timestamp: fc.option(validTime, { nil: undefined }),
  observedTimestamp: fc.option(validTime, { nil: undefined }),
  severityText: fc.option(fc.constantFrom('INFO', 'WARN2', 'error', 'Debug4'), { nil: undefined }),
  severityNumber: fc.option(fc.integer({ min: 1, max: 24 }), { nil: undefined }),
  body: fc.option(fc.oneof(cleanJson, fc.constant('null')), { nil: undefined }),
  attributes: fc.option(fc.array(fc.record({ key: cleanText, value: cleanJson }), { maxLength: 5 }), { nil: undefined }),
  eventName: fc.option(cleanText, { nil: undefined }),
  resource: fc.option(fc.record({ attributes: fc.array(fc.record({ key: cleanText, value: cleanJson }), { maxLength: 3 }), schemaUrl: fc.option(cleanText, { nil: undefined }) }), { nil: undefined }),
  instrumentationScope: fc.option(fc.record({ name: cleanText, version: fc.option(cleanText, { nil: undefined }), schemaUrl: fc.option(cleanText, { nil: undefined }), attributes: fc.constant([]) }), { nil: undefined }),
  ids: fc.option(fc.oneof({ weight: 4, arbitrary: fc.tuple(hex(32), hex(16)) }, { weight: 1, arbitrary: fc.constant(['0'.repeat(32), '0'.repeat(16)] as [string, string]) }), { nil: undefined }),
  traceFlags: fc.option(fc.record({ sampled: fc.boolean() }), { nil: undefined }),
}).map(({ ids, ...record }) => ({ ...record, traceId: ids?.[0], spanId: ids?.[1] }));

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'glue-log-reader-test-'));
  // Times the host makes up (observed timestamps left out) come from its clock: the same in both runs.
  vi.spyOn(performance, 'now').mockReturnValue(1234.5);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await rm(scratch, { recursive: true, force: true });
});

for (const file of ['forwarder-rc.2.wasm', 'forwarder-draft-2025-12.wasm']) {
  describe(`log-reader on ${file} (records lowered by jco from random WIT values)`, () => {
    let reader: Instantiate;
    let lifted: Instantiate;
    let modules: (name: string) => WebAssembly.Module;
    let applied: string[];
    beforeAll(async () => {
      const out = await transpileBytes(await readFile(component(file)), { name: 'component', instantiation: 'async', noComponentErrorWrapping: false, emitTypescriptDeclarations: false });
      const glue = Buffer.from(out.files['component.js']!).toString('utf8');
      const all = transformGlue(glue);
      applied = all.applied;
      expect(all.skipped.filter((line) => line.startsWith('log-reader'))).toEqual([]);
      reader = await load(all.source);
      lifted = await load(transformGlue(glue, { rewrites: REWRITES.filter((name) => name !== 'log-reader') }).source);
      const compiled = new Map<string, WebAssembly.Module>();
      modules = (name) => {
        let m = compiled.get(name);
        if (!m) compiled.set(name, (m = new WebAssembly.Module(out.files[name] as Uint8Array<ArrayBuffer>)));
        return m;
      };
    });

    it('applies to on-emit', () => {
      expect(applied).toContain('log-reader');
    });

    it(`${RUNS} random record sequences: the same records, problems and traps with and without the reader`, async () => {
      let taken = 0;
      const record = fc.oneof(logRecord, cleanRecord, cleanRecord);
      await fc.assert(
        fc.asyncProperty(limitsArbitrary, fc.array(record, { minLength: 1, maxLength: 4 }), async (limits, records) => {
          const results = [];
          for (const variant of [lifted, reader]) {
            const run = await instance(variant, modules, limits);
            results.push(records.map((r) => run.emit(r)).at(-1));
            if (variant === reader) taken += run.taken();
            else expect(run.taken()).toBe(0);
          }
          expect(results[1]).toEqual(results[0]);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      // The reader took a fair share (the rest is what it leaves to jco's lifting).
      expect(taken).toBeGreaterThan(RUNS / 2);
    }, 300_000);

    it(`${RUNS} clean records around the lift budget: the reader takes only those the glue would not cut`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 400 }), cleanRecord, async (maxRecordBytes, record) => {
          const limits = { ...DEFAULT_LIMITS, maxRecordBytes };
          const results = [];
          for (const variant of [lifted, reader]) results.push((await instance(variant, modules, limits)).emit(record));
          expect(results[1]).toEqual(results[0]);
        }),
        { numRuns: RUNS, seed: SEED + 1, endOnFailure: true },
      );
    }, 300_000);
  });
}

describe('the log record reader on raw bytes', () => {
  const P = 1024; // where the record is written
  const STRINGS = 4096; // where its strings go

  /** A memory holding a valid record (every option set), and what the reader emitted from it. */
  function setup(budget?: number) {
    const bytes = new Uint8Array(8192);
    const view = new DataView(bytes.buffer);
    let next = STRINGS;
    const str = (at: number, text: string) => {
      const b = Buffer.from(text, 'utf8');
      bytes.set(b, next);
      view.setUint32(at, next, true);
      view.setUint32(at + 4, b.length, true);
      next += b.length;
    };
    const some = (at: number) => (bytes[at] = 1);
    some(P + 0), view.setUint32(P + 8, 1_700_000_000, true), view.setUint32(P + 16, 5, true);
    some(P + 24), view.setUint32(P + 32, 1_700_000_001, true);
    some(P + 48), str(P + 52, 'INFO');
    some(P + 64), str(P + 68, '"hello"');
    some(P + 76), view.setUint32(P + 80, 2048, true), view.setUint32(P + 84, 1, true), str(2048, 'k'), str(2056, '1');
    some(P + 124), str(P + 128, 'scope');
    some(P + 168), str(P + 172, '4bf92f3577b34da6a3ce929d0e0e4736');
    some(P + 180), str(P + 184, '00f067aa0ba902b7');
    some(P + 192), (bytes[P + 193] = 1);
    const emitted: unknown[] = [];
    const problems = new RecordingProblems();
    const spans = { spanProcessor: { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }, sampler: new AlwaysOnSampler(), resource: HOST_RESOURCE, idGenerator: new RandomIdGenerator(), enabled: true };
    const pipeline: LogPipeline = {
      processor: { onEmit: (record) => void emitted.push(recordAsData(record)), forceFlush: async () => {}, shutdown: async () => {} },
      resource: HOST_RESOURCE,
      attributeCountLimit: 128,
      attributeValueLengthLimit: Infinity,
      enabled: true,
    };
    const read = createLogRecordReader({
      state: new InstanceSpanState(spans, DEFAULT_LIMITS, problems, new ScopeCache()),
      pipeline,
      lift: budget === undefined ? undefined : new LiftBudget(budget),
      cx: { limits: DEFAULT_LIMITS, problems, caches: createHostCaches(), attributeCountLimit: 128, attributeValueLengthLimit: Infinity },
    });
    return { bytes, view, read: (p = P) => read(bytes, view, p), emitted, problems, pipeline };
  }

  it('takes a valid record and emits it as the front-end would', () => {
    const s = setup();
    expect(s.read()).toBe(true);
    expect(s.emitted).toEqual([
      {
        hrTime: [1_700_000_000, 5],
        hrTimeObserved: [1_700_000_001, 0],
        spanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 },
        resource: { attributes: HOST_RESOURCE.attributes, schemaUrl: undefined },
        scope: { name: 'scope' },
        attributes: { k: 1 },
        droppedAttributesCount: 0,
        severityText: 'INFO',
        severityNumber: 9,
        body: 'hello',
        eventName: undefined,
      },
    ]);
    expect(s.problems.log).toEqual([]);
  });

  it.each([
    ['a bad option discriminant', (s: ReturnType<typeof setup>) => (s.bytes[P + 48] = 2)],
    ['flags with extraneous bits', (s: ReturnType<typeof setup>) => (s.bytes[P + 193] = 3)],
    ['a misaligned list', (s: ReturnType<typeof setup>) => s.view.setUint32(P + 80, 2050, true)],
    ['a list out of bounds', (s: ReturnType<typeof setup>) => s.view.setUint32(P + 84, 1_000_000, true)],
    ['a string out of bounds', (s: ReturnType<typeof setup>) => s.view.setUint32(P + 52, 8190, true)],
    ['an empty string pointing out of bounds', (s: ReturnType<typeof setup>) => (s.view.setUint32(P + 52, 9000, true), s.view.setUint32(P + 56, 0, true))],
    ['a non-ASCII string', (s: ReturnType<typeof setup>) => (s.bytes[s.view.getUint32(P + 128, true)] = 0xc3)],
    ['nanoseconds of a second or more', (s: ReturnType<typeof setup>) => s.view.setUint32(P + 16, 1e9, true)],
    ['a severity number outside 1-24', (s: ReturnType<typeof setup>) => (s.bytes[P + 60] = 1, s.bytes[P + 61] = 30)],
    ['a body that is not JSON', (s: ReturnType<typeof setup>) => (s.bytes[s.view.getUint32(P + 68, true)] = 0x78)],
    ['upper-case ids', (s: ReturnType<typeof setup>) => (s.bytes[s.view.getUint32(P + 172, true) + 2] = 0x46)],
  ])('gives back %s untouched', (_what, corrupt) => {
    const s = setup();
    corrupt(s);
    expect(s.read()).toBe(false);
    expect(s.emitted).toEqual([]);
    expect(s.problems.log).toEqual([]);
  });

  it('checks the ids of every record, also after the same ids were taken before', () => {
    const s = setup();
    expect(s.read()).toBe(true);
    expect(s.read()).toBe(true);
    s.bytes.fill(0x30, s.view.getUint32(P + 184, true), s.view.getUint32(P + 184, true) + 16); // span id all zero
    expect(s.read()).toBe(false);
    expect(s.emitted).toHaveLength(2);
  });

  it('gives back a record over the lift budget, a misaligned or out-of-bounds record, and any record while logs are off', () => {
    expect(setup(60).read()).toBe(false);
    expect(setup(200).read()).toBe(true);
    const s = setup();
    expect(s.read(P + 4)).toBe(false);
    expect(s.read(8192 - 100)).toBe(false);
    s.pipeline.enabled = false;
    expect(s.read()).toBe(false);
    expect(s.emitted).toEqual([]);
  });
});
