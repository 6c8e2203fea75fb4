/*
 * The transpile cache's index by file (src/runtime/file-identity-index.ts): a component file the
 * host has transpiled before is found in the cache by its identity (path, inode, size, times)
 * without reading its bytes; a file that changed, or the same bytes under another name, is read
 * and hashed again. (node:fs/promises' readFile is wrapped to count what is read.)
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createHost } from '../src/index.js';
import { component } from './support/paths.js';
import { collectWarnings } from './support/warnings.js';

const reads: string[] = [];
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = (async (path: Parameters<typeof original.readFile>[0], ...rest: unknown[]) => {
    reads.push(String(path));
    return (original.readFile as (...args: unknown[]) => Promise<unknown>)(path, ...rest);
  }) as typeof original.readFile;
  return { ...original, readFile, default: { ...original, readFile } };
});

const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-file-index-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Loads `file` with a new host on `cacheDir`, runs its `emit-span`, returns whether it came from the cache and the files read. */
async function loadAndRun(file: string, cacheDir: string): Promise<{ fromCache: boolean; hash: string; readComponent: number; spans: string[] }> {
  reads.length = 0;
  const exporter = new InMemorySpanExporter();
  const host = createHost({ spanProcessors: [new SimpleSpanProcessor(exporter)], cacheDir });
  const loaded = await host.load(file);
  const instance = await loaded.instantiate();
  await instance.call('emit-span');
  instance.dispose();
  return { fromCache: loaded.fromCache, hash: loaded.transpiled.hash, readComponent: reads.filter((path) => path === file).length, spans: exporter.getFinishedSpans().map((span) => span.name) };
}

/** A file last modified a minute ago (the index records only files not written in the last 2 s). */
const settle = (path: string): void => {
  const past = new Date(Date.now() - 60_000);
  utimesSync(path, past, past);
};

describe('the transpile cache finds a file it has seen without reading it', () => {
  const cacheDir = join(scratch, 'cache');
  const file = join(scratch, 'span-bench.wasm');
  copyFileSync(component('span-bench.wasm'), file);
  settle(file);
  const bytes = readFileSync(file);

  it('first load: read, hashed, transpiled, and the file recorded in <cache>/files/', async () => {
    const first = await loadAndRun(file, cacheDir);
    expect(first).toMatchObject({ fromCache: false, readComponent: 1, spans: ['bench-span', 'span-bench.wasm'] });
    const index = readdirSync(join(cacheDir, 'files'));
    expect(index).toHaveLength(1);
    expect(readFileSync(join(cacheDir, 'files', index[0]!), 'utf8')).toBe(`${first.hash}\n`);
  });

  it('second load (another host, as a second run): from the cache, the component not read at all', async () => {
    const second = await loadAndRun(file, cacheDir);
    expect(second).toMatchObject({ fromCache: true, readComponent: 0, spans: ['bench-span', 'span-bench.wasm'] });
  });

  it('the same bytes under another name: read and hashed once, then found by name too', async () => {
    const copy = join(scratch, 'copy.wasm');
    copyFileSync(file, copy);
    settle(copy);
    expect(await loadAndRun(copy, cacheDir)).toMatchObject({ fromCache: true, readComponent: 1 });
    expect(await loadAndRun(copy, cacheDir)).toMatchObject({ fromCache: true, readComponent: 0 });
    expect(readdirSync(join(cacheDir, 'files'))).toHaveLength(2);
  });

  it('a file written again in place (same name, size and bytes) is read again: its times changed', async () => {
    const before = await loadAndRun(file, cacheDir);
    // Any write changes the file's change time; the same bytes written back show it best (the
    // file is read and hashed again, and its hash leads to the same entry).
    writeFileSync(file, bytes);
    settle(file);
    const after = await loadAndRun(file, cacheDir);
    expect(after).toMatchObject({ fromCache: true, readComponent: 1, hash: before.hash });
    expect(await loadAndRun(file, cacheDir)).toMatchObject({ fromCache: true, readComponent: 0 });
  });

  it('a broken index entry is a miss, not a failure', async () => {
    for (const name of readdirSync(join(cacheDir, 'files'))) writeFileSync(join(cacheDir, 'files', name), 'not a hash');
    expect(await loadAndRun(file, cacheDir)).toMatchObject({ fromCache: true, readComponent: 1, spans: ['bench-span', 'span-bench.wasm'] });
  });

  it('a file written in the last 2 s is read and hashed, not recorded: it could change again within the same clock tick', async () => {
    const fresh = join(scratch, 'fresh.wasm');
    copyFileSync(file, fresh);
    expect(await loadAndRun(fresh, cacheDir)).toMatchObject({ fromCache: true, readComponent: 1 });
    expect(await loadAndRun(fresh, cacheDir)).toMatchObject({ fromCache: true, readComponent: 1 });
  });

  it('a FIFO where an index entry would be is a miss, not a hang', async () => {
    const before = readdirSync(join(cacheDir, 'files'));
    for (const name of before) rmSync(join(cacheDir, 'files', name));
    for (const name of before) execFileSync('mkfifo', [join(cacheDir, 'files', name)]);
    expect(await loadAndRun(file, cacheDir)).toMatchObject({ fromCache: true, readComponent: 1 });
  });

  it('without a cache nothing is recorded and the file is read every time', async () => {
    const reads1 = await loadAndRunNoCache(file);
    expect(reads1).toBe(1);
  });
});

async function loadAndRunNoCache(file: string): Promise<number> {
  reads.length = 0;
  const host = createHost({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())], cacheDir: false });
  await host.load(file);
  return reads.filter((path) => path === file).length;
}

describe('a damaged cache entry is transpiled again, with one warning', () => {
  const warnings = collectWarnings();
  for (const [what, damage] of [
    ['glue that does not parse', (dir: string) => writeFileSync(join(dir, 'component.js'), 'garbage(')],
    ['a truncated core module', (dir: string) => writeFileSync(join(dir, 'component.core.wasm'), readFileSync(join(dir, 'component.core.wasm')).subarray(0, 20))],
  ] as const) {
    it(`${what}: found by file identity and by hash alike`, async () => {
      const cacheDir = join(scratch, `damaged-${what.length}`);
      const file = join(scratch, `damaged-${what.length}.wasm`);
      copyFileSync(component('span-bench.wasm'), file);
      settle(file);
      const first = await loadAndRun(file, cacheDir);
      const entry = join(cacheDir, readdirSync(cacheDir).find((name) => name !== 'files')!);
      damage(entry);
      // Found by the file's identity: the entry is damaged, so it is made again.
      expect(await loadAndRun(file, cacheDir)).toMatchObject({ fromCache: false, hash: first.hash, spans: ['bench-span', `damaged-${what.length}.wasm`] });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`^wasm-otel: the cached transpile of damaged-${what.length}\\.wasm in ${entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(cannot prepare damaged-${what.length}\\.wasm: [^\\n]+\\); it is transpiled again$`));
      // And it is whole again.
      expect(await loadAndRun(file, cacheDir)).toMatchObject({ fromCache: true, readComponent: 0 });
      damage(entry);
      // Found by hash (another name for the same bytes): the same.
      const copy = join(scratch, `damaged-copy-${what.length}.wasm`);
      copyFileSync(file, copy);
      expect(await loadAndRun(copy, cacheDir)).toMatchObject({ fromCache: false, spans: ['bench-span', `damaged-copy-${what.length}.wasm`] });
      expect(warnings).toHaveLength(2);
    });
  }
});
