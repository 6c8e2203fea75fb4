/**
 * The conformance checker: what a host exported for one scenario (decoded OTLP) against what the
 * scenario file expects, one {@link ExpectationResult} per expectation. Host-specific fields give
 * `info` when they differ, never `fail`; spans that are the host's own are not counted as extra.
 */
import { checkLogs } from './expect-logs.js';
import { checkMetrics } from './expect-metrics.js';
import { ResultList, type ExpectationResult } from './expect-results.js';
import { checkSpans } from './expect-spans.js';
import type { Received } from './received.js';
import type { Scenario } from './scenario.js';

export type { ExpectationResult } from './expect-results.js';

/** Every expectation of `scenario` against `received` (all of it: spans, logs and metrics). */
export function checkScenario(scenario: Scenario, received: Received): ExpectationResult[] {
  const results = new ResultList(scenario.id);
  const spans = checkSpans(scenario, received.spans, results);
  checkLogs(scenario, received.logs, spans, results);
  checkMetrics(scenario, received.metrics, results);
  return results.results;
}

/** The failed results, one line each (`<expectation>: <detail>`), for a report or an assertion message. */
export function failures(results: readonly ExpectationResult[]): string[] {
  return results.filter((r) => r.outcome === 'fail').map((r) => `${r.expectation}: ${r.detail}`);
}
