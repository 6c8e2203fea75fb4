/**
 * The conformance report as text: a table with one row per expectation (result, scenario,
 * expectation, detail), then one row per scenario (its counts) and the summary line; or as JSON
 * (`--json`), 64-bit values as strings.
 */
import type { ConformanceReport, ConformanceSummary, ReportRow } from './run-conformance.js';

const LABEL: Record<ReportRow['outcome'], string> = { pass: 'PASS', fail: 'FAIL', info: 'INFO', skip: 'SKIP' };
const COLOUR: Record<ReportRow['outcome'], string> = { pass: '\x1b[32m', fail: '\x1b[31m', info: '\x1b[36m', skip: '\x1b[33m' };
/** Longest expectation and detail cells of the table (the JSON report has them whole). */
const MAX_EXPECTATION = 72;
const MAX_DETAIL = 160;

/** `N expectations: N passed, N failed, N info, N skipped (N scenarios)` */
export function summaryLine(summary: ConformanceSummary): string {
  return `${summary.expectations} expectations: ${summary.passed} passed, ${summary.failed} failed, ${summary.info} info, ${summary.skipped} skipped (${summary.scenarios} scenarios)`;
}

/** The table and the summary line; `colour` for a terminal. */
export function formatReportTable(report: ConformanceReport, colour: boolean): string {
  const rows = report.results.map((r) => ({
    outcome: r.outcome,
    scenario: r.scenario,
    expectation: cut(r.expectation.startsWith(`${r.scenario}: `) ? r.expectation.slice(r.scenario.length + 2) : r.expectation, MAX_EXPECTATION),
    detail: cut(r.detail.replace(/\s+/g, ' '), MAX_DETAIL),
  }));
  const scenarioWidth = Math.max('SCENARIO'.length, ...rows.map((r) => r.scenario.length));
  const expectationWidth = Math.max('EXPECTATION'.length, ...rows.map((r) => r.expectation.length));
  const line = (result: string, scenario: string, expectation: string, detail: string): string =>
    `${result}  ${scenario.padEnd(scenarioWidth)}  ${expectation.padEnd(expectationWidth)}  ${detail}`.trimEnd();
  const out = [line('RESULT', 'SCENARIO', 'EXPECTATION', 'DETAIL')];
  for (const r of rows) {
    const label = LABEL[r.outcome].padEnd('RESULT'.length);
    out.push(line(colour ? `${COLOUR[r.outcome]}${label}\x1b[0m` : label, r.scenario, r.expectation, r.detail));
  }
  out.push('', ...scenarioCounts(report, scenarioWidth), '', `host: ${report.host}`, summaryLine(report.summary));
  return `${out.join('\n')}\n`;
}

/** The report as JSON (bigints as decimal strings). */
export function formatReportJson(report: ConformanceReport): string {
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`;
}

/** One line per scenario: its passed, failed, info and skipped counts. */
function scenarioCounts(report: ConformanceReport, width: number): string[] {
  const lines = [`${'SCENARIO'.padEnd(width)}  PASS  FAIL  INFO  SKIP`];
  for (const { id } of report.scenarios) {
    const rows = report.results.filter((r) => r.scenario === id);
    const count = (outcome: ReportRow['outcome']): string => String(rows.filter((r) => r.outcome === outcome).length).padStart(4);
    lines.push(`${id.padEnd(width)}  ${count('pass')}  ${count('fail')}  ${count('info')}  ${count('skip')}`);
  }
  return lines;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
