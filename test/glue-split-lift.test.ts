// The split-lift glue rewrite (src/runtime/glue/split-lift.ts): jco's ~120 KB lift of
// `wasi:otel/metrics.export` has its variant cases moved into functions of their own, so that V8
// optimizes them. The moved code must lift exactly what jco's own code lifts: random batches
// (every metric-data variant, hostile strings, extreme numbers) go through the forwarder guests'
// `export-metrics` with raw jco glue and with the rewritten glue, and the host import must see
// deep-equal values (typed arrays, bigints, undefined options included), the guest the same
// results; with a lift budget, the same cuts. Code the rewrite cannot prove movable stays inline.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { REWRITES, transformGlue } from '../src/runtime/glue-transform.js';
import { splitLift } from '../src/runtime/glue/split-lift.js';
import { LIFT_BUDGET, LiftBudget } from '../src/runtime/lift-budget.js';
import { resourceMetrics, type ValueKind } from './support/fuzz-arbitraries.js';
import { component } from './support/paths.js';

const RUNS = Number(process.env.WASM_OTEL_FUZZ_RUNS ?? 150);
const SEED = Number(process.env.WASM_OTEL_FUZZ_SEED ?? 20261202);

type Instantiate = (getCoreModule: (name: string) => WebAssembly.Module, imports: Record<string, unknown>) => Promise<Record<string, (...args: unknown[]) => unknown>>;

let scratch: string;
let loads = 0;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'glue-split-lift-test-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function transpile(bytes: Uint8Array, instantiation: 'async' | 'sync'): Promise<{ glue: string; files: Record<string, Uint8Array> }> {
  const out = await transpileBytes(bytes, { name: 'component', instantiation, noComponentErrorWrapping: false, emitTypescriptDeclarations: false });
  return { glue: Buffer.from(out.files['component.js']!).toString('utf8'), files: out.files };
}

async function load(glue: string): Promise<Instantiate> {
  const dir = join(scratch, `load-${loads++}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'component.js'), glue);
  return ((await import(pathToFileURL(join(dir, 'component.js')).href)) as { instantiate: Instantiate }).instantiate;
}

/** An instance of a forwarder whose `metrics.export` import records what it was given. */
async function forwarder(glue: string, files: Record<string, Uint8Array>, budget?: LiftBudget) {
  const modules = new Map<string, WebAssembly.Module>();
  const seen: unknown[] = [];
  let refuse = false;
  const imports: Record<string | symbol, unknown> = {
    'wasi:otel/tracing': { onStart() {}, onEnd() {}, outerSpanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: { sampled: false }, isRemote: false, traceState: [] }) },
    'wasi:otel/metrics': {
      export(metrics: unknown) {
        seen.push({ metrics, cuts: budget?.cuts() });
        if (refuse) throw 'refused';
      },
    },
    'wasi:otel/logs': { onEmit() {} },
  };
  if (budget) imports[LIFT_BUDGET] = budget;
  const exports = await (await load(glue))((name) => {
    let m = modules.get(name);
    if (!m) modules.set(name, (m = new WebAssembly.Module(files[name] as Uint8Array<ArrayBuffer>)));
    return m;
  }, imports as Record<string, unknown>);
  return {
    /** Sends one batch through the guest: what the import saw, and what the guest got back. */
    send(batch: unknown, refusing: boolean): unknown {
      seen.length = 0;
      refuse = refusing;
      let outcome: unknown;
      try {
        outcome = { returned: exports.exportMetrics!(batch) };
      } catch (error) {
        outcome = { threw: error instanceof Error ? `${error.name}: ${error.message}` : error };
      }
      return { seen: [...seen], outcome };
    },
  };
}

const GUESTS: [string, ValueKind][] = [
  ['forwarder-rc.2.wasm', 'json'],
  ['forwarder-draft-2025-12.wasm', 'json'],
  ['forwarder-draft-2025-11.wasm', 'typed'],
];
const WITHOUT_SPLIT = REWRITES.filter((name) => name !== 'split-lift');

for (const [file, kind] of GUESTS) {
  const path = component(file);
  describe.skipIf(!existsSync(path))(`${file}: metrics.export`, () => {
    for (const instantiation of ['async', 'sync'] as const) {
      it(`${instantiation}: every variant case is moved, and raw jco glue and rewritten glue lift the same batches`, async () => {
        const { glue, files } = await transpile(await readFile(path), instantiation);
        const rewritten = transformGlue(glue);
        expect(rewritten.applied).toContain('split-lift');
        expect(rewritten.skipped.filter((line) => line.startsWith('split-lift'))).toEqual([]);
        // 3 number types x 4 kinds of metric data.
        expect(rewritten.source.match(/ = function\([\w, ]*\) \{ \/\/ glue-transform: split-lift/g)).toHaveLength(12);
        const raw = await forwarder(glue, files);
        const split = await forwarder(rewritten.source, files);
        fc.assert(
          fc.property(resourceMetrics(kind), fc.boolean(), (batch, refusing) => {
            const expected = raw.send(batch, refusing);
            expect((expected as { seen: unknown[] }).seen).toHaveLength(1);
            expect(split.send(batch, refusing)).toStrictEqual(expected);
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
      });
    }

    it('within a lift budget, it cuts the same strings and list entries as the inline code', async () => {
      const { glue, files } = await transpile(await readFile(path), 'async');
      const inline = await forwarder(transformGlue(glue, { rewrites: WITHOUT_SPLIT }).source, files, new LiftBudget(400));
      const split = await forwarder(transformGlue(glue).source, files, new LiftBudget(400));
      fc.assert(
        fc.property(resourceMetrics(kind), (batch) => {
          expect(split.send(batch, false)).toStrictEqual(inline.send(batch, false));
        }),
        { numRuns: RUNS, seed: SEED + 1, endOnFailure: true },
      );
    });
  });
}

describe('split-lift on code it cannot prove movable', () => {
  /** A trampoline of the generated shape, large enough to be split, with one case body given. */
  const trampoline = (caseBody: string): string => {
    const filler = Array.from({ length: 700 }, (_, i) => `    var result${1000 + i} = dataView(memory0).getUint32(arg0 + ${i * 4}, true);`).join('\n');
    const bulk = Array.from({ length: 60 }, (_, i) => `        var x${i} = dataView(memory0).getUint32(base + ${i}, true);`).join('\n');
    return [
      'export function instantiate(getCoreModule, imports) {',
      '  const _trampoline7 = function(arg0, arg1) {',
      filler,
      '    var total = 0;',
      '    for (let i = 0; i < arg1; i++) {',
      '      const base = arg0 + i * 8;',
      '      let variant9;',
      '      switch (dataView(memory0).getUint8(base + 0, true)) {',
      '        case 0: {',
      bulk,
      caseBody,
      '          break;',
      '        }',
      '        default: {',
      "          throw new TypeError('invalid variant discriminant');",
      '        }',
      '      }',
      '    }',
      '    return total;',
      '  }',
      "  _trampoline7.fnName = 'wasi:otel/metrics@0.2.0-rc.2#_export';",
      '}',
      '',
    ].join('\n');
  };

  it('moves a plain case, passing the loop base it reads', () => {
    const result = splitLift(trampoline('          variant9 = { a: x0, b: x1 };'));
    expect(result.applied).toBe(true);
    expect(result.source).toContain('const _jcoSplit7_9_0 = function(base) { // glue-transform: split-lift');
    expect(result.source).toContain('variant9 = _jcoSplit7_9_0(base);');
    expect(splitLift(result.source).applied).toBe(false);
  });

  it.each([
    ['assigns a local of the trampoline', '          total += x0;\n          variant9 = x1;'],
    ['returns from the trampoline', '          return x0;'],
    ['continues the enclosing loop', '          if (x0) continue;\n          variant9 = x1;'],
    ['uses this', '          variant9 = this.x;'],
  ])('keeps the case inline when it %s', (_what, body) => {
    const source = trampoline(body);
    const result = splitLift(source);
    expect(result.applied).toBe(false);
    expect(result.source).toBe(source);
    expect(result.skipped).toEqual(['split-lift: wasi:otel/metrics@0.2.0-rc.2#_export: no variant case it can move']);
  });

  it('leaves small trampolines alone without a word', () => {
    const source = "export function instantiate() {\n  const _trampoline0 = function(arg0) {\n    return arg0;\n  }\n  _trampoline0.fnName = 'x';\n}\n";
    expect(splitLift(source)).toEqual({ name: 'split-lift', source, applied: false, skipped: [] });
  });
});
