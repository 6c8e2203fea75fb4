// transformGlue (src/runtime/glue-transform.ts): which rewrites apply to real jco output, and
// that the rewritten glue behaves exactly like the generated glue. Two small guests are built
// here from WAT (jco-transpile's parse -> componentEmbed -> componentNew), transpiled like the
// host does, and run twice -- raw and transformed glue -- with recording host imports. Every
// host call, every result and every error must be the same.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { componentEmbed, componentNew, parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { REWRITES, transformGlue } from '../src/runtime/glue-transform.js';
import { createWasiImports, loadWasiShim } from '../src/runtime/wasi-imports.js';
import { LIFT_BUDGET, LiftBudget } from '../src/runtime/lift-budget.js';
import { component } from './support/paths.js';

// ---------------------------------------------------------------------------------------------
// Guests

/** WIT for both guests: the rc.2 tracing interface (only what it uses) plus a test interface. */
const WIT = `
package test:glue;

interface host {
  resource counter {
    constructor(start: u32);
    inc: func() -> u32;
  }
  peek: func(c: borrow<counter>) -> u32;
  get-u32: func() -> u32;
  get-bool: func() -> bool;
  echo: func(s: string) -> string;
  try-div: func(a: u32, b: u32) -> result<u32, string>;
  maybe: func(x: u32) -> option<u64>;
  boom: func();
  nums: func(xs: list<f64>) -> list<u64>;
}

world spans {
  import wasi:otel/tracing@0.2.0-rc.2;
  export emit-span: func();
  export emit-spans: func(n: u32);
  export emit-named: func(name: string);
  export outer-trace-id: func() -> string;
  export grow-and-emit: func();
  export grow-on-alloc: func(on: bool);
  export fail: func();
}

world variety {
  import host;
  export get-u32: func() -> u32;
  export get-bool: func() -> bool;
  export echo: func(s: string) -> string;
  export try-div: func(a: u32, b: u32) -> result<u32, string>;
  export maybe: func(x: u32) -> option<u64>;
  export boom: func();
  export nums: func(xs: list<f64>) -> list<u64>;
  export counter-roundtrip: func(start: u32) -> u32;
}

package wasi:clocks@0.2.0 {
  interface wall-clock {
    record datetime { seconds: u64, nanoseconds: u32 }
  }
}

package wasi:otel@0.2.0-rc.2 {
  interface types {
    record key-value { key: key, value: value }
    type key = string;
    type value = string;
    record instrumentation-scope {
      name: string,
      version: option<string>,
      schema-url: option<string>,
      attributes: list<key-value>,
    }
  }
  interface tracing {
    use wasi:clocks/wall-clock@0.2.0.{datetime};
    use types.{key-value, instrumentation-scope};
    on-start: func(context: span-context);
    on-end: func(span: span-data);
    outer-span-context: func() -> span-context;
    record span-data {
      span-context: span-context,
      parent-span-id: string,
      span-kind: span-kind,
      name: string,
      start-time: datetime,
      end-time: datetime,
      attributes: list<key-value>,
      events: list<event>,
      links: list<link>,
      status: status,
      instrumentation-scope: instrumentation-scope,
      dropped-attributes: u32,
      dropped-events: u32,
      dropped-links: u32,
    }
    record span-context {
      trace-id: trace-id,
      span-id: span-id,
      trace-flags: trace-flags,
      is-remote: bool,
      trace-state: trace-state,
    }
    type trace-id = string;
    type span-id = string;
    flags trace-flags { sampled }
    type trace-state = list<tuple<string, string>>;
    enum span-kind { client, server, producer, consumer, internal }
    record event { name: string, time: datetime, attributes: list<key-value> }
    record link { span-context: span-context, attributes: list<key-value> }
    variant status { unset, ok, error(string) }
  }
}
`;

const SPAN = 2048; // span-data template (168 bytes)
const RET = 4096; // return area of outer-span-context
const HEAP = 8192; // bump allocator start

/** The span every emit-span sends (the template below, as the host should receive it). */
const EXPECTED_SPAN = {
  spanContext: {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: { sampled: true },
    isRemote: false,
    traceState: [['vendor', 'opaque']],
  },
  parentSpanId: '53995c3f42cd8ad8',
  spanKind: 'server',
  name: 'GET /users/:id',
  startTime: { seconds: 1700000000n, nanoseconds: 123456789 },
  endTime: { seconds: 1700000001n, nanoseconds: 987654321 },
  attributes: [
    { key: 'http.request.method', value: '"GET"' },
    { key: 'http.route', value: '"/users/:id"' },
    { key: 'http.response.status_code', value: '200' },
    { key: 'peer.name', value: '"Zürich – ünïcödé ✓"' },
    { key: 'long.value', value: JSON.stringify('x'.repeat(70)) },
  ],
  events: [{ name: 'cache-miss', time: { seconds: 1700000000n, nanoseconds: 500 }, attributes: [{ key: 'cache.key', value: '"user:42"' }] }],
  links: [],
  status: { tag: 'error', val: 'upstream timeout' },
  instrumentationScope: { name: 'glue-test', version: '1.0.0', schemaUrl: undefined, attributes: [] },
  droppedAttributes: 1,
  droppedEvents: 2,
  droppedLinks: 3,
};

/** The spans guest: a static span-data record in memory, sent with on-start + on-end. */
function spansWat(): string {
  const mem = new Uint8Array(SPAN + 168);
  const view = new DataView(mem.buffer);
  const utf8 = new TextEncoder();
  let top = 64;
  const putStr = (at: number, s: string) => {
    const bytes = utf8.encode(s);
    mem.set(bytes, top);
    view.setUint32(at, top, true);
    view.setUint32(at + 4, bytes.length, true);
    top += bytes.length;
  };
  const putPairs = (at: number, pairs: [string, string][]) => {
    top = (top + 7) & ~7;
    const base = top;
    top += pairs.length * 16;
    pairs.forEach(([k, v], i) => {
      putStr(base + i * 16, k);
      putStr(base + i * 16 + 8, v);
    });
    view.setUint32(at, pairs.length ? base : 0, true);
    view.setUint32(at + 4, pairs.length, true);
  };
  const x = EXPECTED_SPAN;
  putStr(SPAN + 0, x.spanContext.traceId);
  putStr(SPAN + 8, x.spanContext.spanId);
  mem[SPAN + 16] = 1;
  mem[SPAN + 17] = 0;
  putPairs(SPAN + 20, x.spanContext.traceState as [string, string][]);
  putStr(SPAN + 28, x.parentSpanId);
  mem[SPAN + 36] = 1; // server
  putStr(SPAN + 40, x.name);
  view.setBigUint64(SPAN + 48, x.startTime.seconds, true);
  view.setUint32(SPAN + 56, x.startTime.nanoseconds, true);
  view.setBigUint64(SPAN + 64, x.endTime.seconds, true);
  view.setUint32(SPAN + 72, x.endTime.nanoseconds, true);
  putPairs(SPAN + 80, x.attributes.map((a) => [a.key, a.value]));
  top = (top + 7) & ~7;
  const event = top;
  top += 32;
  putStr(event, x.events[0]!.name);
  view.setBigUint64(event + 8, x.events[0]!.time.seconds, true);
  view.setUint32(event + 16, x.events[0]!.time.nanoseconds, true);
  putPairs(event + 24, x.events[0]!.attributes.map((a) => [a.key, a.value]));
  view.setUint32(SPAN + 88, event, true);
  view.setUint32(SPAN + 92, 1, true);
  mem[SPAN + 104] = 2; // status error(...)
  putStr(SPAN + 108, x.status.val);
  putStr(SPAN + 116, x.instrumentationScope.name);
  mem[SPAN + 124] = 1; // version: some
  putStr(SPAN + 128, x.instrumentationScope.version);
  view.setUint32(SPAN + 156, 1, true);
  view.setUint32(SPAN + 160, 2, true);
  view.setUint32(SPAN + 164, 3, true);
  if (top > SPAN) throw new Error('static data overflows into the span record');
  const data = Array.from(mem, (b) => '\\' + b.toString(16).padStart(2, '0')).join('');
  return `(module
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-start" (func $on_start (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-end" (func $on_end (param i32)))
  (import "wasi:otel/tracing@0.2.0-rc.2" "outer-span-context" (func $outer (param i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const ${HEAP}))
  (global $grow_on_alloc (mut i32) (i32.const 0))
  (data (i32.const 0) "${data}")
  (func $start_and_end (param $s i32)
    (call $on_start
      (i32.load offset=0 (local.get $s)) (i32.load offset=4 (local.get $s))
      (i32.load offset=8 (local.get $s)) (i32.load offset=12 (local.get $s))
      (i32.load8_u offset=16 (local.get $s)) (i32.load8_u offset=17 (local.get $s))
      (i32.load offset=20 (local.get $s)) (i32.load offset=24 (local.get $s)))
    (call $on_end (local.get $s)))
  (func (export "emit-span") (call $start_and_end (i32.const ${SPAN})))
  (func (export "emit-spans") (param $n i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (call $start_and_end (i32.const ${SPAN}))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next))))
  ;; the template copied to a new page, renamed to the string the host passed in
  (func (export "emit-named") (param $p i32) (param $len i32)
    (local $base i32)
    (local.set $base (i32.mul (memory.grow (i32.const 1)) (i32.const 65536)))
    (memory.copy (local.get $base) (i32.const ${SPAN}) (i32.const 168))
    (i32.store offset=40 (local.get $base) (local.get $p))
    (i32.store offset=44 (local.get $base) (local.get $len))
    (call $start_and_end (local.get $base)))
  ;; returns the trace-id the host wrote (the first field of the return area)
  (func (export "outer-trace-id") (result i32)
    (global.set $bump (i32.const ${HEAP}))
    (call $outer (i32.const ${RET}))
    (i32.const ${RET}))
  ;; grows memory, then sends a span whose record and name live in the new page
  (func (export "grow-and-emit")
    (local $base i32)
    (local.set $base (i32.mul (memory.grow (i32.const 1)) (i32.const 65536)))
    (memory.copy (local.get $base) (i32.const ${SPAN}) (i32.const 168))
    (memory.copy (i32.add (local.get $base) (i32.const 256))
      (i32.load offset=40 (i32.const ${SPAN})) (i32.load offset=44 (i32.const ${SPAN})))
    (i32.store offset=40 (local.get $base) (i32.add (local.get $base) (i32.const 256)))
    (call $on_end (local.get $base)))
  (func (export "grow-on-alloc") (param $on i32) (global.set $grow_on_alloc (local.get $on)))
  (func (export "fail") (unreachable))
  ;; bump allocator; when asked, grows memory on every call, so the host's view of
  ;; memory goes stale in the middle of lowering a value
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32)
    (if (global.get $grow_on_alloc) (then (drop (memory.grow (i32.const 1)))))
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $bump (i32.add (local.get $p) (local.get $size)))
    (if (i32.gt_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $bump) (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1))))))
    (local.get $p))
)`;
}

/** The variety guest: each export forwards to the import of the same name (plus a resource). */
const VARIETY_WAT = `(module
  (import "test:glue/host" "get-u32" (func $get_u32 (result i32)))
  (import "test:glue/host" "get-bool" (func $get_bool (result i32)))
  (import "test:glue/host" "echo" (func $echo (param i32 i32 i32)))
  (import "test:glue/host" "try-div" (func $try_div (param i32 i32 i32)))
  (import "test:glue/host" "maybe" (func $maybe (param i32 i32)))
  (import "test:glue/host" "boom" (func $boom))
  (import "test:glue/host" "nums" (func $nums (param i32 i32 i32)))
  (import "test:glue/host" "[constructor]counter" (func $counter_new (param i32) (result i32)))
  (import "test:glue/host" "[method]counter.inc" (func $counter_inc (param i32) (result i32)))
  (import "test:glue/host" "peek" (func $peek (param i32) (result i32)))
  (import "test:glue/host" "[resource-drop]counter" (func $counter_drop (param i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 1024))
  (func (export "get-u32") (result i32) (call $get_u32))
  (func (export "get-bool") (result i32) (call $get_bool))
  (func (export "echo") (param i32 i32) (result i32) (call $echo (local.get 0) (local.get 1) (i32.const 16)) (i32.const 16))
  (func (export "try-div") (param i32 i32) (result i32) (call $try_div (local.get 0) (local.get 1) (i32.const 32)) (i32.const 32))
  (func (export "maybe") (param i32) (result i32) (call $maybe (local.get 0) (i32.const 48)) (i32.const 48))
  (func (export "boom") (call $boom))
  (func (export "nums") (param i32 i32) (result i32) (call $nums (local.get 0) (local.get 1) (i32.const 64)) (i32.const 64))
  (func (export "counter-roundtrip") (param i32) (result i32)
    (local $h i32) (local $r i32)
    (local.set $h (call $counter_new (local.get 0)))
    (drop (call $counter_inc (local.get $h)))
    (local.set $r (call $peek (local.get $h)))
    (call $counter_drop (local.get $h))
    (local.get $r))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (if (i32.gt_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $bump) (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1))))))
    (local.get $p))
)`;

async function buildComponent(wat: string, world: string): Promise<Uint8Array> {
  const core = await parse(wat);
  const embedded = await componentEmbed({ binary: core, witSource: WIT, world: `test:glue/${world}`, stringEncoding: 'utf8' });
  return componentNew(embedded);
}

// ---------------------------------------------------------------------------------------------
// Transpiling and loading

/** As the host transpiles (src/runtime/transpile.ts). */
async function transpile(bytes: Uint8Array, instantiation: 'async' | 'sync' = 'async'): Promise<{ glue: string; files: Record<string, Uint8Array> }> {
  const out = await transpileBytes(bytes, {
    name: 'component',
    instantiation,
    noComponentErrorWrapping: false,
    emitTypescriptDeclarations: false,
  });
  return { glue: Buffer.from(out.files['component.js']!).toString('utf8'), files: out.files };
}

type Exports = Record<string, (...args: unknown[]) => unknown>;
type Instantiate = (getCoreModule: (name: string) => WebAssembly.Module, imports: Record<string, unknown>) => Promise<Exports>;

let scratch: string;
let loads = 0;

/**
 * Imports glue from a fresh directory (each import is a separate module instance). The core
 * modules are handed over by `getCoreModule`, so they need not be on disk.
 */
async function load(glue: string): Promise<Instantiate> {
  const dir = join(scratch, `load-${loads++}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'component.js'), glue);
  const mod = (await import(pathToFileURL(join(dir, 'component.js')).href)) as { instantiate: Instantiate };
  return mod.instantiate;
}

/** `getCoreModule` for instantiate(): compiles the transpile output's `.core*.wasm` files. */
function coreModules(files: Record<string, Uint8Array>): (name: string) => WebAssembly.Module {
  const modules = new Map<string, WebAssembly.Module>();
  return (name) => {
    let m = modules.get(name);
    if (!m) modules.set(name, (m = new WebAssembly.Module(files[name] as Uint8Array<ArrayBuffer>)));
    return m;
  };
}

/** What a scenario observed: host calls with their arguments, and each export call's outcome. */
interface Transcript {
  log: unknown[];
}

/** An error as comparable data (two module instances have distinct error classes). */
function describeError(error: unknown): unknown {
  if (!(error instanceof Error)) return { thrown: error };
  const e = error as Error & { payload?: unknown };
  return { error: e.constructor.name, message: e.message, payload: e.payload, cause: describeError(e.cause ?? null) };
}

function recordCall(t: Transcript, label: string, call: () => unknown): unknown {
  try {
    const value = call();
    t.log.push({ call: label, returned: value });
    return value;
  } catch (error) {
    t.log.push({ call: label, threw: describeError(error) });
    return undefined;
  }
}

/** The comment the fast path leaves at the start of each rewritten trampoline. */
const FAST_PATH_MARK = /_checkMayLeave\(0\); \/\/ glue-transform: sync-import-fast-path\n/g;

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'glue-transform-test-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('transformGlue on input it does not know', () => {
  it('leaves unknown code alone and says why', () => {
    const source = 'export function instantiate() { return {}; }\n';
    const result = transformGlue(source);
    expect(result.source).toBe(source);
    expect(result.applied).toEqual([]);
    // created-reps has nothing to do without a resource handle table, span-reader without wasi:otel/tracing, log-reader without wasi:otel/logs, promising-probe without JSPI probes (not skips).
    expect(result.skipped.map((s) => s.split(':')[0])).toEqual(REWRITES.filter((name) => name !== 'created-reps' && name !== 'span-reader' && name !== 'log-reader' && name !== 'promising-probe'));
  });
});

describe('spans guest (wasi:otel tracing imports)', () => {
  let raw: { glue: string; files: Record<string, Uint8Array> };
  let transformed: ReturnType<typeof transformGlue>;

  beforeAll(async () => {
    raw = await transpile(await buildComponent(spansWat(), 'spans'));
    transformed = transformGlue(raw.glue);
  });

  it('applies every rewrite, to every import', () => {
    expect(transformed.applied).toEqual(['debug-flag', 'memory-views', 'ascii-strings', 'sync-import-fast-path', 'lift-budget', 'span-reader', 'promising-probe']);
    expect(transformed.skipped).toEqual([]);
    expect(transformed.source.match(FAST_PATH_MARK)).toHaveLength(3);
    expect(transformed.source.match(/_jcoBudget\.begin\(\); \/\/ glue-transform: lift-budget/g)).toHaveLength(3);
    expect(transformed.source).not.toMatch(/_lowerImportBackwardsCompat\.bind/);
    expect(transformed.source).not.toMatch(/process\?\.env\?\.JCO_DEBUG\) \{ return; \}/);
    expect(transformed.source).not.toMatch(/(?<![\w$.])memory0\.buffer/);
  });

  it('gives the same result every time', () => {
    expect(transformGlue(raw.glue)).toEqual(transformed);
  });

  it('is idempotent: a second pass changes nothing', () => {
    const again = transformGlue(transformed.source);
    expect(again.source).toBe(transformed.source);
    expect(again.applied).toEqual([]);
  });

  it('each rewrite can be applied alone', () => {
    for (const name of REWRITES) {
      const one = transformGlue(raw.glue, { rewrites: [name] });
      // ascii-strings builds on memory-views' helpers, lift-budget on ascii-strings', span-reader on all three and the fast path; no resources here for created-reps, no large trampoline for split-lift, no logs for log-reader
      expect(one.applied).toEqual(name === 'ascii-strings' || name === 'lift-budget' || name === 'created-reps' || name === 'split-lift' || name === 'span-reader' || name === 'log-reader' ? [] : [name]);
    }
  });

  /** Runs the same scenario on an instance and returns what happened. */
  async function run(glue: string, scenario: (exports: Exports, host: SpansHost, t: Transcript) => void): Promise<Transcript> {
    const t: Transcript = { log: [] };
    const host = new SpansHost(t);
    const instantiate = await load(glue);
    const exports = await instantiate(coreModules(raw.files), { 'wasi:otel/tracing': host.imports() });
    scenario(exports, host, t);
    return t;
  }

  async function same(scenario: (exports: Exports, host: SpansHost, t: Transcript) => void): Promise<Transcript> {
    const before = await run(raw.glue, scenario);
    const after = await run(transformed.source, scenario);
    expect(after).toEqual(before);
    return after;
  }

  it('delivers the same spans (and the right ones)', async () => {
    const t = await same((x, _h, t) => {
      recordCall(t, 'emitSpan', () => x.emitSpan!());
      recordCall(t, 'emitSpans', () => x.emitSpans!(3));
    });
    const ends = t.log.filter((e) => (e as { host?: string }).host === 'onEnd');
    expect(ends).toHaveLength(4);
    expect((ends[0] as { args: unknown[] }).args[0]).toEqual(EXPECTED_SPAN);
    expect(t.log[0]).toEqual({ host: 'onStart', args: [EXPECTED_SPAN.spanContext] });
  });

  it('lowers strings into guest memory and lifts results the same way', async () => {
    const names = ['', 'a', 'x'.repeat(16), 'y'.repeat(17), 'z'.repeat(64), 'w'.repeat(65), 'näme ✓ 😀', `${'a'.repeat(20)}é`, '\u0000nul'];
    const t = await same((x, h, t) => {
      for (const name of names) recordCall(t, `emitNamed ${name}`, () => x.emitNamed!(name));
      for (const traceId of ['0af7651916cd43dd8448eb211c80319c', 'ünïcödé', '', 'q'.repeat(200)]) {
        h.outer = { ...h.outer, traceId };
        recordCall(t, `outerTraceId ${traceId}`, () => x.outerTraceId!());
      }
    });
    const received = t.log.flatMap((e) => ((e as { host?: string }).host === 'onEnd' ? [((e as { args: [{ name: string }] }).args[0]).name] : []));
    expect(received).toEqual(names);
    expect(t.log.filter((e) => (e as { call?: string }).call?.startsWith('outerTraceId')).map((e) => (e as { returned: unknown }).returned)).toEqual([
      '0af7651916cd43dd8448eb211c80319c',
      'ünïcödé',
      '',
      'q'.repeat(200),
    ]);
  });

  /** on-end's span argument for each call, on the transformed glue with `budget` in the imports. */
  async function budgeted(budget: LiftBudget, scenario: (x: Exports) => void): Promise<{ span: typeof EXPECTED_SPAN; cuts: ReturnType<LiftBudget['cuts']> }[]> {
    const t: Transcript = { log: [] };
    const host = new SpansHost(t);
    const seen: { span: typeof EXPECTED_SPAN; cuts: ReturnType<LiftBudget['cuts']> }[] = [];
    const imports = host.imports();
    const onEnd = imports.onEnd;
    imports.onEnd = (...args: unknown[]) => {
      seen.push({ span: args[0] as typeof EXPECTED_SPAN, cuts: budget.cuts() });
      return onEnd(...args);
    };
    const instantiate = await load(transformed.source);
    scenario(await instantiate(coreModules(raw.files), { 'wasi:otel/tracing': imports, [LIFT_BUDGET]: budget } as Record<string, unknown>));
    return seen;
  }

  it('lift-budget: a record within the budget is lifted exactly as generated', async () => {
    const [one] = await budgeted(new LiftBudget(1 << 20), (x) => x.emitSpan!());
    expect(one!.span).toEqual(EXPECTED_SPAN);
    expect(one!.cuts).toBeUndefined();
  });

  it('lift-budget: past the budget strings are cut at a character boundary and later list entries are not lifted', async () => {
    const name = 'é'.repeat(1000); // 2000 bytes
    const [cut] = await budgeted(new LiftBudget(600), (x) => x.emitNamed!(name));
    const got = cut!.span;
    expect(got.name.length).toBe(254); // 508 bytes: the 600 less what was lifted before it, to a character boundary
    expect(name.startsWith(got.name)).toBe(true);
    // what came before the name is whole; the short strings after it too; the lists after it are gone
    expect(got.spanContext).toEqual(EXPECTED_SPAN.spanContext);
    expect(got.parentSpanId).toBe(EXPECTED_SPAN.parentSpanId);
    expect(got.attributes).toEqual([]);
    expect(got.events).toEqual([]);
    expect(got.instrumentationScope).toEqual(EXPECTED_SPAN.instrumentationScope);
    expect(got.status).toEqual(EXPECTED_SPAN.status);
    expect(cut!.cuts).toEqual({ bytes: 2234, stringsCut: 1, entriesDropped: 6, invalidUtf8: 0 }); // all the record pointed at
  });

  it('lift-budget: the budget starts again for every record', async () => {
    const seen = await budgeted(new LiftBudget(700), (x) => {
      x.emitNamed!('n'.repeat(5000));
      x.emitSpan!();
    });
    expect(seen[0]!.cuts?.stringsCut).toBe(1);
    expect(seen[1]!.span).toEqual(EXPECTED_SPAN);
    expect(seen[1]!.cuts).toBeUndefined();
  });

  it('reads memory correctly after memory.grow (between calls and while lowering)', async () => {
    const t = await same((x, h, t) => {
      recordCall(t, 'emitSpan', () => x.emitSpan!());
      recordCall(t, 'growAndEmit', () => x.growAndEmit!()); // grows, then reads the new page
      recordCall(t, 'emitSpan', () => x.emitSpan!()); // the old page, through the new buffer
      recordCall(t, 'growOnAlloc', () => x.growOnAlloc!(true)); // every cabi_realloc grows memory
      h.outer = { ...h.outer, traceState: [['k1', 'v1'], ['k2', 'v2 ✓']] };
      recordCall(t, 'outerTraceId', () => x.outerTraceId!());
      recordCall(t, 'emitNamed', () => x.emitNamed!('after growth'));
      recordCall(t, 'growAndEmit', () => x.growAndEmit!());
    });
    const ends = t.log.filter((e) => (e as { host?: string }).host === 'onEnd').map((e) => (e as { args: unknown[] }).args[0]);
    expect(ends).toEqual([EXPECTED_SPAN, EXPECTED_SPAN, EXPECTED_SPAN, { ...EXPECTED_SPAN, name: 'after growth' }, EXPECTED_SPAN]);
    expect(t.log).not.toContainEqual(expect.objectContaining({ threw: expect.anything() }));
  });

  it('a trap still traps, and the instance stays unusable afterwards', async () => {
    const t = await same((x, _h, t) => {
      recordCall(t, 'fail', () => x.fail!());
      recordCall(t, 'emitSpan after trap', () => x.emitSpan!());
    });
    expect(t.log[0]).toMatchObject({ call: 'fail', threw: { error: 'RuntimeError', message: expect.stringContaining('unreachable') } });
    expect(t.log[1]).toMatchObject({ call: 'emitSpan after trap', threw: expect.anything() });
  });

  it('host errors and bad host results surface the same way', async () => {
    const t = await same((x, h, t) => {
      h.throwIn = 'onEnd';
      recordCall(t, 'emitSpan (onEnd throws)', () => x.emitSpan!());
      h.throwIn = undefined;
      recordCall(t, 'emitSpan after host error', () => x.emitSpan!());
      h.outer = { ...h.outer, traceId: 42 as unknown as string };
      recordCall(t, 'outerTraceId (bad trace-id)', () => x.outerTraceId!());
      h.outer = { ...h.outer, traceId: 'ok', traceFlags: 'sampled' as unknown as { sampled: boolean } };
      recordCall(t, 'outerTraceId (bad flags)', () => x.outerTraceId!());
      h.throwIn = 'onStart';
      h.throwValue = 'a string, not an Error';
      recordCall(t, 'emitSpan (onStart throws a string)', () => x.emitSpan!());
      h.throwValue = new WebAssembly.RuntimeError('host trap'); // a trap: the instance is done
      recordCall(t, 'emitSpan (onStart traps)', () => x.emitSpan!());
      h.throwIn = undefined;
      recordCall(t, 'emitSpan after host trap', () => x.emitSpan!());
    });
    expect(t.log.at(-1)).toMatchObject({ threw: { message: expect.stringContaining('cannot enter component instance') } });
  });

  it('a host import may return a promise or call back into the instance', async () => {
    await same((x, h, t) => {
      h.returnPromise = true;
      recordCall(t, 'emitSpan (onStart returns a promise)', () => x.emitSpan!());
      h.returnPromise = false;
      h.reenter = () => recordCall(t, 'nested emitSpan', () => x.emitSpan!());
      recordCall(t, 'emitSpan (onStart re-enters)', () => x.emitSpan!());
    });
  });

  it("works the same in 'sync' instantiation mode", async () => {
    const sync = await transpile(await buildComponent(spansWat(), 'spans'), 'sync');
    const rewritten = transformGlue(sync.glue);
    expect(rewritten.applied).toEqual(REWRITES.filter((name) => name !== 'created-reps' && name !== 'split-lift' && name !== 'log-reader'));
    const runOnce = async (source: string) => {
      const t: Transcript = { log: [] };
      const instantiate = await load(source);
      const exports = await instantiate(coreModules(sync.files), { 'wasi:otel/tracing': new SpansHost(t).imports() });
      recordCall(t, 'emitSpan', () => exports.emitSpan!());
      recordCall(t, 'growAndEmit', () => exports.growAndEmit!());
      recordCall(t, 'outerTraceId', () => exports.outerTraceId!());
      return t;
    };
    const before = await runOnce(sync.glue);
    expect(before.log).toHaveLength(7); // 4 host calls, 3 export calls
    expect(await runOnce(rewritten.source)).toEqual(before);
  });

  it('honours JCO_DEBUG as set when instantiating', async () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    process.env.JCO_DEBUG = '1';
    try {
      const instantiate = await load(transformed.source);
      const exports = await instantiate(coreModules(raw.files), { 'wasi:otel/tracing': new SpansHost({ log: [] }).imports() });
      exports.emitSpan!();
      expect(debug).toHaveBeenCalled();
    } finally {
      delete process.env.JCO_DEBUG;
      debug.mockRestore();
    }
  });
});

/** Recording wasi:otel/tracing imports with knobs for misbehaving. */
class SpansHost {
  outer = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: { sampled: true },
    isRemote: false,
    traceState: [] as [string, string][],
  };
  throwIn: 'onStart' | 'onEnd' | undefined;
  throwValue: unknown;
  returnPromise = false;
  reenter: (() => void) | undefined;

  constructor(private readonly t: Transcript) {}

  private called(name: string, args: unknown[]): unknown {
    this.t.log.push({ host: name, args });
    if (this.throwIn === name) throw this.throwValue ?? new Error(`${name} failed`);
    if (this.reenter && name === 'onStart') {
      const again = this.reenter;
      this.reenter = undefined;
      again();
    }
    return this.returnPromise ? Promise.resolve(undefined) : undefined;
  }

  imports() {
    return {
      onStart: (...args: unknown[]) => this.called('onStart', args),
      onEnd: (...args: unknown[]) => this.called('onEnd', args),
      outerSpanContext: (...args: unknown[]) => {
        this.called('outerSpanContext', args);
        return this.outer;
      },
    };
  }
}

describe('variety guest (scalars, results, options, lists, a resource)', () => {
  let raw: { glue: string; files: Record<string, Uint8Array> };
  let transformed: ReturnType<typeof transformGlue>;

  beforeAll(async () => {
    raw = await transpile(await buildComponent(VARIETY_WAT, 'variety'));
    transformed = transformGlue(raw.glue);
  });

  it('puts the imports that handle imported resources on the fast path too, and drops the never-read created-reps Set', () => {
    expect(transformed.applied).toEqual(['debug-flag', 'memory-views', 'ascii-strings', 'sync-import-fast-path', 'created-reps', 'promising-probe']);
    expect(transformed.skipped).toEqual(['lift-budget: no telemetry imports']);
    expect(transformed.source.match(FAST_PATH_MARK)).toHaveLength(10);
    expect(transformed.source).not.toMatch(/_createdReps\.add/);
  });

  async function run(glue: string, host: Record<string, unknown>, scenario: (x: Exports, t: Transcript) => void): Promise<Transcript> {
    const t: Transcript = { log: [] };
    const recording: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(host)) {
      recording[name] =
        typeof value === 'function' && name !== 'Counter'
          ? (...args: unknown[]) => {
              // a resource as data: jco marks it with symbols of its own module instance
              t.log.push({ host: name, args: args.map((a) => (a instanceof Counter ? { counter: a.n } : a)) });
              return (value as (...a: unknown[]) => unknown)(...args);
            }
          : value;
    }
    const instantiate = await load(glue);
    const exports = await instantiate(coreModules(raw.files), { 'test:glue/host': recording });
    scenario(exports, t);
    return t;
  }

  class Counter {
    constructor(public n: number) {}
    inc() {
      return ++this.n;
    }
  }

  function host(results: Record<string, unknown>) {
    return {
      Counter,
      peek: (c: Counter) => c.n,
      getU32: () => results.u32,
      getBool: () => results.bool,
      echo: (s: string) => `${s}!`,
      tryDiv: (a: number, b: number) => {
        if (b === 0) throw new Error('division by zero');
        return Math.floor(a / b);
      },
      maybe: (v: number) => (v ? BigInt(v) * 2n : undefined),
      boom: () => {
        throw new TypeError('boom');
      },
      nums: (xs: Float64Array) => BigUint64Array.from(xs, (v) => BigInt(Math.round(v))),
    };
  }

  const scenario = (x: Exports, t: Transcript) => {
    recordCall(t, 'getU32', () => x.getU32!());
    recordCall(t, 'getBool', () => x.getBool!());
    for (const s of ['hé', '', 'abc'.repeat(30)]) recordCall(t, `echo ${s}`, () => x.echo!(s));
    recordCall(t, 'tryDiv 7 2', () => x.tryDiv!(7, 2));
    recordCall(t, 'tryDiv 7 0', () => x.tryDiv!(7, 0));
    recordCall(t, 'maybe 3', () => x.maybe!(3));
    recordCall(t, 'maybe 0', () => x.maybe!(0));
    recordCall(t, 'nums', () => x.nums!(new Float64Array([1.4, 2.6, 1e10])));
    recordCall(t, 'counterRoundtrip', () => x.counterRoundtrip!(5));
    recordCall(t, 'boom', () => x.boom!());
    recordCall(t, 'getU32 after host error', () => x.getU32!());
  };

  for (const [label, results] of [
    ['ordinary host results', { u32: 7, bool: true }],
    ['out-of-range host results', { u32: -1, bool: 'yes' }],
    ['wrong-typed host results', { u32: 2 ** 40 + 3, bool: 0 }],
  ] as const) {
    it(`behaves the same: ${label}`, async () => {
      const before = await run(raw.glue, host(results), scenario);
      const after = await run(transformed.source, host(results), scenario);
      expect(after).toEqual(before);
      expect(before.log).toContainEqual({ call: 'tryDiv 7 2', returned: 3 });
      expect(before.log).toContainEqual({ call: 'counterRoundtrip', returned: 6 });
    });
  }
});

describe('components/span-bench.wasm', () => {
  const path = component('span-bench.wasm');
  it.skipIf(!existsSync(path))('gets every rewrite and sends the same spans', async () => {
    const { glue, files } = await transpile(await readFile(path));
    const transformed = transformGlue(glue);
    expect(transformed.applied).toEqual(['debug-flag', 'memory-views', 'ascii-strings', 'sync-import-fast-path', 'lift-budget', 'span-reader']);
    expect(transformed.skipped).toEqual([]);
    const runOnce = async (source: string) => {
      const calls: unknown[] = [];
      const instantiate = await load(source);
      const exports = await instantiate(coreModules(files), {
        'wasi:otel/tracing': {
          onStart: (...args: unknown[]) => void calls.push(['onStart', args]),
          onEnd: (...args: unknown[]) => void calls.push(['onEnd', args]),
          outerSpanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: { sampled: false }, isRemote: false, traceState: [] }),
          currentSpanContext: () => undefined,
        },
      });
      exports.emitSpan!();
      exports.emitSpans!(2);
      return calls;
    };
    const before = await runOnce(glue);
    expect(before).toHaveLength(6);
    expect(await runOnce(transformed.source)).toEqual(before);
  });
});

describe('components/scenarios.wasm (componentize-js: WASI and wasi:observe resources on the fast path)', () => {
  const path = component('scenarios.wasm');
  it.skipIf(!existsSync(path))('puts imported-resource methods (wasi:observe spans) on the fast path and behaves the same', async () => {
    const { glue, files } = await transpile(await readFile(path));
    const transformed = transformGlue(glue);
    // split-lift: its metrics.export trampoline (~120 KB) is split
    expect(transformed.applied).toEqual(['debug-flag', 'memory-views', 'ascii-strings', 'sync-import-fast-path', 'lift-budget', 'created-reps', 'split-lift', 'span-reader', 'log-reader', 'promising-probe']);
    const fast = [...transformed.source.matchAll(/_checkMayLeave\(0\); \/\/ glue-transform: sync-import-fast-path\n[\s\S]*?_trackHostOperation\(\(\) => (\w+)\(/g)].map((m) => m[1]);
    // Every function of wasi:observe/tracer takes or returns a span handle (an imported resource): fast path too.
    expect(fast).toEqual(expect.arrayContaining(['onStart', 'onEnd', 'outerSpanContext', 'log', 'start']));
    const methods = new Set([...transformed.source.matchAll(/_checkMayLeave\(0\); \/\/ glue-transform: sync-import-fast-path\n[\s\S]*?_trackHostOperation\(\(\) => rsc0\.(\w+)\(/g)].map((m) => m[1]));
    for (const method of ['spanContext', 'isRecording', 'setAttributes', 'addEvent', 'addLink', 'setStatus', 'updateName', 'end']) expect(methods).toContain(method);
    expect(transformed.skipped.length).toBeGreaterThan(0);
    for (const line of transformed.skipped) expect(line).toMatch(/^sync-import-fast-path: wasi:(io|cli|filesystem|clocks)\//);

    const runOnce = async (source: string) => {
      const t: Transcript = { log: [] };
      let tick = 0n;
      await loadWasiShim();
      const wasi = createWasiImports({});
      // Host-owned observe spans: each method call and each handle drop is logged.
      let spans = 0;
      class Span {
        readonly id = ++spans;
        spanContext() {
          t.log.push({ host: 'span-context', span: this.id });
          return { traceId: '5b8efff798038103d269b633813fc60c', spanId: `b${this.id.toString(16).padStart(15, '0')}`, traceFlags: { sampled: true }, isRemote: false, traceState: [] };
        }
        isRecording() {
          t.log.push({ host: 'is-recording', span: this.id });
          return true;
        }
        setAttributes(...args: unknown[]) { t.log.push({ host: 'set-attributes', span: this.id, args }); }
        addEvent(...args: unknown[]) { t.log.push({ host: 'add-event', span: this.id, args }); }
        addLink(...args: unknown[]) { t.log.push({ host: 'add-link', span: this.id, args }); }
        setStatus(...args: unknown[]) { t.log.push({ host: 'set-status', span: this.id, args }); }
        updateName(...args: unknown[]) { t.log.push({ host: 'update-name', span: this.id, args }); }
        end(...args: unknown[]) { t.log.push({ host: 'end', span: this.id, args }); }
        [Symbol.dispose]() { t.log.push({ host: 'drop', span: this.id }); }
      }
      const imports: Record<string, unknown> = {
        ...wasi,
        // a deterministic clock, so that both runs see the same timestamps
        'wasi:clocks/wall-clock': { now: () => ({ seconds: 1_700_000_000n + ++tick, nanoseconds: 0 }), resolution: () => ({ seconds: 0n, nanoseconds: 1 }) },
        'wasi:otel/tracing': {
          onStart: (...args: unknown[]) => void t.log.push({ host: 'onStart', args }),
          onEnd: (...args: unknown[]) => void t.log.push({ host: 'onEnd', args }),
          outerSpanContext: () => ({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: { sampled: true }, isRemote: false, traceState: [['k', 'v']] }),
        },
        'wasi:otel/metrics': { export: (...args: unknown[]) => void t.log.push({ host: 'export', args }) },
        'wasi:otel/logs': { onEmit: (...args: unknown[]) => void t.log.push({ host: 'onEmit', args }) },
        'wasi:observe/tracer': {
          start: (...args: unknown[]) => {
            const span = new Span();
            t.log.push({ host: 'start', span: span.id, args });
            return span;
          },
          Span,
        },
        'wasi:logging/logging': { log: (...args: unknown[]) => void t.log.push({ host: 'log', args }) },
      };
      const instantiate = await load(source);
      const exports = await instantiate(coreModules(files), imports);
      for (const name of ['nestedSpans', 'attributes', 'events', 'links', 'spanKinds', 'statuses', 'newRoot', 'neverEnded', 'outlivesParent', 'traceState', 'metricsAndLogs', 'observeAll', 'observeInOtel', 'otelInObserve', 'observeDropped', 'observeAfterEnd', 'loggingLevels', 'trap', 'nestedSpans']) {
        recordCall(t, name, () => exports[name]!());
      }
      return t;
    };
    const before = await runOnce(glue);
    expect(before.log.filter((e) => (e as { host?: string }).host === 'onEnd').length).toBeGreaterThan(10);
    expect(before.log.filter((e) => ['export', 'onEmit'].includes((e as { host?: string }).host ?? '')).length).toBe(2);
    // observe-all 10 spans, observe-in-otel 1, otel-in-observe 2, observe-dropped 3, observe-after-end 1, logging-levels 1
    const hostCalls = (name: string) => before.log.filter((e) => (e as { host?: string }).host === name).length;
    expect([hostCalls('start'), hostCalls('drop'), hostCalls('end'), hostCalls('log')]).toEqual([18, 18, 18, 6]);
    expect(await runOnce(transformed.source)).toEqual(before);
  });
});

describe('components/wasi-observe-forwarder.wasm (span handles from the guest, good and bad)', () => {
  const path = component('wasi-observe-forwarder.wasm');
  it.skipIf(!existsSync(path))('every tracer import on the fast path; raw and rewritten glue agree on handle numbers, unknown and dropped handles, and traps', async () => {
    const { glue, files } = await transpile(await readFile(path));
    const transformed = transformGlue(glue);
    expect(transformed.applied).toEqual(REWRITES.filter((name) => name !== 'split-lift' && name !== 'span-reader' && name !== 'log-reader'));
    expect(transformed.skipped).toEqual([]);
    const runOnce = async (source: string) => {
      const t: Transcript = { log: [] };
      let made = 0;
      class Span {
        readonly id = ++made;
        // A blank object from the glue (an unknown handle) has no id.
        private note(method: string, args: unknown[]) {
          t.log.push({ host: method, span: (this as { id?: number }).id ?? 'blank', args });
        }
        spanContext() {
          this.note('span-context', []);
          return { traceId: '5b8efff798038103d269b633813fc60c', spanId: '00f067aa0ba902b7', traceFlags: { sampled: true }, isRemote: false, traceState: [] };
        }
        isRecording() {
          this.note('is-recording', []);
          return true;
        }
        setAttributes(...args: unknown[]) { this.note('set-attributes', args); }
        addEvent(...args: unknown[]) { this.note('add-event', args); }
        addLink(...args: unknown[]) { this.note('add-link', args); }
        setStatus(...args: unknown[]) { this.note('set-status', args); }
        updateName(...args: unknown[]) { this.note('update-name', args); }
        end(...args: unknown[]) { this.note('end', args); }
        [Symbol.dispose]() { this.note('drop', []); }
      }
      const instantiate = await load(source);
      const x = await instantiate(coreModules(files), {
        'wasi:observe/tracer': { start: (name: string) => (t.log.push({ host: 'start', name }), new Span()), Span },
        'wasi:logging/logging': { log: (...args: unknown[]) => void t.log.push({ host: 'log', args }) },
      });
      const first = recordCall(t, 'start a', () => x.start!('a', undefined));
      recordCall(t, 'start b', () => x.start!('b', undefined));
      recordCall(t, 'set-attributes a', () => x.setAttributes!(first, [{ key: 'k', value: { tag: 's64', val: 1n } }]));
      recordCall(t, 'span-context unknown', () => x.spanContext!(42));
      recordCall(t, 'end unknown', () => x.end!(7, undefined));
      recordCall(t, 'drop a', () => x.drop!(first));
      recordCall(t, 'is-recording dropped', () => x.isRecording!(first));
      recordCall(t, 'start c (reuses a slot)', () => x.start!('c', undefined));
      recordCall(t, 'log', () => x.log!('warn', 'ctx', 'message'));
      recordCall(t, 'bench-spans 2', () => x.benchSpans!(2));
      recordCall(t, 'drop 0 (traps)', () => x.drop!(0));
      recordCall(t, 'after the trap', () => x.start!('d', undefined));
      return t;
    };
    const before = await runOnce(glue);
    expect(before.log).toContainEqual({ host: 'span-context', span: 'blank', args: [] });
    expect(before.log).toContainEqual({ call: 'start c (reuses a slot)', returned: first(before) });
    expect(before.log).toContainEqual(expect.objectContaining({ call: 'drop 0 (traps)', threw: expect.anything() }));
    expect(before.log).toContainEqual(expect.objectContaining({ call: 'after the trap', threw: expect.anything() }));
    expect(await runOnce(transformed.source)).toEqual(before);
  });
});

/** The handle `start a` returned in a transcript. */
function first(t: Transcript): unknown {
  return (t.log.find((e) => (e as { call?: string }).call === 'start a') as { returned: unknown }).returned;
}
