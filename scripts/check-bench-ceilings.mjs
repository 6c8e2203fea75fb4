// The regression guard: compares the ratios of a `just bench --json FILE` run with the ceilings
// committed in bench/ceilings.json. Each ceiling is the target with a margin (1.5x the
// target for a cost ratio; the target / 1.5 for a throughput ratio), so that a large regression
// fails while machine noise does not. Not a timed test: the ratios are measured against a baseline
// in the same run.
//
//   node scripts/check-bench-ceilings.mjs results.json [bench/ceilings.json]
//
// Prints one line per ratio and exits 1 when one is past its ceiling or missing from the results.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [resultsFile, ceilingsFile = fileURLToPath(new URL('../bench/ceilings.json', import.meta.url))] = process.argv.slice(2);
if (!resultsFile) {
  process.stderr.write('wasm-otel: usage: node scripts/check-bench-ceilings.mjs <results.json> [ceilings.json]\n');
  process.exit(2);
}

const read = (file, what) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    process.stderr.write(`wasm-otel: cannot read the ${what} ${file}: ${error instanceof Error ? error.message.split('\n')[0] : error}\n`);
    process.exit(2);
  }
};
const { ratios } = read(resultsFile, 'bench results');
const { ceilings } = read(ceilingsFile, 'ceilings');

let failed = 0;
console.log(`bench ratios against ${ceilingsFile.split('/').slice(-2).join('/')} (ceiling = target with a 1.5x margin)`);
for (const [id, ceiling] of Object.entries(ceilings)) {
  const measured = ratios[id];
  if (measured === undefined) {
    failed++;
    console.log(`  ${id.padEnd(28)} MISSING: no bench reported it`);
    continue;
  }
  const lower = measured.better !== 'higher';
  const within = lower ? measured.ratio <= ceiling : measured.ratio >= ceiling;
  if (!within) failed++;
  const target = measured.target === undefined ? '' : `target ${lower ? '<=' : '>='} ${measured.target}`;
  console.log(`  ${id.padEnd(28)} ${measured.ratio.toFixed(2).padStart(6)}x  ${lower ? 'ceiling <=' : 'floor >='} ${String(ceiling).padEnd(5)} ${target.padEnd(14)} ${within ? 'ok' : 'REGRESSION'}`);
}
for (const id of Object.keys(ratios)) if (!(id in ceilings)) console.log(`  ${id.padEnd(28)} ${ratios[id].ratio.toFixed(2).padStart(6)}x  (no ceiling)`);
console.log(failed === 0 ? 'bench ceilings: all within' : `bench ceilings: ${failed} past the ceiling or missing`);
process.exit(failed === 0 ? 0 : 1);
