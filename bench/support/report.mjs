// The figures a bench reports for the regression guard: each is a ratio measured in the same run
// (guest against native, wasm-otel against plain node, ...), with the target beside it.
//
// `just bench --json results.json` sets WASM_OTEL_BENCH_JSON to the file; every bench script
// then adds its ratios to it (read, merge, write, so the scripts can run one after another).
// `node scripts/check-bench-ceilings.mjs results.json` compares them with bench/ceilings.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Records one ratio. `id`: stable key (`guest-span.bsp`); `ratio`: measured; `target`: the
 * issue's target; `better`: 'lower' (a cost ratio, the default) or 'higher' (a throughput ratio).
 * Returns the ratio, so a bench can print it as it likes.
 */
export function recordRatio(id, ratio, { target, better = 'lower', label = id } = {}) {
  const file = process.env.WASM_OTEL_BENCH_JSON;
  if (!file) return ratio;
  if (!Number.isFinite(ratio)) throw new Error(`bench ${id}: ratio ${ratio} is not a finite number`);
  const results = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { ratios: {} };
  const previous = results.ratios[id];
  // A bench run again for the guard (WASM_OTEL_BENCH_KEEP_BETTER) keeps the better of its two figures.
  const worse = previous !== undefined && process.env.WASM_OTEL_BENCH_KEEP_BETTER && (better === 'lower' ? ratio >= previous.ratio : ratio <= previous.ratio);
  if (!worse) results.ratios[id] = { ratio: Number(ratio.toFixed(4)), target, better, label };
  results.node = process.version;
  results.written = new Date().toISOString();
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return ratio;
}

/** A line saying how a ratio compares with its target, for the bench's own output. */
export function verdict(ratio, target, better = 'lower') {
  if (target === undefined) return '';
  const met = better === 'lower' ? ratio <= target : ratio >= target;
  return `(target ${better === 'lower' ? '<=' : '>='} ${target}x)${met ? '' : better === 'lower' ? '  ABOVE TARGET' : '  BELOW TARGET'}`;
}
