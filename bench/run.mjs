// Runs the benches one after another, each in a process of its own (what `just bench` does).
//
//   node bench/run.mjs [--json FILE] [--quick] [name ...]
//
// --json FILE: every bench adds its ratios (with their targets) to FILE (see support/report.mjs),
//              which scripts/check-bench-ceilings.mjs compares with bench/ceilings.json.
// --quick:     fewer rounds and runs (WASM_OTEL_BENCH_QUICK=1), for CI's regression guard; the
//              ratios are medians all the same, only noisier.
// --check:     then compare the ratios with bench/ceilings.json (scripts/check-bench-ceilings.mjs;
//              a temporary results file unless --json names one); a bench with a ratio past its
//              ceiling runs once more and the better figure counts; exit 1 when one stays past it,
//              or a bench failed. With bench names, only the ratios of those benches are checked.
// name ...:    only these benches (e.g. guest-span cold-start).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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
/** A bench that takes longer than this is stopped and counts as failed (a hung bench must not hang CI). */
const TIMEOUT_MILLIS = (env.WASM_OTEL_BENCH_QUICK ? 6 : 20) * 60_000;
const ran = [];
const failed = [];
const runBench = (name, gc) => {
  const started = performance.now();
  const result = spawnSync(process.execPath, [...(gc ? ['--expose-gc'] : []), `${here}${name}.bench.mjs`], { env, stdio: 'inherit', timeout: TIMEOUT_MILLIS, killSignal: 'SIGKILL' });
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (result.status !== 0) {
    const how = result.error?.code === 'ETIMEDOUT' ? `stopped after ${TIMEOUT_MILLIS / 60_000} minutes` : `exit ${result.status ?? result.signal}`;
    process.stderr.write(`wasm-otel: bench ${name} failed (${how})\n`);
    return false;
  }
  if (env.WASM_OTEL_BENCH_QUICK) console.log(`(${name}: ${seconds} s)`);
  return true;
};
for (const [name, gc] of BENCHES) {
  if (only.length > 0 && !only.includes(name)) continue;
  ran.push(name);
  // The others still run (and are checked) when one fails.
  if (!runBench(name, gc)) failed.push(name);
}

/** Which bench records a ratio (ids start with the bench's name, or one of these). */
const BENCH_OF_PREFIX = { metrics: 'metrics-logs', logs: 'metrics-logs', hooks: 'function-hooks', serve: 'serve-rps', cache: 'cold-start' };
const benchOf = (id) => {
  const prefix = id.split('.')[0];
  return BENCH_OF_PREFIX[prefix] ?? prefix;
};
const runCheck = () =>
  spawnSync(process.execPath, [join(here, '..', 'scripts', 'check-bench-ceilings.mjs'), ...(only.length > 0 ? ['--partial'] : []), '--json-out', `${env.WASM_OTEL_BENCH_JSON}.check`, env.WASM_OTEL_BENCH_JSON], { stdio: 'inherit' });
let status = failed.length > 0 ? 1 : 0;
if (check) {
  let result = runCheck();
  if (result.status === 1) {
    // Machine noise: a bench whose ratio is past its ceiling runs once more; the better figure of the two counts.
    let past = [];
    try {
      past = JSON.parse(readFileSync(`${env.WASM_OTEL_BENCH_JSON}.check`, 'utf8')).past;
    } catch {
      // no list: nothing to run again
    }
    const again = [...new Set(past.map(benchOf))].filter((name) => ran.includes(name) && !failed.includes(name));
    if (again.length > 0) {
      console.log(`bench ceilings: running ${again.join(', ')} once more (the better figure counts)`);
      env.WASM_OTEL_BENCH_KEEP_BETTER = '1';
      for (const name of again) runBench(name, BENCHES.find(([bench]) => bench === name)[1]);
      result = runCheck();
    }
  }
  status = status || (result.status ?? 1);
  if (!process.argv.includes('--json')) rmSync(dirname(env.WASM_OTEL_BENCH_JSON), { recursive: true, force: true });
}
process.exit(status);
