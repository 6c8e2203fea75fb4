// Cold start: whole-process runs, each command N times, interleaved so that machine noise hits
// both sides of a ratio alike; prints min and median wall time per command and the ratios the
// issue sets targets for: `wasm-otel --version` against `node -e 0` (<= 1.5x) and `wasm-otel run`
// of a small WASI core module with the console report against a plain node:wasi run of the same
// module (<= 2x). Then the transpile cache: a 14 MB componentize-js component's first run (an
// empty cache: jco transpiles it) against its later runs (<= 10%), and, in this process, finding
// its cache entry against reading the component file (<= 1x).
//
//   node bench/cold-start.bench.mjs [--runs 15]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './support/paired-rounds.mjs';
import { recordRatio, verdict } from './support/report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'wasm-otel.js');
// A small WASI command (C, wasi-libc; no imports but WASI): prints its results and exits 0.
const MODULE = join(ROOT, 'components', 'instr-recursion.wasm');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : process.env.WASM_OTEL_BENCH_QUICK ? 7 : 15;

const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-cold-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
// The plain run: node:wasi, nothing else (what `node --experimental-wasi-unstable-preview1` users write).
const plain = join(scratch, 'plain-wasi.mjs');
writeFileSync(
  plain,
  `import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const wasi = new WASI({ version: 'preview1', args: ['m'], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(process.argv[2]));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
`,
);

const COMMANDS = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'wasm-otel --version': [process.execPath, [CLI, '--version']],
  'node:wasi run': [process.execPath, ['--no-warnings', plain, MODULE]],
  'wasm-otel run (console)': [process.execPath, [CLI, 'run', MODULE]],
};

const times = Object.fromEntries(Object.keys(COMMANDS).map((name) => [name, []]));
const env = { ...process.env, OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
for (let round = -1; round < RUNS; round++) {
  for (const [name, [file, args]] of Object.entries(COMMANDS)) {
    const start = performance.now();
    const result = spawnSync(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const millis = performance.now() - start;
    if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${String(result.stderr).split('\n')[0]}`);
    if (round >= 0) times[name].push(millis); // round -1 warms the file cache and the transpile cache
  }
}

const stat = (name) => ({ min: Math.min(...times[name]), median: median(times[name]) });
console.log(`cold start: ${RUNS} runs each, interleaved (ms)`);
for (const name of Object.keys(COMMANDS)) {
  const { min, median: mid } = stat(name);
  console.log(`  ${name.padEnd(26)} min ${min.toFixed(0).padStart(5)}  median ${mid.toFixed(0).padStart(5)}`);
}
const ratio = (id, a, b, target) => {
  const r = recordRatio(id, stat(a).median / stat(b).median, { target, label: `${a} / ${b}` });
  console.log(`  ${`${a} / ${b}`.padEnd(52)} ${r.toFixed(2)}x  ${verdict(r, target)}`);
};
ratio('cold-start.version', 'wasm-otel --version', 'node -e 0', 1.5);
ratio('cold-start.run', 'wasm-otel run (console)', 'node:wasi run', 2);

// The transpile cache, with a 14 MB component (StarlingMonkey): one first run into an empty cache,
// then later runs; `--invoke` of a small export, no telemetry export (OTEL_*_EXPORTER=none).
const BIG = join(ROOT, 'components', 'scenarios.wasm');
const cacheDir = join(scratch, 'cache');
const bigEnv = { ...env, WASM_OTEL_CACHE_DIR: cacheDir, OTEL_TRACES_EXPORTER: 'none' };
const timedRun = () => {
  const start = performance.now();
  const result = spawnSync(process.execPath, [CLI, 'run', BIG, '--invoke', 'new-root'], { env: bigEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`run of ${BIG} exited ${result.status}: ${String(result.stderr).split('\n')[0]}`);
  return performance.now() - start;
};
const firstRun = timedRun();
const laterRuns = Array.from({ length: Math.max(3, Math.ceil(RUNS / 3)) }, timedRun);
console.log(`transpile cache: ${BIG.split('/').pop()} (${(statSync(BIG).size / 1e6).toFixed(1)} MB), run --invoke new-root (ms)`);
console.log(`  first run (empty cache)    ${firstRun.toFixed(0).padStart(5)}`);
console.log(`  later runs (${laterRuns.length})            min ${Math.min(...laterRuns).toFixed(0).padStart(5)}  median ${median(laterRuns).toFixed(0).padStart(5)}`);
const later = recordRatio('cache.second-run', median(laterRuns) / firstRun, { target: 0.1, label: 'later run / first run (14 MB component)' });
console.log(`  ${'later run / first run'.padEnd(52)} ${later.toFixed(2)}x  ${verdict(later, 0.1)}`);

// Finding the cache entry (what a later run does instead of reading the file) against reading it.
const { fileIdentity, knownHash } = await import('../dist/runtime/file-identity-index.js');
const { cachedTranspile } = await import('../dist/runtime/transpile.js');
const lookups = [];
const reads = [];
for (let round = 0; round < 15; round++) {
  let start = performance.now();
  const hash = await knownHash(cacheDir, await fileIdentity(BIG));
  if ((await cachedTranspile(hash, cacheDir)) === undefined) throw new Error('the cache entry of the 14 MB component was not found');
  lookups.push(performance.now() - start);
  start = performance.now();
  await readFile(BIG);
  reads.push(performance.now() - start);
}
console.log(`  cache lookup ${median(lookups).toFixed(2)} ms, reading the component ${median(reads).toFixed(2)} ms (medians of 15)`);
const lookup = recordRatio('cache.lookup-vs-read', median(lookups) / median(reads), { target: 1, label: 'cache lookup / reading the component' });
console.log(`  ${'cache lookup / reading the component'.padEnd(52)} ${lookup.toFixed(2)}x  ${verdict(lookup, 1)}`);
