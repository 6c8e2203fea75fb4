import { expect } from 'vitest';
import { checkScenario, type ExpectationResult } from '../../src/conformance/check.js';
import { loadScenarioFile, type Scenario } from '../../src/conformance/scenario.js';
import { OtlpSpanKind, OtlpStatusCode, type OtlpSpan } from './otlp-receiver.js';
import { component as componentPath } from './paths.js';
import { byName } from './span-tree.js';
import type { OtlpLog, OtlpMetric } from './otlp-signals.js';

/** Span ids the scenarios guest gives, per fresh instance: #n = 'a' + n in 15 hex digits. */
export const guestId = (n: number): string => `a${n.toString(16).padStart(15, '0')}`;

export const SCENARIOS_SCOPE = { name: 'wasm-otel-scenarios', version: '1.0.0', attributes: {} };
export const HOST_SCOPE_NAME = 'wasm-otel';
export const ALL_SCENARIOS = [
  'nested-spans',
  'attributes',
  'events',
  'links',
  'span-kinds',
  'statuses',
  'new-root',
  'never-ended',
  'outlives-parent',
  'trace-state',
] as const;

/** How many spans each scenario exports, host span included. */
export const SPAN_COUNT: Record<string, number> = {
  'nested-spans': 4,
  attributes: 2,
  events: 2,
  links: 2,
  'span-kinds': 6,
  statuses: 4,
  'new-root': 2,
  'never-ended': 2,
  'outlives-parent': 3,
  'trace-state': 2,
  trap: 3,
  'metrics-and-logs': 2,
  run: 5,
};

/** The host span of a call into `component`: internal, root, the host's scope. */
export function hostSpanOf(spans: OtlpSpan[], component: string): OtlpSpan {
  const host = byName(spans, component);
  expect(host.kind).toBe(OtlpSpanKind.INTERNAL);
  expect(host.parentSpanId).toBe('');
  expect(host.scope.name).toBe(HOST_SCOPE_NAME);
  expect(host.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(host.spanId).toMatch(/^[0-9a-f]{16}$/);
  return host;
}

/** The scenario file `id` of components/expectations/ (`run` for wasi:cli/run). */
export function scenarioFile(id: string): Scenario {
  return loadScenarioFile(componentPath(`expectations/${id}.json`));
}

/** The results that are not `pass`, one line each: our host passes every expectation of the files. */
function notPassed(results: ExpectationResult[]): string[] {
  return results.filter((r) => r.outcome !== 'pass').map((r) => `${r.outcome} ${r.expectation}: ${r.detail}`);
}

/**
 * Asserts exactly what one scenario exported (spans of that call only): the guest's spans by the
 * scenario's file (components/expectations/<name>.json, through the conformance checker), and in
 * code what the file leaves to the host: one host span, its shape and status, attribute order.
 */
export function expectScenario(name: string, spans: OtlpSpan[], component = 'scenarios.wasm'): void {
  expect(spans).toHaveLength(SPAN_COUNT[name]!);
  const host = hostSpanOf(spans, component);
  const file = scenarioFile(name);
  expect(notPassed(checkScenario({ ...file, logs: [], metrics: [] }, { spans, logs: [], metrics: [] })), `${name}: expectations`).toEqual([]);
  if (name === 'attributes') expect(Object.keys(byName(spans, 'attributes').attributes)[0]).toBe('k'); // where the key was first set
  if (name === 'trap') {
    for (const span of spans.filter((s) => s !== host)) expect(span.status.message).toMatch(/^span still open when the guest trapped: .*unreachable/);
    expect(host.status.code).toBe(OtlpStatusCode.ERROR);
    expect(host.status.message).toMatch(/^guest trapped: .*unreachable/);
    expect(host.events.map((e) => e.name)).toEqual(['exception']);
  } else {
    expect(host.status).toEqual({ code: OtlpStatusCode.OK, message: '' });
  }
  for (const span of spans) if (name !== 'new-root') expect(span.traceId).toBe(host.traceId);
}

/**
 * The log and metrics expectations of the `metrics-and-logs` file (the same as `run`'s) against
 * what arrived, `checkout` being the span the log belongs to (`metrics` undefined: the log only).
 */
function telemetryResults(logs: OtlpLog[], metrics: OtlpMetric[] | undefined, checkout: OtlpSpan): string[] {
  const file = scenarioFile('metrics-and-logs');
  // checkout is #1 in metrics-and-logs, #4 in run: the span given is the one.
  const spans = file.spans.filter((s) => s.name === 'checkout').map((s) => ({ ...s, spanId: checkout.spanId }));
  const scenario = { ...file, spans, ...(metrics === undefined ? { metrics: [] } : {}) };
  const results = checkScenario(scenario, { spans: [checkout], logs, metrics: metrics ?? [] });
  return notPassed(results.filter((r) => /^metrics-and-logs: (log |metric |no other (logs|metrics))/.test(r.expectation)));
}

/** Exactly the log record and metrics `metrics-and-logs` sends; the log belongs to `checkout`. */
export function expectScenarioTelemetry(logs: OtlpLog[], metrics: OtlpMetric[], checkout: OtlpSpan): void {
  expect(telemetryResults(logs, metrics, checkout)).toEqual([]);
}

/** Exactly the log record `metrics-and-logs` sends, belonging to `checkout`. */
export function expectScenarioLog(logs: OtlpLog[], checkout: OtlpSpan): void {
  expect(telemetryResults(logs, undefined, checkout)).toEqual([]);
}
