/*
 * The promising-probe glue rewrite (src/runtime/glue/promising-probe.ts): jco's JSPI probes
 * (`try { xAsync = WebAssembly.promising(f) } catch { xAsync = f }`) ask whether the function
 * exists instead of throwing. The rewritten probes assign what the generated ones do whether
 * `WebAssembly.promising` is missing (Node 20), present, or throws; and they apply to jco's real
 * output for a componentize-js guest.
 */
import { readFileSync } from 'node:fs';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { describe, expect, it } from 'vitest';
import { promisingProbe } from '../src/runtime/glue/promising-probe.js';
import { component } from './support/paths.js';

// Two probes as jco writes them (a dotted and a bracketed export name), in a generator's body.
const GENERATED = `
  realloc0 = exports1.cabi_realloc;
  
  try {
    realloc0Async = WebAssembly.promising(exports1.cabi_realloc);
  } catch(err) {
    realloc0Async = exports1.cabi_realloc;
  }
  
  postReturn0 = exports1['cabi_post_nested-spans'];
  
  try {
    postReturn0Async = WebAssembly.promising(exports1['cabi_post_nested-spans']);
  } catch(err) {
    postReturn0Async = exports1['cabi_post_nested-spans'];
  }
`;

/** Runs a fragment with the given WebAssembly object; returns what it assigned. */
function assigned(fragment: string, webAssembly: object): unknown[] {
  const exports1 = { cabi_realloc: function realloc() {}, 'cabi_post_nested-spans': function post() {} };
  const run = new Function('WebAssembly', 'exports1', `let realloc0, realloc0Async, postReturn0, postReturn0Async;\n${fragment}\nreturn [realloc0, realloc0Async, postReturn0, postReturn0Async];`);
  return (run(webAssembly, exports1) as unknown[]).map((value) => (typeof value === 'function' ? value.name : value));
}

describe('promising-probe', () => {
  const rewritten = promisingProbe(GENERATED);

  it('rewrites each probe, nothing else', () => {
    expect(rewritten.applied).toBe(true);
    expect(rewritten.skipped).toEqual([]);
    expect(rewritten.source.match(/typeof WebAssembly\.promising === 'function'/g)).toHaveLength(2);
    expect(rewritten.source.replace(/typeof WebAssembly\.promising === 'function' \? (WebAssembly\.promising\([^)]+\)) : [^;]+; \/\/ glue-transform: promising-probe/g, '$1;')).toBe(GENERATED);
  });

  for (const [what, webAssembly] of [
    ['WebAssembly.promising missing (Node 20)', {}],
    ['WebAssembly.promising present', { promising: (f: { name: string }) => Object.defineProperty(() => undefined, 'name', { value: `promising(${f.name})` }) }],
    [
      'WebAssembly.promising throwing',
      {
        promising: () => {
          throw new TypeError('not a wasm function');
        },
      },
    ],
  ] as const) {
    it(`${what}: the same values assigned as by the generated probes`, () => {
      expect(assigned(rewritten.source, webAssembly)).toEqual(assigned(GENERATED, webAssembly));
    });
  }

  it('glue without probes: nothing to do (not applied, not a skip); a probe of another shape: said', () => {
    expect(promisingProbe('const x = 1;')).toMatchObject({ applied: false, skipped: [] });
    expect(promisingProbe('x = WebAssembly.promising(f);')).toMatchObject({ applied: false, skipped: ['promising-probe: 1 WebAssembly.promising call(s) of another shape left as generated'] });
  });

  it("jco's output for a componentize-js guest (forwarder-rc.2.wasm): every probe rewritten", async () => {
    const output = await transpileBytes(readFileSync(component('forwarder-rc.2.wasm')), { name: 'component', instantiation: 'async', noComponentErrorWrapping: false, emitTypescriptDeclarations: false });
    const glue = Buffer.from(output.files['component.js']!).toString('utf8');
    const probes = glue.match(/= WebAssembly\.promising\(/g)?.length ?? 0;
    expect(probes).toBeGreaterThan(0);
    const result = promisingProbe(glue);
    expect(result).toMatchObject({ applied: true, skipped: [] });
    expect(result.source.match(/glue-transform: promising-probe/g)).toHaveLength(probes);
  }, 120_000);
});
