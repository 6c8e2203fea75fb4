// Cold start: whole-process runs, each command N times, interleaved so that machine noise hits
// both sides of a ratio alike; prints min and median wall time per command and the ratios the
// issue sets targets for: `wasm-otel --version` against `node -e 0` (<= 1.5x) and `wasm-otel run`
// of a small WASI core module with the console report against a plain node:wasi run of the same
// module (<= 2x).
//
//   node bench/cold-start.bench.mjs [--runs 15]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './support/paired-rounds.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'wasm-otel.js');
// A small WASI command (C, wasi-libc; no imports but WASI): prints its results and exits 0.
const MODULE = join(ROOT, 'components', 'instr-recursion.wasm');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;

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
const ratio = (a, b, target) => {
  const r = stat(a).median / stat(b).median;
  console.log(`  ${`${a} / ${b}`.padEnd(52)} ${r.toFixed(2)}x  (target <= ${target}x)${r <= target ? '' : '  ABOVE TARGET'}`);
};
ratio('wasm-otel --version', 'node -e 0', 1.5);
ratio('wasm-otel run (console)', 'node:wasi run', 2);
