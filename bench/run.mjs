// Runs the benches one after another, each in a process of its own (what `just bench` does).
//
//   node bench/run.mjs [--json FILE] [--quick] [name ...]
//
// --json FILE: every bench adds its ratios (with their targets) to FILE (see support/report.mjs),
//              which scripts/check-bench-ceilings.mjs compares with bench/ceilings.json.
// --quick:     fewer rounds and runs (WASM_OTEL_BENCH_QUICK=1), for CI's regression guard; the
//              ratios are medians all the same, only noisier.
// --check:     then compare the ratios with bench/ceilings.json (scripts/check-bench-ceilings.mjs;
//              a temporary results file unless --json names one); exit 1 when one is past its ceiling.
// name ...:    only these benches (e.g. guest-span cold-start).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each bench and whether it needs --expose-gc (it collects between rounds or measures the heap). */
const BENCHES = [
  ['guest-span', true],
  ['observe-span', true],
  ['metrics-logs', true],
  ['function-hooks', true],
  ['instrument', true],
  ['serve-rps', false],
  ['soak', false],
  ['many-instances', true],
  ['cold-start', false],
];

const args = process.argv.slice(2);
const env = { ...process.env };
const only = [];
let check = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--json' && args[i + 1] !== undefined) {
    env.WASM_OTEL_BENCH_JSON = resolve(args[++i]);
    rmSync(env.WASM_OTEL_BENCH_JSON, { force: true });
  } else if (args[i] === '--quick') env.WASM_OTEL_BENCH_QUICK = '1';
  else if (args[i] === '--check') check = true;
  else if (BENCHES.some(([name]) => name === args[i])) only.push(args[i]);
  else {
    process.stderr.write(`wasm-otel: bench: unknown argument ${JSON.stringify(args[i])} (takes --json FILE, --quick, --check and bench names: ${BENCHES.map(([name]) => name).join(', ')})\n`);
    process.exit(2);
  }
}

if (check && env.WASM_OTEL_BENCH_JSON === undefined) env.WASM_OTEL_BENCH_JSON = join(mkdtempSync(join(tmpdir(), 'wasm-otel-bench-')), 'results.json');
const here = fileURLToPath(new URL('.', import.meta.url));
for (const [name, gc] of BENCHES) {
  if (only.length > 0 && !only.includes(name)) continue;
  const started = performance.now();
  const result = spawnSync(process.execPath, [...(gc ? ['--expose-gc'] : []), `${here}${name}.bench.mjs`], { env, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`wasm-otel: bench ${name} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
  if (env.WASM_OTEL_BENCH_QUICK) console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
if (check) {
  const result = spawnSync(process.execPath, [join(here, '..', 'scripts', 'check-bench-ceilings.mjs'), env.WASM_OTEL_BENCH_JSON], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
