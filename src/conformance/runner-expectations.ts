/**
 * The runner's own expectations, checked for every scenario before the checker's: how the host
 * process ended against the scenario's `callEnds` (`<id>: the host runs the guest`), and whether
 * the collector took every export (`<id>: the collector accepted every export`). The first is
 * what keeps a host that never ran the guest from passing a scenario whose telemetry is all
 * host-specific (a span the guest never ended may be dropped): it still has to end the call the
 * way the guest does.
 */
import { describeExit, hostDidNotRun, type HostExit } from './host-process.js';
import type { Scenario } from './scenario.js';

/** A result of the runner's own (the same shape as the checker's). */
export interface RunnerResult {
  scenario: string;
  expectation: string;
  outcome: 'pass' | 'fail';
  detail: string;
}

/** How the call must end, in words, for a failure's detail. */
const WANTED: Record<NonNullable<Scenario['callEnds']>, string> = {
  returns: 'exit 0 (the call returns)',
  traps: 'a non-zero exit code (the call traps)',
  'exits-with-error': 'a non-zero exit code (the guest calls wasi:cli/exit with err)',
};

export const hostRunsExpectation = (scenario: Scenario): string => `${scenario.id}: the host runs the guest`;
export const collectorAcceptedExpectation = (scenario: Scenario): string => `${scenario.id}: the collector accepted every export`;

/**
 * The host's exit against `callEnds`: `returns` wants exit 0, `traps` and `exits-with-error` a
 * non-zero exit code (its value is the host's: wasmtime exits 134 after a trap, wasm-otel 1).
 * A command that could not run (`/bin/sh` exit 127 or 126 with nothing received), a timeout and
 * a signal always fail.
 */
export function hostRunsResult(scenario: Scenario, exit: HostExit, receivedNothing: boolean, timeoutMs: number): RunnerResult {
  const how = describeExit(exit, timeoutMs);
  const callEnds = scenario.callEnds ?? 'returns';
  const code = exit.exitCode;
  const ended = !(receivedNothing && hostDidNotRun(exit)) && !exit.timedOut && code !== undefined;
  const ok = ended && (callEnds === 'returns' ? code === 0 : code !== 0);
  return { scenario: scenario.id, expectation: hostRunsExpectation(scenario), outcome: ok ? 'pass' : 'fail', detail: ok || !ended ? how : `expected ${WANTED[callEnds]}, got: ${how}` };
}

/** Fails when the collector refused any request (an export the host sent that is not valid OTLP). */
export function collectorAcceptedResult(scenario: Scenario, accepted: number, rejected: readonly string[]): RunnerResult {
  const expectation = collectorAcceptedExpectation(scenario);
  if (rejected.length === 0) return { scenario: scenario.id, expectation, outcome: 'pass', detail: `${accepted} ${accepted === 1 ? 'request' : 'requests'}, none refused` };
  return { scenario: scenario.id, expectation, outcome: 'fail', detail: `${rejected.length} of ${accepted + rejected.length} requests refused, the first: ${rejected[0]}` };
}
