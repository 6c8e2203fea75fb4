/**
 * `wasm-otel run --invoke` with arguments, as `wasmtime run --invoke 'add(1, 2)'` takes them:
 * WAVE literals read against the export's WIT signature (core modules: its wasm types), the result
 * printed as WAVE on stdout, and every mismatch refused in one line before the guest runs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const QUIET = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
const exporting = () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });

describe('arguments and results', () => {
  it('a u32 argument: spans(3) runs the export with n = 3 (three guest spans, ids 1 to 3 in the trace flood.wasm starts); no result, nothing on stdout', async () => {
    const result = await runCli(['run', component('flood.wasm'), '--invoke', 'spans(3)'], exporting());
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(4);
    expect(byName(spans, 'flood.wasm').parentSpanId).toBe('');
    expect(spans.filter((s) => s.name === 'flood').map((s) => [s.traceId, s.spanId]).sort()).toEqual([1, 2, 3].map((n) => ['f1'.repeat(16), `000000000000000${n}`]));
  });

  it('a record result is printed as WAVE: outer() is the host span context', async () => {
    const result = await runCli(['run', component('forwarder-rc.2.wasm'), '--invoke', 'outer()'], exporting());
    const [host] = await receiver.waitForSpans(1);
    expect(result).toEqual({
      code: 0,
      stdout: `{trace-id: "${host!.traceId}", span-id: "${host!.spanId}", trace-flags: {sampled}, is-remote: false, trace-state: []}\n`,
      stderr: '',
    });
  });

  it('a record argument with flags, bool and a list of tuples reaches the guest exactly (the span it starts is closed at exit)', async () => {
    const context = '{trace-id: "0af7651916cd43dd8448eb211c80319c", span-id: "b7ad6b7169203331", trace-flags: {sampled}, is-remote: false, trace-state: [("vendor", "v\\"1")]}';
    const result = await runCli(['run', component('forwarder-rc.2.wasm'), '--invoke', `start(${context})`], exporting());
    expect(result.code).toBe(0);
    const spans = await receiver.waitForSpans(2);
    const started = spans.find((s) => s.spanId === 'b7ad6b7169203331')!;
    expect([started.traceId, started.traceState, started.attributes]).toEqual(['0af7651916cd43dd8448eb211c80319c', 'vendor=v"1', { 'wasm_otel.span.close_reason': 'exit' }]);
  });

  it('core modules: an i32 argument in, the i32 result out; a missing argument named by its wasm type', async () => {
    expect(await runCli(['run', component('fib.wasm'), '--invoke', 'fib(10)'], QUIET)).toEqual({ code: 0, stdout: '55\n', stderr: '' });
    expect(await runCli(['run', component('fib.wasm'), '--invoke', 'fib'], QUIET)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'wasm-otel: fib.wasm: fib takes 1 argument (i32), got 0\n',
    });
  });
});

describe('mismatches: one line, the guest does not run', () => {
  it.each([
    ['spans', 'wasm-otel: flood.wasm: spans takes 1 argument (n: u32), got 0: --invoke \'spans(<n>)\''],
    ['spans()', 'wasm-otel: flood.wasm: spans takes 1 argument (n: u32), got 0: --invoke \'spans(<n>)\''],
    ['spans(1, 2)', 'wasm-otel: flood.wasm: spans takes 1 argument (n: u32), got 2: --invoke \'spans(<n>)\''],
    ['spans("3")', 'wasm-otel: flood.wasm: argument n: expected an integer (u32), got "3"; spans: func(n: u32)'],
    ['spans(-1)', 'wasm-otel: flood.wasm: argument n: -1 is out of range for u32 (0 to 4294967295); spans: func(n: u32)'],
    ['spans(1.5)', 'wasm-otel: flood.wasm: argument n: expected an integer (u32), got 1.5; spans: func(n: u32)'],
    ['spin(1)', 'wasm-otel: flood.wasm: spin takes no arguments, got 1'],
  ])('--invoke %s', async (invoke, line) => {
    const result = await runCli(['run', component('flood.wasm'), '--invoke', invoke], exporting());
    expect(result).toEqual({ code: 1, stdout: '', stderr: `${line}\n` });
    expect(receiver.spans()).toEqual([]);
  });

  it('a field of a record argument: the path names it', async () => {
    const result = await runCli(['run', component('forwarder-rc.2.wasm'), '--invoke', 'start({trace-id: 1, span-id: "b7ad6b7169203331", trace-flags: {}, is-remote: false, trace-state: []})'], QUIET);
    expect(result.stderr).toBe('wasm-otel: forwarder-rc.2.wasm: argument context.trace-id: expected a "string", got 1; start: func(context: span-context)\n');
    expect(result.code).toBe(1);
  });

  it('a syntax error is a usage error (exit 2) found before anything is loaded', async () => {
    const result = await runCli(['run', 'missing.wasm', '--invoke', 'spans(3'], QUIET);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'wasm-otel: --invoke "spans(3": expected "," or ")" at the end\nRun "wasm-otel --help" for usage.\n' });
  });
});
