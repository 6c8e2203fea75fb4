/**
 * `wasm-otel conformance`, run as users run it (bin/wasm-otel.js over dist/): our own host passes
 * every expectation of every scenario file; a deliberately broken host (support/broken-host.mjs,
 * the real library with its exports damaged) fails exactly the expectations it breaks, hosts that
 * never run the guest (exit 0, exit 1) fail every scenario but the few in which nothing must
 * arrive and the call ends as they end it, and one that posts an export that is not OTLP fails
 * the collector's expectation, so the runner cannot pass vacuously; bad host commands and flags
 * get one line each.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../src/conformance/run-conformance.js';
import { loadScenarios } from '../src/conformance/scenario.js';
import { runCli, startCli } from './support/cli.js';
import { ROOT } from './support/paths.js';
import { UNCHECKED_EXPECTATIONS } from './support/unchecked-fields.js';

const SCENARIO_FILES = readdirSync(join(ROOT, 'components', 'expectations')).filter((n) => n.endsWith('.json') && n !== 'schema.json');
const SCENARIOS = loadScenarios();
const BROKEN_HOST = join(ROOT, 'test', 'support', 'broken-host.mjs');
const broken = (mode: string): string => `node ${BROKEN_HOST} ${mode} --invoke {invoke} {component}`;

const report = (stdout: string): ConformanceReport => JSON.parse(stdout) as ConformanceReport;
const failing = (r: ConformanceReport): string[] => r.results.filter((x) => x.outcome === 'fail').map((x) => x.expectation);
/** Scenario ids with no failed expectation. */
const withoutFailure = (r: ConformanceReport): string[] => r.scenarios.map((s) => s.id).filter((id) => !r.results.some((x) => x.scenario === id && x.outcome === 'fail'));
const hostRunsRow = (r: ConformanceReport, id: string) => r.results.find((x) => x.expectation === `${id}: the host runs the guest`)!;
/**
 * The scenarios in which nothing must arrive (every span, log and metric host-specific as a
 * whole: spans the guest never ended, or invalid data), by how their call ends.
 */
const nothingRequired = (callEnds: 'returns' | 'fails'): string[] =>
  SCENARIOS.filter((s) => [...s.spans, ...(s.logs ?? []), ...(s.metrics ?? [])].every((x) => x.hostSpecific !== undefined))
    .filter((s) => ((s.callEnds ?? 'returns') === 'returns') === (callEnds === 'returns'))
    .map((s) => s.id);

describe('wasm-otel conformance on our own host', () => {
  it('every expectation of every scenario file passes (exit 0); --json is the whole report', { timeout: 600_000 }, async () => {
    const result = await runCli(['conformance', '--jobs', '2', '--json']);
    expect(result.stderr).toBe('');
    const r = report(result.stdout);
    expect(failing(r)).toEqual([]);
    expect(result.code).toBe(0);
    expect(r.summary).toEqual({ expectations: 2187, passed: 2182, failed: 0, info: 5, skipped: 0, scenarios: SCENARIO_FILES.length });
    expect(r.results.length).toBe(r.summary.expectations);
    // The only info results: the fields the files leave unchecked (as for the library, expectations.test.ts).
    expect(r.results.filter((x) => x.outcome === 'info').map((x) => x.expectation).sort()).toEqual([...UNCHECKED_EXPECTATIONS].sort());
    // Every scenario file ran, in id order, and each expected span was looked for.
    expect(r.scenarios.map((s) => s.id)).toEqual([...SCENARIO_FILES].sort().map((n) => n.replace(/\.json$/, '')));
    for (const scenario of SCENARIOS) {
      const rows = r.results.filter((x) => x.scenario === scenario.id);
      expect(rows[0], scenario.id).toEqual({ scenario: scenario.id, expectation: `${scenario.id}: the host runs the guest`, outcome: 'pass', detail: expect.stringMatching((scenario.callEnds ?? 'returns') === 'returns' ? /^host exited 0(: |$)/ : /^host exited 1(: |$)/) });
      expect(rows[1], scenario.id).toEqual({ scenario: scenario.id, expectation: `${scenario.id}: the collector accepted every export`, outcome: 'pass', detail: expect.stringMatching(/^[1-9]\d* requests?, none refused$/) });
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

describe('wasm-otel conformance on hosts that never run the guest: the runner cannot pass vacuously', () => {
  // Both take every placeholder (so no scenario is skipped) and do nothing else.
  it('a host that exits 0: every scenario fails but those where nothing must arrive and the call returns (exit 1)', { timeout: 240_000 }, async () => {
    const result = await runCli(['conformance', '--host', 'true {component} {invoke} {args} {env}', '--jobs', '2', '--json']);
    expect(result.code).toBe(1);
    const r = report(result.stdout);
    expect(r.scenarios.map((s) => s.id)).toEqual(SCENARIOS.map((s) => s.id));
    expect(withoutFailure(r)).toEqual(nothingRequired('returns'));
    expect(withoutFailure(r)).toEqual(['forwarder-draft-2025-03-start', 'forwarder-draft-2025-11-start', 'forwarder-draft-2025-12-start', 'forwarder-main-start', 'forwarder-rc.1-start', 'forwarder-rc.2-start', 'never-ended', 'observe-forwarder-bad-utf8']);
    for (const s of SCENARIOS.filter((x) => (x.callEnds ?? 'returns') !== 'returns')) {
      const wanted = s.callEnds === 'traps' ? 'a non-zero exit code (the call traps)' : 'a non-zero exit code (the guest calls wasi:cli/exit with err)';
      expect(hostRunsRow(r, s.id), s.id).toMatchObject({ outcome: 'fail', detail: `expected ${wanted}, got: host exited 0` });
    }
    // Where a span, log record or metric must arrive, its "arrives" fails.
    for (const id of SCENARIOS.map((s) => s.id).filter((id) => !nothingRequired('returns').includes(id) && !nothingRequired('fails').includes(id))) {
      expect(r.results.some((x) => x.scenario === id && x.outcome === 'fail' && / arrives$/.test(x.expectation)), id).toBe(true);
    }
  });

  it('a host that exits 1: every scenario fails but those where nothing must arrive and the call fails (exit 1)', { timeout: 240_000 }, async () => {
    const result = await runCli(['conformance', '--host', 'exit 1; : {component} {invoke} {args} {env}', '--jobs', '2', '--json']);
    expect(result.code).toBe(1);
    const r = report(result.stdout);
    expect(withoutFailure(r)).toEqual(nothingRequired('fails'));
    expect(withoutFailure(r)).toEqual(['exit-with-error', 'observe-trap', 'trap']);
    for (const s of SCENARIOS.filter((x) => (x.callEnds ?? 'returns') === 'returns')) {
      expect(hostRunsRow(r, s.id), s.id).toMatchObject({ outcome: 'fail', detail: 'expected exit 0 (the call returns), got: host exited 1' });
    }
    // Each scenario in which nothing must arrive says so, and that the exit is what a host must get right.
    for (const s of SCENARIOS.filter((x) => [...nothingRequired('returns'), ...nothingRequired('fails')].includes(x.id))) {
      expect(s.description, s.id).toContain('so what a host must do here is');
      expect(s.description, s.id).toContain(`${(s.callEnds ?? 'returns') === 'returns' ? 'exit 0' : 'a non-zero exit code'} (the runner's "the host runs the guest")`);
    }
  });

  it('a host that posts an export that is not OTLP: exactly "the collector accepted every export" fails (exit 1)', async () => {
    const garbage = `node -e 'fetch(process.argv[1] + "/v1/traces", { method: "POST", headers: { "content-type": "application/json" }, body: "{not otlp" }).then((r) => process.exit(r.status === 400 ? 0 : 3))' {endpoint}`;
    const result = await runCli(['conformance', '--host', `node ${join(ROOT, 'bin', 'wasm-otel.js')} run --invoke {invoke} {component} && ${garbage}`, '--scenario', 'nested-spans', '--json']);
    expect(result.code).toBe(1);
    const r = report(result.stdout);
    expect(failing(r)).toEqual(['nested-spans: the collector accepted every export']);
    expect(r.results.find((x) => x.outcome === 'fail')!.detail).toMatch(/^1 of 2 requests refused, the first: 400 \/v1\/traces: .+$/);
    expect(r.scenarios[0]!.rejected).toHaveLength(1);
    expect(hostRunsRow(r, 'nested-spans')).toMatchObject({ outcome: 'pass', detail: 'host exited 0' });
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

  it('a run in which every scenario was skipped checked nothing: one line, exit 1', async () => {
    const result = await runCli(['conformance', '--host', 'no-such-wasm-host {component}', '--scenario', 'trap']);
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('7 expectations: 0 passed, 0 failed, 0 info, 7 skipped (1 scenarios)');
    expect(result.stderr).toBe('wasm-otel: nothing was checked: every selected scenario was skipped (see the SKIP rows for the placeholder the host command lacks)\n');
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
      [['conformance', '--scenario', 'a'.repeat(70_000)], { code: 2, stdout: '', stderr: `wasm-otel: --scenario "${'a'.repeat(119)}...(70,003 chars) not a usable glob (Input length: 70000, exceeds maximum allowed length: 65536)\n` }],
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
