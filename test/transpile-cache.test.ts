/*
 * (The tests' own cache is WASM_OTEL_CACHE_DIR, set by test/support/global-setup.ts: a CLI run
 * that is to use the default place gets it empty.)
 *
 * The transpile cache only saves time and never stops a run: a cache directory that cannot be
 * used is one warning for the host, which goes on without a cache (no retries, nothing that
 * waits without bound); `--no-cache` and WASM_OTEL_CACHE_DIR=off turn it off; a slow first
 * transpile says so (the threshold is injected here, the CLI uses 1 s and only on a terminal).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, runInWorker } from '../src/index.js';
import { defaultCacheDir } from '../src/runtime/cache-dir.js';
import { runCli } from './support/cli.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { collectWarnings } from './support/warnings.js';

const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-cache-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const file = join(scratch, 'a-file');
writeFileSync(file, '');
let next = 0;
/** A directory that does not exist yet. */
const freshDir = (): string => join(scratch, `dir-${++next}`);

const unusable = (cacheDir: string, problem: string): string =>
  `wasm-otel: invalid_config: the transpile cache ${cacheDir} cannot be used (${problem}); components are transpiled without a cache (set WASM_OTEL_CACHE_DIR to a writable directory, or to off)`;

describe('a cache directory that cannot be used: one warning, the host goes on without a cache', () => {
  const warnings = collectWarnings();
  for (const [where, cacheDir, problem] of [
    // Node's own recursive mkdir never returns for this one.
    ['under /proc', '/proc/wasm-otel-nope/cache', 'cannot create /proc/wasm-otel-nope: no such file or directory'],
    // An existing directory nothing can be created in, like a read-only HOME.
    ['in a directory nothing can be made in', '/proc/self/wasm-otel', 'cannot create /proc/self/wasm-otel: no such file or directory'],
    ['under a file', join(file, 'cache'), `cannot create ${join(file, 'cache')}: a part of the path is not a directory`],
    ['a file in the way', file, `cannot create ${file}: a file is in the way`],
  ] as const) {
    it(`${where}: both components run, one invalid_config line for the host`, async () => {
      const exporter = new InMemorySpanExporter();
      const host = createHost({ spanProcessors: [new SimpleSpanProcessor(exporter)], cacheDir });
      for (const [guest, exportName] of [
        ['span-bench.wasm', 'emit-span'],
        ['current-span.wasm', 'run'],
      ] as const) {
        const loaded = await host.load(component(guest));
        expect([loaded.fromCache, existsSync(loaded.transpiled.dir)]).toEqual([false, false]);
        await (await loaded.instantiate()).call(exportName);
      }
      expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['bench-span', 'span-bench.wasm', 'second', 'first', 'current-span.wasm']);
      expect(host.problems()).toEqual({ invalid_config: 1 });
      expect(warnings).toEqual([unusable(cacheDir, problem)]);
    });
  }

  it.skipIf(process.getuid?.() === 0)('a directory without write permission', async () => {
    const cacheDir = freshDir();
    mkdirSync(cacheDir, { mode: 0o555 });
    const host = createHost({ spanProcessors: [], cacheDir });
    await (await (await host.load(component('span-bench.wasm'))).instantiate()).call('emit-span');
    expect(host.problems()).toEqual({ invalid_config: 1 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^wasm-otel: invalid_config: the transpile cache .* cannot be used \(cannot create .*: permission denied\); /);
  });

  it('a cache entry whose manifest is not a regular file (a FIFO, which a read would wait on forever) is replaced', async () => {
    const cacheDir = freshDir();
    const first = await createHost({ spanProcessors: [], cacheDir }).load(component('span-bench.wasm'));
    const manifest = join(first.transpiled.dir, 'manifest.json');
    rmSync(manifest);
    execFileSync('mkfifo', [manifest]);
    const again = await createHost({ spanProcessors: [], cacheDir }).load(component('span-bench.wasm'));
    expect([again.fromCache, again.transpiled.dir]).toEqual([false, first.transpiled.dir]);
    const third = await createHost({ spanProcessors: [], cacheDir }).load(component('span-bench.wasm'));
    expect(third.fromCache).toBe(true);
    expect(warnings).toEqual([]);
  });
});

describe('turning the cache off', () => {
  it('WASM_OTEL_CACHE_DIR=off is no cache; unset or empty is the default place', () => {
    expect(defaultCacheDir({ WASM_OTEL_CACHE_DIR: 'off' })).toBe(false);
    expect(defaultCacheDir({ WASM_OTEL_CACHE_DIR: '/x/cache' })).toBe('/x/cache');
    expect(defaultCacheDir({ WASM_OTEL_CACHE_DIR: '', XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/wasm-otel');
  });

  it('CLI: --no-cache and WASM_OTEL_CACHE_DIR=off transpile into a temporary directory and leave the cache alone', async () => {
    for (const [args, env] of [
      [['--no-cache'], { WASM_OTEL_CACHE_DIR: '' }],
      [[], { WASM_OTEL_CACHE_DIR: 'off' }],
    ] as const) {
      const xdg = freshDir();
      const result = await runCli(['run', component('trap.wasm'), '--invoke', 'run', ...args], { XDG_CACHE_HOME: xdg, OTEL_LOG_LEVEL: 'debug', OTEL_TRACES_EXPORTER: 'none', ...env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`wasm-otel: transpiled trap.wasm into ${join(tmpdir(), 'wasm-otel-')}`);
      expect(existsSync(xdg)).toBe(false);
    }
    // The same run without them fills the cache.
    const xdg = freshDir();
    await runCli(['run', component('trap.wasm'), '--invoke', 'run'], { WASM_OTEL_CACHE_DIR: '', XDG_CACHE_HOME: xdg, OTEL_TRACES_EXPORTER: 'none' });
    // One entry, and the index by file (files/) that finds it without reading the component.
    expect(readdirSync(join(xdg, 'wasm-otel')).filter((name) => name !== 'files')).toHaveLength(1);
    expect(readdirSync(join(xdg, 'wasm-otel', 'files'))).toHaveLength(1);
  });
});

describe('CLI with a cache it cannot use', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => receiver.close());

  it('a HOME nothing can be written in: one warning line, and the run exports as usual', async () => {
    const result = await runCli(['run', component('current-span.wasm'), '--invoke', 'run'], { HOME: '/proc/self', XDG_CACHE_HOME: '', WASM_OTEL_CACHE_DIR: '', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`${unusable('/proc/self/.cache/wasm-otel', 'cannot create /proc/self/.cache: no such file or directory')}\n`);
    expect((await receiver.waitForSpans(3)).map((span) => span.name).sort()).toEqual(['current-span.wasm', 'first', 'second']);
  });
});

describe('a slow first transpile says so', () => {
  const run = async (cacheDir: string | false): Promise<string[]> => {
    const lines: string[] = [];
    const outcome = await runInWorker({ file: component('current-span.wasm'), invoke: 'run', cacheDir, transpileNotice: { afterMillis: 0, write: (line) => lines.push(line) } }).outcome;
    expect(outcome).toEqual({ exitCode: 0, stopped: false });
    return lines;
  };

  it('past the threshold: once when it will be cached, never from the cache, every time without a cache', async () => {
    const cacheDir = freshDir();
    expect(await run(cacheDir)).toEqual(['wasm-otel: transpiling current-span.wasm (first run; cached for next time) ...']);
    expect(await run(cacheDir)).toEqual([]);
    expect(await run(false)).toEqual(['wasm-otel: transpiling current-span.wasm (no cache: every run transpiles) ...']);
    expect(await run(join(file, 'cache'))).toEqual(['wasm-otel: transpiling current-span.wasm (no cache: every run transpiles) ...']);
  });

  it('CLI: not when stderr is not a terminal, even for a transpile of seconds (scenarios.wasm)', async () => {
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'statuses'], { WASM_OTEL_CACHE_DIR: freshDir(), OTEL_TRACES_EXPORTER: 'none' });
    expect([result.code, result.stderr]).toEqual([0, '']);
  });
});

describe('a cache inside a CommonJS project', () => {
  it('an entry is an ES module whatever package.json is above it: the first and the cached run both work (CLI)', async () => {
    const project = freshDir();
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "type": "commonjs" }\n');
    const cacheDir = join(project, 'cache');
    for (const round of ['transpiled', 'cached']) {
      const result = await runCli(['run', component('span-bench.wasm'), '--invoke', 'emit-span'], { WASM_OTEL_CACHE_DIR: cacheDir, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
      expect({ round, code: result.code, stderr: result.stderr }).toEqual({ round, code: 0, stderr: '' });
    }
    const [entry] = readdirSync(cacheDir).filter((name) => name !== 'files');
    expect(readdirSync(join(cacheDir, entry!))).toContain('package.json');
  }, 60_000);
});
