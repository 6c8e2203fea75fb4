/*
 * The transpiled glue loaded as a script with V8's code cache (src/runtime/glue-script.ts): the
 * cache is written into the transpile cache entry after the first instance, taken by later
 * loads, replaced when V8 rejects it; glue of another shape is imported as an ES module.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createHost } from '../src/index.js';
import { asScript, CODE_CACHE_SUFFIX } from '../src/runtime/glue-script.js';
import { component } from './support/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-glue-script-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('asScript: only glue of the shape jco generates', () => {
  const jco = "export function instantiate(getCoreModule, imports) {\n  return new URL('./x.wasm', import.meta.url);\n}\nexport const _util = {\n}\n";
  it('jco shape: the two exports become a function of the glue URL, line 1 stays line 1', () => {
    const script = asScript(jco)!;
    expect(script.split('\n')[0]).toBe("(function (__wasmOtelGlueUrl) { 'use strict'; function instantiate(getCoreModule, imports) {");
    expect(script).toContain("new URL('./x.wasm', __wasmOtelGlueUrl)");
    expect(script.endsWith('\nreturn { instantiate, _util };\n})')).toBe(true);
  });
  for (const [what, source] of [
    ['an import statement', `import x from 'y';\n${jco}`],
    ['a third export', `${jco}export const more = 1;\n`],
    ['no _util export', jco.replace('export const _util', 'const _util')],
    ['import.meta other than .url', jco.replace('import.meta.url', 'import.meta.resolve("z")')],
  ] as const) {
    it(`${what}: not a script (imported as the module it is)`, () => expect(asScript(source)).toBeUndefined());
  }
});

describe('the code cache in the transpile cache entry', () => {
  const cacheDir = join(scratch, 'cache');
  const run = async (): Promise<{ entry: string; spans: string[] }> => {
    const exporter = new InMemorySpanExporter();
    const host = createHost({ spanProcessors: [new SimpleSpanProcessor(exporter)], cacheDir });
    const loaded = await host.load(component('span-bench.wasm'));
    const instance = await loaded.instantiate();
    await instance.call('emit-span');
    instance.dispose();
    return { entry: loaded.transpiled.entry, spans: exporter.getFinishedSpans().map((span) => `${span.name} ${span.attributes['http.route'] ?? ''}`) };
  };

  it('written after the first instance; the glue runs as a script with the same spans', async () => {
    const { entry, spans } = await run();
    expect(spans).toEqual(['bench-span /bench', 'span-bench.wasm ']);
    expect(statSync(`${entry}${CODE_CACHE_SUFFIX}`).size).toBeGreaterThan(1000);
  });

  // In another process: in this one V8's own compilation cache knows the source already.
  it('taken by a later load in another process (a second run)', async () => {
    const { entry } = await run();
    expect(loadIn(entry)).toBe('code-cache');
  });

  it('a cache V8 rejects (corrupt) is compiled without, and written again', async () => {
    const { entry } = await run();
    const cache = `${entry}${CODE_CACHE_SUFFIX}`;
    writeFileSync(cache, Buffer.from('not a code cache at all'));
    expect(loadIn(entry, true)).toBe('script');
    expect(statSync(cache).size).toBeGreaterThan(1000);
    expect(loadIn(entry)).toBe('code-cache');
  });

  it('a cache made for another glue of the same length (V8 would take it) is not used', async () => {
    const { entry } = await run();
    const source = readFileSync(entry, 'utf8');
    // The same glue with its last character changed (a newline for a blank): same length, other text.
    const edited = `${source.slice(0, -1)}${source.endsWith('\n') ? ' ' : '\n'}`;
    expect([edited.length, edited === source]).toEqual([source.length, false]);
    writeFileSync(entry, edited);
    try {
      expect(loadIn(entry)).toBe('script');
    } finally {
      writeFileSync(entry, source);
    }
    expect(loadIn(entry)).toBe('code-cache');
  });

  it('without a cache entry (temporary output) nothing is written', async () => {
    const exporter = new InMemorySpanExporter();
    const host = createHost({ spanProcessors: [new SimpleSpanProcessor(exporter)], cacheDir: false });
    const loaded = await host.load(component('span-bench.wasm'));
    await (await loaded.instantiate()).call('emit-span');
    expect(existsSync(loaded.transpiled.dir)).toBe(false);
    expect(exporter.getFinishedSpans()).toHaveLength(2);
  });
});

/** How a fresh Node process loads the glue at `entry` (dist's loadGlue); `save`: then writes the code cache. */
function loadIn(entry: string, save = false): string {
  const loader = pathToFileURL(join(import.meta.dirname, '../dist/runtime/glue-script.js')).href;
  const script = `const { loadGlue } = await import(${JSON.stringify(loader)}); const glue = await loadGlue(${JSON.stringify(entry)}, true); ${save ? 'await glue.saveCodeCache();' : ''} process.stdout.write(glue.loadedAs);`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
}
