// The span-reader glue rewrite (src/runtime/glue/span-reader.ts) and the host's readers of span
// records straight from guest memory (src/otel/span-data-reader.ts): the same guest, with the
// glue as the other rewrites leave it (jco's own lifting, then the front-end's decoding) and
// with span-reader, must export the same spans, report the same problems and trap the same way,
// on random records: well-formed WIT values with hostile content (through the rc.2 forwarder
// guest, lowered by jco) and raw bytes with broken structure (written into span-bench's memory
// where its record lives: bad discriminants, misaligned lists, pointers out of bounds, invalid
// UTF-8, records over the lift budget).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, RandomIdGenerator, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIMITS, InstanceSpanState, ProblemCounter, ScopeCache, createHostCaches, type EngineLimits, type ProblemReason, type SpanPipeline } from '../src/engine/index.js';
import { createOtelImports } from '../src/otel/imports.js';
import { READ_SPAN_CONTEXT, READ_SPAN_DATA } from '../src/otel/span-data-reader.js';
import { REWRITES, transformGlue } from '../src/runtime/glue-transform.js';
import { GuestInterrupted, interruptible } from '../src/runtime/guest-interrupt.js';
import { LIFT_BUDGET, LiftBudget } from '../src/runtime/lift-budget.js';
import { spanContext, spanData } from './support/fuzz-arbitraries.js';
import { limitsArbitrary, rawRecord, writeRecord } from './support/raw-span-record.js';
import { component } from './support/paths.js';

const RUNS = Number(process.env.WASM_OTEL_FUZZ_RUNS ?? 150);
const SEED = Number(process.env.WASM_OTEL_FUZZ_SEED ?? 20261203);

type Exports = Record<string, (...args: unknown[]) => unknown>;
type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string | symbol, unknown>,
  instantiateCore?: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<WebAssembly.Instance>,
) => Promise<Exports>;

interface Glue {
  /** With every rewrite, span-reader included. */
  reader: Instantiate;
  /** With every rewrite but span-reader: jco's lifting. */
  lifted: Instantiate;
  modules: (name: string) => WebAssembly.Module;
  applied: string[];
  skipped: string[];
}

let scratch: string;
let loads = 0;

async function load(source: string): Promise<Instantiate> {
  const dir = join(scratch, `load-${loads++}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'component.js'), source);
  return ((await import(pathToFileURL(join(dir, 'component.js')).href)) as { instantiate: Instantiate }).instantiate;
}

async function glueOf(file: string): Promise<Glue> {
  const out = await transpileBytes(await readFile(component(file)), { name: 'component', instantiation: 'async', noComponentErrorWrapping: false, emitTypescriptDeclarations: false });
  const glue = Buffer.from(out.files['component.js']!).toString('utf8');
  const all = transformGlue(glue);
  const without = transformGlue(glue, { rewrites: REWRITES.filter((name) => name !== 'span-reader') });
  const compiled = new Map<string, WebAssembly.Module>();
  const modules = (name: string) => {
    let m = compiled.get(name);
    if (!m) compiled.set(name, (m = new WebAssembly.Module(out.files[name] as Uint8Array<ArrayBuffer>)));
    return m;
  };
  return { reader: await load(all.source), lifted: await load(without.source), modules, applied: all.applied, skipped: all.skipped };
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

/** A span as exporters read it, as plain data. */
function spanAsData(span: ReadableSpan): unknown {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    ended: span.ended,
  };
}

interface Run {
  exports: Exports;
  memory: () => WebAssembly.Memory;
  spans: unknown[];
  problems: RecordingProblems;
  /** Records the host's readers took (the rest came through jco's lifting). */
  taken: { starts: number; ends: number };
}

const RESOURCE = resourceFromAttributes({ 'service.name': 'glue-span-reader-test' });

/** One guest instance with the host's wasi:otel imports over a recording pipeline. */
async function instantiate(glue: Glue, instantiateGlue: Instantiate, limits: EngineLimits): Promise<Run> {
  const spans: unknown[] = [];
  const problems = new RecordingProblems();
  const pipeline: SpanPipeline = {
    spanProcessor: { onStart: () => {}, onEnd: (span) => void spans.push(spanAsData(span)), forceFlush: async () => {}, shutdown: async () => {} },
    sampler: new AlwaysOnSampler(),
    resource: RESOURCE,
    idGenerator: new RandomIdGenerator(),
    enabled: true,
  };
  const state = new InstanceSpanState(pipeline, limits, problems, new ScopeCache());
  const caches = createHostCaches();
  const lift = new LiftBudget(limits.maxRecordBytes);
  const otel = createOtelImports({ state, limits, problems, currentSpanIsHostSpan: false, metrics: undefined as never, logs: undefined as never, caches, lift });
  const tracing = otel['wasi:otel/tracing'] as Record<string | symbol, (...args: never[]) => unknown>;
  const taken = { starts: 0, ends: 0 };
  // The same imports, counting what the readers take.
  const counted = (fn: (...args: never[]) => unknown, symbol: symbol, count: 'starts' | 'ends') => {
    const reader = (fn as unknown as Record<symbol, (...args: unknown[]) => boolean>)[symbol]!;
    const wrapped = (...args: never[]) => fn(...args);
    Object.defineProperty(wrapped, symbol, { value: (...args: unknown[]) => (reader(...args) ? (taken[count]++, true) : false) });
    return wrapped;
  };
  const imports = {
    ...otel,
    'wasi:otel/tracing': { ...tracing, onStart: counted(tracing.onStart!, READ_SPAN_CONTEXT, 'starts'), onEnd: counted(tracing.onEnd!, READ_SPAN_DATA, 'ends') },
    [LIFT_BUDGET]: lift,
  };
  let memory: WebAssembly.Memory | undefined;
  const exports = await instantiateGlue(glue.modules, imports, async (module, moduleImports) => {
    const instance = await WebAssembly.instantiate(module, moduleImports);
    if (instance.exports.memory instanceof WebAssembly.Memory) memory = instance.exports.memory;
    return instance;
  });
  return { exports, memory: () => memory!, spans, problems, taken };
}

function outcome(run: Run, call: () => unknown): unknown {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error instanceof Error ? { error: error.constructor.name, message: error.message } : { thrown: error };
  }
  return { thrown, spans: run.spans, problems: run.problems.log };
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'glue-span-reader-test-'));
  // Times the host makes up (for invalid ones) come from its clock: the same in both runs.
  vi.spyOn(performance, 'now').mockReturnValue(1234.5);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await rm(scratch, { recursive: true, force: true });
});

const cleanText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 20 });
const cleanJson = fc.oneof(
  cleanText.map((t) => JSON.stringify(t)),
  fc.integer().map(String),
  // decimals of up to 15 digits (read in place) and longer ones (read by JSON.parse)
  fc.tuple(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), fc.nat({ max: 8 })).map(([n, k]) => (n / 10 ** k).toFixed(k)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.boolean().map(String),
  fc.json({ maxDepth: 2 }),
);

describe('span-reader on the rc.2 forwarder (records lowered by jco from random WIT values)', () => {
  let glue: Glue;
  beforeAll(async () => {
    glue = await glueOf('forwarder-rc.2.wasm');
  });

  it('applies to on-start and on-end', () => {
    expect(glue.applied).toContain('span-reader');
    expect(glue.skipped.filter((line) => line.startsWith('span-reader'))).toEqual([]);
  });

  it(`${RUNS} random start/end sequences: the same spans, problems and traps with and without the readers`, async () => {
    let taken = 0;
    const op = fc.oneof(
      spanContext.map((c) => ['start', c] as const),
      spanContext.map((c) => ['start', { ...c, traceState: [] }] as const),
      spanData('json').map((d) => ['end', d] as const),
      // spans the readers take: ASCII text, JSON values that decode, no links, trace state or scope attributes
      fc.tuple(spanData('json'), cleanText, cleanText, fc.array(fc.tuple(cleanText, cleanJson), { maxLength: 5 }), fc.array(fc.tuple(cleanText, cleanJson), { maxLength: 2 })).map(
        ([d, name, scopeName, attributes, eventAttributes]) =>
          [
            'end',
            {
              ...d,
              spanContext: { ...(d.spanContext as object), traceState: [] },
              name,
              endTime: d.startTime,
              attributes: attributes.map(([key, value]) => ({ key, value })),
              events: (d.events as { time: unknown }[]).slice(0, 2).map((e, i) => ({ name: `${name}${i}`, time: e.time, attributes: eventAttributes.map(([key, value]) => ({ key, value })) })),
              links: [],
              instrumentationScope: { name: scopeName, version: scopeName, schemaUrl: undefined, attributes: [] },
            },
          ] as const,
      ),
    );
    await fc.assert(
      fc.asyncProperty(limitsArbitrary, fc.array(op, { minLength: 1, maxLength: 6 }), async (limits, ops) => {
        const results = [];
        for (const variant of [glue.lifted, glue.reader]) {
          const run = await instantiate(glue, variant, limits);
          const steps = ops.map(([name, value]) => outcome(run, () => run.exports[name]!(value)));
          results.push(steps.at(-1));
          if (variant === glue.reader) taken += run.taken.starts + run.taken.ends;
          else expect(run.taken).toEqual({ starts: 0, ends: 0 });
        }
        expect(results[1]).toEqual(results[0]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // The readers took a fair share (the rest is what they leave to jco's lifting).
    expect(taken).toBeGreaterThan(RUNS / 4);
  }, 300_000);

  it('a valid span is taken by the readers, with what jco and the front-end give', async () => {
    const span = {
      spanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: { sampled: true }, isRemote: false, traceState: [] },
      parentSpanId: '53995c3f42cd8ad8',
      spanKind: 'client',
      name: 'GET /users/:id',
      startTime: { seconds: 1700000000n, nanoseconds: 5 },
      endTime: { seconds: 1700000001n, nanoseconds: 0 },
      attributes: [
        { key: 'a', value: '"x"' },
        { key: 'b', value: '-12' },
        { key: 'c', value: '0.25' },
        { key: 'd', value: 'false' },
        { key: 'e', value: '[1,"two",null]' },
        { key: 'f', value: '"data:application/octet-stream;base64,AAEC"' },
        { key: 'a', value: '"y"' },
      ],
      events: [{ name: 'ev', time: { seconds: 1700000000n, nanoseconds: 9 }, attributes: [{ key: 'k', value: '1e3' }] }],
      links: [],
      status: { tag: 'error', val: 'boom' },
      instrumentationScope: { name: 'lib', version: '1.2', schemaUrl: 'https://s', attributes: [] },
      droppedAttributes: 2,
      droppedEvents: 3,
      droppedLinks: 4,
    };
    const results = [];
    for (const variant of [glue.lifted, glue.reader]) {
      const run = await instantiate(glue, variant, DEFAULT_LIMITS);
      run.exports.start!(span.spanContext);
      results.push(outcome(run, () => run.exports.end!(span)));
      expect(run.taken).toEqual(variant === glue.reader ? { starts: 1, ends: 1 } : { starts: 0, ends: 0 });
    }
    expect(results[1]).toEqual(results[0]);
    expect((results[1] as { spans: unknown[] }).spans).toHaveLength(1);
    expect((results[1] as { spans: { attributes: unknown }[] }).spans[0]!.attributes).toEqual({ a: 'y', b: -12, c: 0.25, d: false, e: [1, 'two', null], f: new Uint8Array([0, 1, 2]) });
  });
});

describe('span-reader on span-bench.wasm (raw records written into guest memory)', () => {
  let glue: Glue;
  beforeAll(async () => {
    glue = await glueOf('span-bench.wasm');
  });

  it('applies to on-start and on-end', () => {
    expect(glue.applied).toContain('span-reader');
    expect(glue.skipped.filter((line) => line.startsWith('span-reader'))).toEqual([]);
  });

  it('the bench span is taken by the readers and exported as jco and the front-end give it', async () => {
    const results = [];
    for (const variant of [glue.lifted, glue.reader]) {
      const run = await instantiate(glue, variant, DEFAULT_LIMITS);
      results.push(outcome(run, () => run.exports.emitSpans!(3)));
      expect(run.taken).toEqual(variant === glue.reader ? { starts: 3, ends: 3 } : { starts: 0, ends: 0 });
    }
    expect(results[1]).toEqual(results[0]);
    const { spans, problems } = results[1] as { spans: { attributes: unknown }[]; problems: unknown[] };
    expect(problems).toEqual([]);
    expect(spans).toHaveLength(3);
    expect(spans[2]!.attributes).toEqual({ 'http.request.method': 'GET', 'http.route': '/bench', 'http.response.status_code': 200, 'bench.flag': true, 'bench.ratio': 0.5 });
  });

  it(`${RUNS * 2} random raw records: the same spans, problems and traps with and without the readers`, async () => {
    let taken = 0;
    await fc.assert(
      fc.asyncProperty(limitsArbitrary, rawRecord, async (limits, record) => {
        const results = [];
        for (const variant of [glue.lifted, glue.reader]) {
          const run = await instantiate(glue, variant, limits);
          run.exports.emitSpan!(); // builds the bench record, which is then replaced
          run.spans.length = 0;
          run.problems.log.length = 0;
          run.taken.ends = 0;
          writeRecord(run.memory(), record);
          results.push(outcome(run, () => run.exports.emitSpan!()));
          if (variant === glue.reader) taken += run.taken.ends;
        }
        expect(results[1]).toEqual(results[0]);
      }),
      { numRuns: RUNS * 2, seed: SEED, endOnFailure: true },
    );
    expect(taken).toBeGreaterThan(RUNS / 4);
  }, 300_000);
});

describe('interruptible imports (a run a signal can stop)', () => {
  it('keep the readers, which stop on a signal as the imports do', () => {
    const onEnd = Object.defineProperty(() => 'lifted', READ_SPAN_DATA, { value: () => true });
    const flag = new Int32Array(1);
    const wrapped = interruptible({ onEnd }, flag).onEnd as unknown as (() => unknown) & Record<symbol, () => unknown>;
    expect(wrapped()).toBe('lifted');
    expect(wrapped[READ_SPAN_DATA]!()).toBe(true);
    flag[0] = 15;
    expect(() => wrapped()).toThrow(GuestInterrupted);
    expect(() => wrapped[READ_SPAN_DATA]!()).toThrow(GuestInterrupted);
  });
});
