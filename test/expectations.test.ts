/**
 * Every scenario file of components/expectations/ against our own host (the library, real OTLP to
 * the test receiver): every expectation passes. The only `info` results allowed are the fields the
 * files leave unchecked (host-specific without a value wasm-otel is held to), listed in
 * support/unchecked-fields.ts, so that a host-specific field on which our host changes shows up
 * as a failure of this test too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScenario, failures } from '../src/conformance/check.js';
import { loadScenarios } from '../src/conformance/scenario.js';
import { hostFor } from './support/library-host.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { expectedOutcome, runScenario } from './support/run-scenario.js';
import { UNCHECKED_EXPECTATIONS as UNCHECKED } from './support/unchecked-fields.js';
import { collectWarnings } from './support/warnings.js';

const scenarios = loadScenarios();
let receiver: OtlpReceiver;
let run: ReturnType<typeof hostFor>;
collectWarnings(); // the bad-input scenarios' problem reports stay out of the test output

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  run = hostFor(receiver);
});
afterAll(async () => receiver.close());

describe('every scenario file passes on our host (library, OTLP/HTTP protobuf)', () => {
  it('the files cover every kind of guest', () => {
    expect(scenarios.length).toBe(57);
    expect([...new Set(scenarios.map((s) => s.component))].sort()).toEqual([
      'bad-input.wasm',
      'forwarder-draft-2025-03.wasm',
      'forwarder-draft-2025-11.wasm',
      'forwarder-draft-2025-12.wasm',
      'forwarder-main.wasm',
      'forwarder-rc.1.wasm',
      'forwarder-rc.2.wasm',
      'hostile.wasm',
      'logging-only.wasm',
      'scenarios.wasm',
      'wasi-observe-forwarder.wasm',
    ]);
  });

  for (const scenario of scenarios) {
    it(scenario.id, async () => {
      const { outcome, received } = await runScenario(scenario, run.host, run.flush, receiver);
      const { exitCode, error } = expectedOutcome(scenario);
      expect([outcome.exitCode, outcome.error?.code]).toEqual([exitCode, error]);
      const results = checkScenario(scenario, received);
      expect(failures(results), 'failed expectations').toEqual([]);
      const infos = results.filter((r) => r.outcome === 'info').map((r) => r.expectation);
      expect(infos, 'host-specific fields where our host differs from what the file says wasm-otel does').toEqual(UNCHECKED.filter((u) => u.startsWith(`${scenario.id}: `)));
      expect(results.length).toBeGreaterThan(2);
    });
  }
});
