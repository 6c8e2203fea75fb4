/**
 * Running one conformance scenario (components/expectations/) on our own host through the library,
 * as `wasm-otel run` would (runFile: the same `--invoke` parsing, arguments and exit codes), with
 * real OTLP/HTTP to the test receiver; returns what arrived for the checker.
 */
import { runFile, type RunOutcome, type WasmOtelHost } from '../../src/index.js';
import type { Received } from '../../src/conformance/received.js';
import type { Scenario } from '../../src/conformance/scenario.js';
import type { OtlpReceiver } from './otlp-receiver.js';
import { receivedLogs, receivedMetrics, waitForItems } from './otlp-signals.js';
import { component } from './paths.js';

export interface ScenarioRun {
  outcome: RunOutcome;
  received: Received;
}

/** Runs `scenario` with `host` (whose exporters send to `receiver`), flushes, and reads what arrived. */
export async function runScenario(scenario: Scenario, host: WasmOtelHost, flush: () => Promise<void>, receiver: OtlpReceiver): Promise<ScenarioRun> {
  receiver.reset();
  const outcome = await runFile(host, {
    file: component(scenario.component),
    ...(scenario.invoke !== undefined ? { invoke: scenario.invoke } : {}),
    ...(scenario.args ? { args: scenario.args } : {}),
    ...(scenario.env ? { env: scenario.env } : {}),
  });
  await flush();
  // A log exporter's flush may return before its request has landed: wait for what the scenario
  // expects (so nothing of this run arrives during the next one), at least.
  await waitForItems(() => receiver.spans(), scenario.spans.length, 'spans');
  await waitForItems(() => receivedLogs(receiver), scenario.logs?.length ?? 0, 'log records');
  await waitForItems(() => receivedMetrics(receiver), scenario.metrics?.length ?? 0, 'metrics');
  return { outcome, received: { spans: receiver.spans(), logs: receivedLogs(receiver), metrics: receivedMetrics(receiver) } };
}

/** The exit code and error code runFile gives for a scenario's `callEnds`. */
export function expectedOutcome(scenario: Scenario): { exitCode: number; error?: string } {
  switch (scenario.callEnds ?? 'returns') {
    case 'returns':
      return { exitCode: 0 };
    case 'traps':
      return { exitCode: 1, error: 'guest_trap' };
    case 'exits-with-error':
      return { exitCode: 1 };
  }
}
