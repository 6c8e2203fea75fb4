/**
 * The host under test: how one scenario's guest is run on it. By default our own CLI
 * (`wasm-otel run [--invoke <call>] <component>`, with the node that runs this); otherwise a
 * command line template given with `--host`, run through `/bin/sh -c` with each placeholder's
 * value shell-quoted, so that a template may use the shell (`env X=1 spin up ...`).
 *
 * Placeholders: {component} (the guest's absolute path; required), {endpoint} (the collector's
 * base URL, also exported as OTEL_EXPORTER_OTLP_ENDPOINT), {invoke} (the WAVE call; for a scenario
 * that calls wasi:cli/run it expands to nothing, and a `--invoke ` or `--invoke=` right before it
 * goes too), {args} (the guest's arguments), {env} (`--env NAME=value` per guest variable).
 */
import { fileURLToPath } from 'node:url';
import type { Scenario } from './scenario.js';

/** What `--host` was given: our own CLI, or a template. */
export type HostCommand = { kind: 'wasm-otel' } | { kind: 'template'; template: string };

/** A process to start for one scenario, or why the host cannot run it. */
export type HostInvocation = { file: string; args: string[]; env: NodeJS.ProcessEnv; display: string } | { skip: string };

const PLACEHOLDERS = ['component', 'endpoint', 'invoke', 'args', 'env'] as const;

/** This package's CLI entry (bin/wasm-otel.js). */
const OUR_CLI = fileURLToPath(new URL('../../bin/wasm-otel.js', import.meta.url));

/** Why a `--host` template cannot be used (it must name {component}), or undefined. */
export function templateProblem(template: string): string | undefined {
  if (template.trim() === '') return '--host needs a command line, e.g. --host "wasmtime run {component}"';
  if (!template.includes('{component}')) return `--host ${JSON.stringify(template)}: the command has no {component} (placeholders: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`;
  return undefined;
}

/** How the host command reads, for the report: the template, or our CLI's command line. */
export function describeHost(host: HostCommand): string {
  return host.kind === 'template' ? host.template : 'wasm-otel run [--invoke {invoke}] {component} (this package)';
}

/** A word as /bin/sh reads it literally. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The environment of a host process: ours without the variables that would send its telemetry
 * elsewhere or change what it exports (OTEL_*, TRACEPARENT, TRACESTATE, BAGGAGE), plus the
 * collector's endpoint over http/protobuf.
 */
export function hostEnvironment(endpoint: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (!/^OTEL_/.test(name) && !['TRACEPARENT', 'TRACESTATE', 'BAGGAGE'].includes(name)) env[name] = value;
  }
  env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
  env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/protobuf';
  return env;
}

/** How `host` runs `scenario`'s guest (at `component`) exporting to `endpoint`. */
export function hostInvocation(host: HostCommand, scenario: Scenario, component: string, endpoint: string): HostInvocation {
  const env = hostEnvironment(endpoint);
  const guestEnv = Object.entries(scenario.env ?? {}).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
  const guestArgs = scenario.args ?? [];
  if (host.kind === 'wasm-otel') {
    const args = [OUR_CLI, 'run', ...(scenario.invoke !== undefined ? ['--invoke', scenario.invoke] : []), ...guestEnv, component, ...(guestArgs.length > 0 ? ['--', ...guestArgs] : [])];
    return { file: process.execPath, args, env, display: ['wasm-otel', ...args.slice(1)].map(shellQuote).join(' ') };
  }
  const { template } = host;
  const missing = [
    scenario.invoke !== undefined && !template.includes('{invoke}') ? '{invoke}' : undefined,
    guestArgs.length > 0 && !template.includes('{args}') ? '{args}' : undefined,
    guestEnv.length > 0 && !template.includes('{env}') ? '{env}' : undefined,
  ].filter((p) => p !== undefined);
  if (missing.length > 0) return { skip: `skipped: the host command has no ${missing.join(' or ')}` };
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    component: shellQuote(component),
    endpoint: shellQuote(endpoint),
    invoke: scenario.invoke !== undefined ? shellQuote(scenario.invoke) : '',
    args: guestArgs.map(shellQuote).join(' '),
    env: guestEnv.map(shellQuote).join(' '),
  };
  let command = template;
  if (scenario.invoke === undefined) command = command.replace(/--invoke(?:=|\s+)\{invoke\}/g, '{invoke}');
  command = command.replace(/\{(component|endpoint|invoke|args|env)\}/g, (_, name: (typeof PLACEHOLDERS)[number]) => values[name]);
  return { file: '/bin/sh', args: ['-c', command], env, display: command };
}
