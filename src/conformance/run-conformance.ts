/**
 * The conformance runner: runs each scenario's guest on the host under test, with a fresh
 * collector as its OTLP endpoint, waits for the host to exit and its exports to stop, and checks
 * what arrived against the scenario's expectations (check.ts).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import { checkScenario } from './check.js';
import { startCollector } from './collector.js';
import type { ExpectationResult } from './expect-results.js';
import { describeHost, hostInvocation, type HostCommand } from './host-command.js';
import { describeExit, hostDidNotRun, runHostProcess, type HostExit } from './host-process.js';
import type { Received } from './received.js';
import { collectorAcceptedExpectation, collectorAcceptedResult, hostRunsExpectation, hostRunsResult } from './runner-expectations.js';
import { ConformanceError, loadScenarios, type Scenario } from './scenario.js';

/** A result row of the report: the checker's outcomes, and `skip` for a scenario the host cannot run. */
export interface ReportRow extends Omit<ExpectationResult, 'outcome'> {
  outcome: ExpectationResult['outcome'] | 'skip';
}

/** How one scenario went. */
export interface ScenarioRun {
  id: string;
  component: string;
  invoke: string | undefined;
  /** The command line that ran (undefined when skipped). */
  command: string | undefined;
  /** How the host process ended (undefined when skipped or the guest file is missing). */
  exit: HostExit | undefined;
  /** Spans, log records and metrics received. */
  received: { spans: number; logs: number; metrics: number };
  /** Requests the collector refused (`<status> <path>: <reason>`). */
  rejected: string[];
  skipped: string | undefined;
}

export interface ConformanceSummary {
  expectations: number;
  passed: number;
  failed: number;
  info: number;
  skipped: number;
  scenarios: number;
}

export interface ConformanceReport {
  host: string;
  components: string;
  scenarios: ScenarioRun[];
  results: ReportRow[];
  summary: ConformanceSummary;
}

export interface ConformanceOptions {
  host: HostCommand;
  /** Where the guests are, with the scenario files in its expectations/ folder. */
  componentsDir: string;
  /** Scenario id globs (picomatch); empty: every scenario. */
  scenarioGlobs: string[];
  /** Longest a host may run one scenario. */
  timeoutMs: number;
  /** Scenarios run at once (each with its own collector). */
  jobs: number;
  /** After the host exits, how long without OTLP arriving before the scenario is checked. */
  quietMs?: number;
  /** Called with a line about a host that could not run at all (the CLI prints it on stderr). */
  onHostProblem?: (line: string) => void;
}

/** The shipped guests (with their scenario files in expectations/). */
export const DEFAULT_COMPONENTS_DIR = fileURLToPath(new URL('../../components/', import.meta.url));

const DEFAULT_QUIET_MS = 300;
/** How long the quiet period may stretch while OTLP keeps arriving after the host exited. */
const MAX_SETTLE_MS = 10_000;
const NOTHING: Received = { spans: [], logs: [], metrics: [] };

/** A `--scenario` glob that selects no scenario (a usage error: exit 2). */
export class ScenarioSelectionError extends ConformanceError {}

/** The scenarios `globs` select (all for none); a glob that selects nothing is a ScenarioSelectionError. */
export function selectScenarios(scenarios: Scenario[], globs: string[]): Scenario[] {
  if (globs.length === 0) return scenarios;
  const matchers = globs.map((glob) => {
    try {
      return picomatch(glob);
    } catch (error) {
      // picomatch refuses patterns it cannot compile (longer than 65,536 characters, ...).
      throw new ScenarioSelectionError(`--scenario ${JSON.stringify(glob)}: not a usable glob (${error instanceof Error ? error.message : String(error)})`);
    }
  });
  matchers.forEach((match, i) => {
    if (!scenarios.some((s) => match(s.id))) throw new ScenarioSelectionError(`--scenario ${JSON.stringify(globs[i])}: no scenario matches (scenarios: ${scenarios.map((s) => s.id).join(', ')})`);
  });
  return scenarios.filter((s) => matchers.some((match) => match(s.id)));
}

/** Runs the selected scenarios on the host; throws ConformanceError for unusable scenario files or folders. */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const componentsDir = resolve(options.componentsDir);
  if (!existsSync(componentsDir)) throw new ConformanceError(`--components ${options.componentsDir}: no such directory`);
  const scenarios = selectScenarios(loadScenarios(join(componentsDir, 'expectations')), options.scenarioGlobs);
  const runs: { run: ScenarioRun; rows: ReportRow[] }[] = new Array(scenarios.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < scenarios.length) {
      const index = next++;
      runs[index] = await runScenario(scenarios[index]!, componentsDir, options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, scenarios.length)) }, worker));
  const results = runs.flatMap((r) => r.rows);
  return { host: describeHost(options.host), components: componentsDir, scenarios: runs.map((r) => r.run), results, summary: summarize(results, scenarios.length) };
}

/**
 * One scenario: the runner's own expectations (runner-expectations.ts: the host's exit against
 * the scenario's `callEnds`, and no export refused), then the checker's.
 */
async function runScenario(scenario: Scenario, componentsDir: string, options: ConformanceOptions): Promise<{ run: ScenarioRun; rows: ReportRow[] }> {
  const component = join(componentsDir, scenario.component);
  const run: ScenarioRun = { id: scenario.id, component: scenario.component, invoke: scenario.invoke, command: undefined, exit: undefined, received: { spans: 0, logs: 0, metrics: 0 }, rejected: [], skipped: undefined };
  const runnerRows = (outcome: ReportRow['outcome'], detail: string): ReportRow[] =>
    [hostRunsExpectation(scenario), collectorAcceptedExpectation(scenario)].map((expectation) => ({ scenario: scenario.id, expectation, outcome, detail }));
  if (!existsSync(component)) {
    const missing = `${component}: no such file`;
    return { run, rows: [...runnerRows('fail', missing), ...failAll(checked(scenario, NOTHING), missing)] };
  }
  const collector = await startCollector();
  try {
    const invocation = hostInvocation(options.host, scenario, component, collector.endpoint);
    if ('skip' in invocation) {
      run.skipped = invocation.skip;
      return { run, rows: [...runnerRows('skip', invocation.skip), ...checked(scenario, NOTHING).map((r): ReportRow => ({ ...r, outcome: 'skip', detail: invocation.skip }))] };
    }
    run.command = invocation.display;
    const exit = await runHostProcess(invocation.file, invocation.args, invocation.env, options.timeoutMs);
    run.exit = exit;
    await collector.settled(options.quietMs ?? DEFAULT_QUIET_MS, MAX_SETTLE_MS);
    const received = collector.received();
    run.received = { spans: received.spans.length, logs: received.logs.length, metrics: received.metrics.length };
    run.rejected = collector.rejected();
    const nothing = received.spans.length + received.logs.length + received.metrics.length === 0;
    const how = describeExit(exit, options.timeoutMs);
    if (nothing && hostDidNotRun(exit)) options.onHostProblem?.(`${scenario.id}: ${how}`);
    const why = [how, ...(run.rejected.length > 0 ? [`refused: ${run.rejected[0]}`] : [])].join('; ');
    const rows = checked(scenario, received).map((r): ReportRow => (r.outcome === 'fail' ? { ...r, detail: `${r.detail} (${why})` } : r));
    return { run, rows: [hostRunsResult(scenario, exit, nothing, options.timeoutMs), collectorAcceptedResult(scenario, collector.accepted(), run.rejected), ...rows] };
  } finally {
    await collector.close();
  }
}

/** The checker's results; a checker that throws is one failed row, not the end of the run. */
function checked(scenario: Scenario, received: Received): ExpectationResult[] {
  try {
    return checkScenario(scenario, received);
  } catch (error) {
    return [{ scenario: scenario.id, expectation: `${scenario.id}: the expectations can be checked`, outcome: 'fail', detail: `the checker failed: ${(error as Error).message.split('\n')[0]}` }];
  }
}

function failAll(results: ExpectationResult[], detail: string): ReportRow[] {
  return results.map((r) => ({ ...r, outcome: 'fail', detail }));
}

function summarize(results: ReportRow[], scenarios: number): ConformanceSummary {
  const count = (outcome: ReportRow['outcome']): number => results.filter((r) => r.outcome === outcome).length;
  return { expectations: results.length, passed: count('pass'), failed: count('fail'), info: count('info'), skipped: count('skip'), scenarios };
}
