/**
 * `wasm-otel conformance`, run as users run it (bin/wasm-otel.js over dist/): our own host passes
 * every expectation of every scenario file; a deliberately broken host (support/broken-host.mjs,
 * the real library with its exports damaged) fails exactly the expectations it breaks, so the
 * runner cannot pass vacuously; bad host commands and flags get one line each.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../src/conformance/run-conformance.js';
import { loadScenarios } from '../src/conformance/scenario.js';
import { runCli, startCli } from './support/cli.js';
import { ROOT } from './support/paths.js';

const SCENARIO_FILES = readdirSync(join(ROOT, 'components', 'expectations')).filter((n) => n.endsWith('.json') && n !== 'schema.json');
const SCENARIOS = loadScenarios();
const BROKEN_HOST = join(ROOT, 'test', 'support', 'broken-host.mjs');
const broken = (mode: string): string => `node ${BROKEN_HOST} ${mode} --invoke {invoke} {component}`;

const report = (stdout: string): ConformanceReport => JSON.parse(stdout) as ConformanceReport;
const failing = (r: ConformanceReport): string[] => r.results.filter((x) => x.outcome === 'fail').map((x) => x.expectation);

describe('wasm-otel conformance on our own host', () => {
  it('every expectation of every scenario file passes (exit 0); --json is the whole report', { timeout: 600_000 }, async () => {
    const result = await runCli(['conformance', '--jobs', '2', '--json']);
    expect(result.stderr).toBe('');
    const r = report(result.stdout);
    expect(failing(r)).toEqual([]);
    expect(result.code).toBe(0);
    expect(r.summary).toEqual({ expectations: r.results.length, passed: r.results.filter((x) => x.outcome === 'pass').length, failed: 0, info: r.results.filter((x) => x.outcome === 'info').length, skipped: 0, scenarios: SCENARIO_FILES.length });
    expect(r.summary.passed + r.summary.info).toBe(r.summary.expectations);
    // Every scenario file ran, in id order, and each expected span was looked for.
    expect(r.scenarios.map((s) => s.id)).toEqual([...SCENARIO_FILES].sort().map((n) => n.replace(/\.json$/, '')));
    for (const scenario of SCENARIOS) {
      const rows = r.results.filter((x) => x.scenario === scenario.id);
      expect(rows[0], scenario.id).toEqual({ scenario: scenario.id, expectation: `${scenario.id}: the host runs the guest`, outcome: 'pass', detail: expect.stringMatching(/^host exited \d+/) });
      expect(rows.filter((x) => / arrives$/.test(x.expectation) && x.expectation.startsWith(`${scenario.id}: span `)).length, scenario.id).toBe(scenario.spans.length);
      expect(rows.every((x) => x.expectation.startsWith(`${scenario.id}: `))).toBe(true);
    }
    expect(r.scenarios.every((s) => s.exit?.exitCode !== undefined && s.rejected.length === 0 && s.skipped === undefined)).toBe(true);
    expect(r.host).toBe('wasm-otel run [--invoke {invoke}] {component} (this package)');
    expect(r.components).toBe(join(ROOT, 'components'));
  });

  it('the table: a header, one row per expectation, the host and the summary line; --scenario picks scenarios by glob', async () => {
    const table = await runCli(['conformance', '--scenario', 'nested-*']);
    const json = report((await runCli(['conformance', '--scenario', 'nested-spans', '--json'])).stdout);
    expect(table.code).toBe(0);
    expect(table.stderr).toBe('');
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RESULT {2}SCENARIO {6}EXPECTATION +DETAIL$/);
    const rows = lines.slice(1, -6);
    expect(rows.map((line) => /^(PASS|INFO) {2,}nested-spans {2}(.+?) {2,}/.exec(line)?.slice(1, 3))).toEqual(json.results.map((x) => [x.outcome.toUpperCase(), x.expectation.replace('nested-spans: ', '')]));
    expect(rows).toContain(rows.find((line) => /^PASS +nested-spans {2}span "middle" parent is "outer" +span "outer"$/.test(line)));
    expect(lines.slice(-6)).toEqual([
      '',
      'SCENARIO      PASS  FAIL  INFO  SKIP',
      `nested-spans  ${String(json.summary.passed).padStart(4)}     0  ${String(json.summary.info).padStart(4)}     0`,
      '',
      'host: wasm-otel run [--invoke {invoke}] {component} (this package)',
      `${json.summary.expectations} expectations: ${json.summary.passed} passed, 0 failed, ${json.summary.info} info, 0 skipped (1 scenarios)`,
    ]);
  });
});

describe('wasm-otel conformance on a broken host fails the right expectations', () => {
  it('drop-events: exactly the expectations about events that were sent fail (exit 1)', async () => {
    const result = await runCli(['conformance', '--host', broken('drop-events'), '--scenario', 'nested-spans', '--scenario', 'events', '--json']);
    expect(result.code).toBe(1);
    const r = report(result.stdout);
    expect(failing(r)).toEqual(['events: span "events" events are ["first", "second", "third"]', 'nested-spans: span "inner" events are ["work-done"]']);
    expect(r.results.filter((x) => x.outcome === 'fail').every((x) => / \(host exited 0\)$/.test(x.detail))).toBe(true);
    // What mentions events and still passes says there are none (spans that sent none).
    const aboutEvents = r.results.map((x) => ({ ...x, what: x.expectation.slice(x.scenario.length + 2).replace(/^span "[^"]+" /, '') })).filter((x) => /^event/.test(x.what));
    expect(aboutEvents.filter((x) => x.outcome === 'fail').length).toBe(2);
    expect(aboutEvents.filter((x) => x.outcome !== 'fail').map((x) => x.what)).toEqual(aboutEvents.filter((x) => x.outcome !== 'fail').map(() => 'events are []'));
  });

  it('reparent: exactly the parent expectations of spans nested in guest spans fail (exit 1)', async () => {
    const result = await runCli(['conformance', '--host', broken('reparent'), '--scenario', 'nested-spans', '--scenario', 'events', '--json']);
    expect(result.code).toBe(1);
    const r = report(result.stdout);
    expect(failing(r)).toEqual(['nested-spans: span "middle" parent is "outer"', 'nested-spans: span "inner" parent is "middle"']);
    expect(r.results.find((x) => x.expectation === 'nested-spans: span "inner" parent is "middle"')!.detail).toMatch(/^expected span "middle" \(a000000000000002\), got the host's span "scenarios.wasm" \(host exited 0\)$/);
  });

  it('drop-logs: exactly the log expectations fail (exit 1)', async () => {
    const result = await runCli(['conformance', '--host', broken('drop-logs'), '--scenario', 'metrics-and-logs', '--json']);
    expect(result.code).toBe(1);
    const r = report(result.stdout);
    expect(failing(r)).toEqual(['metrics-and-logs: log "order placed" arrives']);
    expect(r.scenarios[0]!.received.logs).toBe(0);
  });
});

describe('wasm-otel conformance: host commands and flags', () => {
  it('a host command that does not exist: every scenario fails with its exit and stderr, one line each on stderr (exit 1)', { timeout: 240_000 }, async () => {
    const result = await runCli(['conformance', '--host', 'no-such-wasm-host run --invoke {invoke} {env} {component} {args}', '--jobs', '2', '--json']);
    expect(result.code).toBe(1);
    const r = report(result.stdout);
    expect(r.scenarios.map((s) => s.exit?.exitCode)).toEqual(SCENARIOS.map(() => 127));
    for (const scenario of SCENARIOS) {
      expect(r.results.filter((x) => x.scenario === scenario.id && x.outcome === 'fail').length, scenario.id).toBeGreaterThan(0);
    }
    const hostRuns = r.results.filter((x) => x.expectation.endsWith(': the host runs the guest'));
    expect(hostRuns.map((x) => [x.scenario, x.outcome, x.detail])).toEqual(SCENARIOS.map((s) => [s.id, 'fail', 'host exited 127: /bin/sh: 1: no-such-wasm-host: not found']));
    expect(r.results.filter((x) => x.outcome === 'fail' && !hostRuns.includes(x)).every((x) => x.detail.endsWith('(host exited 127: /bin/sh: 1: no-such-wasm-host: not found)'))).toBe(true);
    expect(result.stderr.split('\n').filter(Boolean).sort()).toEqual(SCENARIOS.map((s) => `wasm-otel: ${s.id}: host exited 127: /bin/sh: 1: no-such-wasm-host: not found`).sort());
  });

  it('a template without {invoke} skips the scenarios that call an export; the rest runs through /bin/sh', async () => {
    const result = await runCli(['conformance', '--host', `node ${join(ROOT, 'bin', 'wasm-otel.js')} run {component}`, '--scenario', 'nested-spans', '--scenario', 'run', '--json']);
    expect(result.code).toBe(0);
    const r = report(result.stdout);
    expect(r.scenarios.map((s) => [s.id, s.skipped])).toEqual([['nested-spans', 'skipped: the host command has no {invoke}'], ['run', undefined]]);
    expect(r.results.filter((x) => x.scenario === 'nested-spans').every((x) => x.outcome === 'skip' && x.detail === 'skipped: the host command has no {invoke}')).toBe(true);
    expect(r.results.filter((x) => x.scenario === 'run').every((x) => x.outcome === 'pass' || x.outcome === 'info')).toBe(true);
    expect(r.scenarios[1]!.command).toBe(`node ${join(ROOT, 'bin', 'wasm-otel.js')} run ${join(ROOT, 'components', 'scenarios.wasm')}`);
    expect(r.summary.skipped).toBe(r.results.filter((x) => x.scenario === 'nested-spans').length);
  });

  it('usage errors: one line, exit 2', async () => {
    const usage = (message: string) => ({ code: 2, stdout: '', stderr: `wasm-otel: ${message}\nRun "wasm-otel --help" for usage.\n` });
    const cases: [string[], unknown][] = [
      [['conformance', '--host', 'wasmtime run'], usage('--host "wasmtime run": the command has no {component} (placeholders: {component}, {endpoint}, {invoke}, {args}, {env})')],
      [['conformance', '--host', ' '], usage('--host needs a command line, e.g. --host "wasmtime run {component}"')],
      [['conformance', '--timeout', '0'], usage('--timeout "0": expected a number of seconds above 0, at most 3600')],
      [['conformance', '--jobs', 'many'], usage('--jobs "many": expected a whole number from 1 to 16')],
      [['conformance', '--host', 'a {component}', '--host', 'b {component}'], usage('--host given 2 times (once per run)')],
      [['conformance', 'scenarios.wasm'], usage('unexpected argument "scenarios.wasm" (conformance takes no file: choose scenarios with --scenario)')],
      [['conformance', '--invoke', 'x'], usage('--invoke is not an option of conformance (it takes --host, --scenario, --components, --timeout, --jobs, --json)')],
      [['run', 'x.wasm', '--json'], usage('--json is an option of conformance, not of run')],
      [['conformance', '--scenario', 'zz*'], { code: 2, stdout: '', stderr: `wasm-otel: --scenario "zz*": no scenario matches (scenarios: ${SCENARIOS.map((s) => s.id).join(', ')})\n` }],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    expect(results).toEqual(cases.map(([, expected]) => expected));
  });

  it('SIGINT stops the run and the host it is running (its process group): one line, exit 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-otel-conformance-'));
    try {
      const pidFile = join(dir, 'pid');
      // The host: a shell that says its pid, then waits far longer than the test.
      const { child, result } = startCli(['conformance', '--scenario', 'run', '--host', `sh -c 'echo $$ > ${pidFile}; exec sleep 600' {component}`]);
      while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') await new Promise((resolve) => setTimeout(resolve, 50));
      const host = Number(readFileSync(pidFile, 'utf8'));
      child.kill('SIGINT');
      expect(await result).toEqual({ code: 130, stdout: '', stderr: 'wasm-otel: SIGINT: conformance run stopped, no report\n' });
      // Killed with SIGKILL: gone once the orphan is reaped.
      const alive = (): boolean => {
        try {
          process.kill(host, 0);
          return readFileSync(`/proc/${host}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
        } catch {
          return false;
        }
      };
      while (alive()) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(alive()).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a components folder that does not exist: one line, exit 1', async () => {
    expect(await runCli(['conformance', '--components', '/no/such/dir'])).toEqual({ code: 1, stdout: '', stderr: 'wasm-otel: --components /no/such/dir: no such directory\n' });
  });
});
