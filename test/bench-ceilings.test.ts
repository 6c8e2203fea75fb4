/*
 * The regression guard's comparison (scripts/check-bench-ceilings.mjs) on results written the
 * way bench/support/report.mjs writes them: within, past a ceiling, below a floor, missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-ceilings-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ceilings = join(scratch, 'ceilings.json');
writeFileSync(ceilings, JSON.stringify({ ceilings: { 'a.cost': 1.5, 'b.throughput': 0.53 } }));

/** Writes results through recordRatio (WASM_OTEL_BENCH_JSON) in a child process, then checks them. */
function check(ratios: [string, number, object][]): { code: number | null; stdout: string; stderr: string } {
  const results = join(scratch, `results-${Math.random().toString(36).slice(2)}.json`);
  const record = `import { recordRatio } from ${JSON.stringify(join(ROOT, 'bench/support/report.mjs'))}; for (const [id, ratio, options] of ${JSON.stringify(ratios)}) recordRatio(id, ratio, options);`;
  const wrote = spawnSync(process.execPath, ['--input-type=module', '-e', record], { env: { ...process.env, WASM_OTEL_BENCH_JSON: results }, encoding: 'utf8' });
  expect(wrote.stderr).toBe('');
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/check-bench-ceilings.mjs'), results, ceilings], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('check-bench-ceilings', () => {
  it('all within: exit 0, a line per ratio with its ceiling and target', () => {
    const result = check([
      ['a.cost', 1.2, { target: 1 }],
      ['b.throughput', 0.9, { target: 0.8, better: 'higher' }],
      ['c.extra', 3, { target: 2 }],
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(1)).toEqual([
      '  a.cost                         1.20x  ceiling <= 1.5   target <= 1    ok',
      '  b.throughput                   0.90x  floor >= 0.53  target >= 0.8  ok',
      '  c.extra                        3.00x  (no ceiling)',
      'bench ceilings: all within',
      '',
    ]);
  });

  it('a cost past its ceiling or a throughput below its floor: exit 1, REGRESSION', () => {
    const result = check([
      ['a.cost', 1.51, { target: 1 }],
      ['b.throughput', 0.52, { target: 0.8, better: 'higher' }],
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  a.cost                         1.51x  ceiling <= 1.5   target <= 1    REGRESSION\n');
    expect(result.stdout).toContain('  b.throughput                   0.52x  floor >= 0.53  target >= 0.8  REGRESSION\n');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('bench ceilings: 2 past the ceiling or missing');
  });

  it('a ratio no bench reported is missing: exit 1', () => {
    const result = check([['a.cost', 1, { target: 1 }]]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  b.throughput                 MISSING: no bench reported it\n');
  });

  it('--partial (only some benches ran): a missing ratio is not run, not a failure; --json-out lists what is past', () => {
    const results = join(scratch, 'partial.json');
    writeFileSync(results, JSON.stringify({ ratios: { 'a.cost': { ratio: 1.6, target: 1, better: 'lower' } } }));
    const out = join(scratch, 'past.json');
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/check-bench-ceilings.mjs'), '--partial', '--json-out', out, results, ceilings], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('bench ceilings: 1 past the ceiling or missing (1 not run)');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ past: ['a.cost'] });
  });

  it('a file that is not bench results: one wasm-otel line, exit 2', () => {
    const results = join(scratch, 'other.json');
    writeFileSync(results, '{"x": 1}');
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/check-bench-ceilings.mjs'), results, ceilings], { encoding: 'utf8' });
    expect([run.status, run.stderr]).toEqual([2, `wasm-otel: ${results} is not a bench results file (no "ratios" of numbers: written by just bench --json)\n`]);
  });

  it('an unreadable results file: one wasm-otel line, exit 2', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/check-bench-ceilings.mjs'), join(scratch, 'nope.json'), ceilings], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`wasm-otel: cannot read the bench results ${join(scratch, 'nope.json')}: ENOENT: no such file or directory, open '${join(scratch, 'nope.json')}'\n`);
  });
});
