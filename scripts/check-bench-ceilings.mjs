// The regression guard: compares the ratios of a `just bench --json FILE` run with the ceilings
// committed in bench/ceilings.json. Each ceiling is the target with a margin (1.5x the
// target for a cost ratio; the target / 1.5 for a throughput ratio), so that a large regression
// fails while machine noise does not. Not a timed test: the ratios are measured against a baseline
// in the same run.
//
//   node scripts/check-bench-ceilings.mjs [--partial] [--json-out FILE] results.json [bench/ceilings.json]
//
// Prints one line per ratio and exits 1 when one is past its ceiling or missing from the results
// (--partial: when only some benches ran, a missing ratio is "not run", not a failure).
// --json-out FILE: the ids past their ceilings as `{ "past": [...] }` (for bench/run.mjs's retry).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const partial = args.includes('--partial');
const jsonOutAt = args.indexOf('--json-out');
const jsonOut = jsonOutAt >= 0 ? args[jsonOutAt + 1] : undefined;
const files = args.filter((arg, i) => arg !== '--partial' && (jsonOutAt < 0 || (i !== jsonOutAt && i !== jsonOutAt + 1)));
const [resultsFile, ceilingsFile = fileURLToPath(new URL('../bench/ceilings.json', import.meta.url))] = files;
if (!resultsFile || files.length > 2 || (jsonOutAt >= 0 && jsonOut === undefined)) {
  process.stderr.write('wasm-otel: usage: node scripts/check-bench-ceilings.mjs [--partial] [--json-out FILE] <results.json> [ceilings.json]\n');
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
const isTable = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
if (!isTable(ratios) || Object.values(ratios).some((entry) => !isTable(entry) || typeof entry.ratio !== 'number')) {
  process.stderr.write(`wasm-otel: ${resultsFile} is not a bench results file (no "ratios" of numbers: written by just bench --json)\n`);
  process.exit(2);
}
if (!isTable(ceilings) || Object.values(ceilings).some((value) => typeof value !== 'number')) {
  process.stderr.write(`wasm-otel: ${ceilingsFile} has no "ceilings" of numbers\n`);
  process.exit(2);
}

let failed = 0;
let notRun = 0;
const past = [];
console.log(`bench ratios against ${ceilingsFile.split('/').slice(-2).join('/')} (see its "about" for how the ceilings were set)`);
for (const [id, ceiling] of Object.entries(ceilings)) {
  const measured = ratios[id];
  if (measured === undefined) {
    if (partial) {
      notRun++;
      continue;
    }
    failed++;
    console.log(`  ${id.padEnd(28)} MISSING: no bench reported it`);
    continue;
  }
  const lower = measured.better !== 'higher';
  const within = lower ? measured.ratio <= ceiling : measured.ratio >= ceiling;
  if (!within) {
    failed++;
    past.push(id);
  }
  const target = measured.target === undefined ? '' : `target ${lower ? '<=' : '>='} ${measured.target}`;
  console.log(`  ${id.padEnd(28)} ${measured.ratio.toFixed(2).padStart(6)}x  ${lower ? 'ceiling <=' : 'floor >='} ${String(ceiling).padEnd(5)} ${target.padEnd(14)} ${within ? 'ok' : 'REGRESSION'}`);
}
for (const id of Object.keys(ratios)) if (!(id in ceilings)) console.log(`  ${id.padEnd(28)} ${ratios[id].ratio.toFixed(2).padStart(6)}x  (no ceiling)`);
if (jsonOut !== undefined) writeFileSync(jsonOut, `${JSON.stringify({ past })}\n`);
const notRunNote = notRun > 0 ? ` (${notRun} not run)` : '';
console.log(failed === 0 ? `bench ceilings: all within${notRunNote}` : `bench ceilings: ${failed} past the ceiling or missing${notRunNote}`);
process.exit(failed === 0 ? 0 : 1);
