/**
 * `wasm-otel conformance`: runs the conformance scenarios on a host (ours by default) and prints
 * the per-expectation table, or the JSON report with --json. Exit 0 when nothing failed, 1 when
 * an expectation failed, nothing was checked (every scenario skipped) or the scenarios could not
 * be read, 2 when a --scenario glob matches none or cannot be compiled (one `wasm-otel:` line each).
 */
import { formatReportJson, formatReportTable } from '../conformance/report-table.js';
import { DEFAULT_COMPONENTS_DIR, runConformance, ScenarioSelectionError } from '../conformance/run-conformance.js';
import { killRunningHosts } from '../conformance/host-process.js';
import { ConformanceError } from '../conformance/scenario.js';
import { writeStderrLine } from '../telemetry/diag-line.js';
import type { ConformanceCommand } from './conformance-args.js';

/** SIGINT, SIGTERM, SIGHUP: the hosts (in process groups of their own) are stopped too, exit 128 + n. */
const STOP_SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

export async function conformanceCommand(command: ConformanceCommand): Promise<number> {
  for (const [signal, number] of Object.entries(STOP_SIGNALS)) {
    process.once(signal, () => {
      killRunningHosts();
      writeStderrLine(`wasm-otel: ${signal}: conformance run stopped, no report`);
      process.exit(128 + number);
    });
  }
  let report;
  try {
    report = await runConformance({
      host: command.host,
      componentsDir: command.componentsDir ?? DEFAULT_COMPONENTS_DIR,
      scenarioGlobs: command.scenarios,
      timeoutMs: command.timeoutMs,
      jobs: command.jobs,
      onHostProblem: (line) => writeStderrLine(`wasm-otel: ${line}`),
    });
  } catch (error) {
    if (!(error instanceof ConformanceError)) throw error;
    writeStderrLine(`wasm-otel: ${error.message}`);
    return error instanceof ScenarioSelectionError ? 2 : 1;
  }
  await writeStdout(command.json ? formatReportJson(report) : formatReportTable(report, process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb'));
  if (report.summary.failed > 0) return 1;
  // A run that checked nothing (every scenario skipped) must not pass for a conforming host.
  if (report.summary.passed === 0) {
    writeStderrLine(`wasm-otel: nothing was checked: every selected scenario was skipped (see the SKIP rows for the placeholder the host command lacks)`);
    return 1;
  }
  return 0;
}

/** Writes to stdout and waits until it is handed off: the CLI exits right after (a pipe would lose the rest). */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve) => {
    process.stdout.write(text, () => resolve());
  });
}
