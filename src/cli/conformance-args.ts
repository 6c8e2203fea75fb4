/**
 * `wasm-otel conformance [--host "<template>"] [--scenario <glob>]... [--components <dir>]
 * [--timeout <s>] [--jobs <n>] [--json]`: its options, read from node:util parseArgs's values
 * (the option table is args.ts's, shared by every command).
 */
import { templateProblem, type HostCommand } from '../conformance/host-command.js';

/** What `conformance` was asked to do. */
export interface ConformanceCommand {
  kind: 'conformance';
  host: HostCommand;
  /** `--scenario GLOB` (repeatable): scenario ids to run; empty: all. */
  scenarios: string[];
  /** `--components DIR`: the guests and their expectations/; undefined: the package's components/. */
  componentsDir: string | undefined;
  /** `--timeout S` in milliseconds: longest one scenario's host may run (default 60 s). */
  timeoutMs: number;
  /** `--jobs N`: scenarios run at once (default 1). */
  jobs: number;
  /** `--json`: the JSON report on stdout instead of the table. */
  json: boolean;
}

/** The options only `conformance` takes (parseArgs table entries are in args.ts). */
export const CONFORMANCE_OPTIONS = ['host', 'scenario', 'components', 'timeout', 'jobs', 'json'] as const;

export const DEFAULT_SCENARIO_TIMEOUT_MS = 60_000;

type Values = Record<string, string | boolean | string[] | undefined>;

/** `conformance`'s command from the parsed values, or a usage error's message. */
export function conformanceCommand(positionals: string[], guestArgs: string[], values: Values): ConformanceCommand | { kind: 'usage-error'; message: string } {
  const usage = (message: string): { kind: 'usage-error'; message: string } => ({ kind: 'usage-error', message });
  const extra = positionals[0] ?? guestArgs[0];
  if (extra !== undefined) return usage(`unexpected argument "${extra}" (conformance takes no file: choose scenarios with --scenario)`);
  const foreign = Object.keys(values).find((name) => values[name] !== undefined && !(CONFORMANCE_OPTIONS as readonly string[]).includes(name));
  if (foreign !== undefined) return usage(`--${foreign} is not an option of conformance (it takes ${CONFORMANCE_OPTIONS.map((o) => `--${o}`).join(', ')})`);
  const once = (name: 'host' | 'components' | 'timeout' | 'jobs'): string | undefined | { message: string } => {
    const given = values[name] as string[] | undefined;
    if ((given?.length ?? 0) > 1) return { message: `--${name} given ${given!.length} times (once per run)` };
    return given?.[0];
  };
  const [template, components, timeout, jobs] = [once('host'), once('components'), once('timeout'), once('jobs')];
  for (const v of [template, components, timeout, jobs]) if (typeof v === 'object') return usage(v.message);
  let host: HostCommand = { kind: 'wasm-otel' };
  if (typeof template === 'string') {
    const problem = templateProblem(template);
    if (problem !== undefined) return usage(problem);
    host = { kind: 'template', template };
  }
  if (typeof components === 'string' && components.trim() === '') return usage('--components needs a directory');
  let timeoutMs = DEFAULT_SCENARIO_TIMEOUT_MS;
  if (typeof timeout === 'string') {
    const seconds = Number(timeout);
    if (!/^\d+(\.\d+)?$/.test(timeout) || seconds <= 0 || seconds > 3600) return usage(`--timeout ${JSON.stringify(timeout)}: expected a number of seconds above 0, at most 3600`);
    timeoutMs = Math.round(seconds * 1000);
  }
  let jobCount = 1;
  if (typeof jobs === 'string') {
    jobCount = Number(jobs);
    if (!/^\d+$/.test(jobs) || jobCount < 1 || jobCount > 16) return usage(`--jobs ${JSON.stringify(jobs)}: expected a whole number from 1 to 16`);
  }
  const scenarios = (values.scenario as string[] | undefined) ?? [];
  if (scenarios.some((glob) => glob.trim() === '')) return usage("--scenario needs a scenario id or glob (e.g. 'nested-*')");
  return { kind: 'conformance', host, scenarios, componentsDir: typeof components === 'string' ? components : undefined, timeoutMs, jobs: jobCount, json: values.json === true };
}
