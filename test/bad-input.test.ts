import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LoadedComponent, WasmOtelHost } from '../src/index.js';
import { runCli } from './support/cli.js';
import { collectWarnings } from './support/warnings.js';
import { hostFor } from './support/library-host.js';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { hostSpanOf } from './support/scenarios.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;
let host: WasmOtelHost;
let flush: () => Promise<void>;
let badInput: LoadedComponent;
const warnings = collectWarnings();

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(async () => {
  receiver.reset();
  ({ host, flush } = hostFor(receiver));
  badInput = await host.load(component('bad-input.wasm'));
});

/** Calls one export on a fresh instance; the call itself must succeed (nothing thrown into the guest). */
async function callBad(name: string, spanCount: number): Promise<OtlpSpan[]> {
  const instance = await badInput.instantiate();
  await instance.call(name);
  await flush();
  const spans = await receiver.waitForSpans(spanCount);
  expect(spans).toHaveLength(spanCount);
  return spans;
}

/** The valid span every export ends with still arrives, under the host span. */
function expectOk(spans: OtlpSpan[], name: string, id: string): void {
  const host = hostSpanOf(spans, 'bad-input.wasm');
  const ok = byName(spans, `${name}-ok`);
  expect(ok.spanId).toBe(id);
  expect(ok.parentSpanId).toBe(host.spanId);
  expect(ok.attributes).toEqual({ valid: true });
}

describe('bad input from a guest: reported (diag + counter), never thrown, valid data kept', () => {
  it('malformed trace and span ids', async () => {
    const spans = await callBad('bad-ids', 2);
    expectOk(spans, 'bad-ids', 'e000000000000001');
    expect(host.problems()).toEqual({ invalid_trace_id: 2 });
    expect(warnings).toEqual([
      'wasm-otel: invalid_trace_id: on-start: trace id "xyz" is not 32 hex digits (non-zero)',
      'wasm-otel: invalid_trace_id: on-end span "bad-ids": trace id "xyz" is not 32 hex digits (non-zero)',
    ]);
  });

  it('on-end of a span never started: counted, and exported since its data is complete', async () => {
    const spans = await callBad('end-unknown', 3);
    expectOk(spans, 'end-unknown', 'e000000000000002');
    expect(byName(spans, 'end-unknown').spanId).toBe('e000000000000010');
    expect(host.problems()).toEqual({ span_end_without_start: 1 });
    expect(warnings).toEqual(['wasm-otel: span_end_without_start: span e000000000000010 ("end-unknown") ended but was never started; exported anyway']);
  });

  it('a span ended twice is exported once', async () => {
    const spans = await callBad('end-twice', 3);
    expectOk(spans, 'end-twice', 'e000000000000003');
    expect(spans.filter((s) => s.spanId === 'e000000000000020')).toHaveLength(1);
    expect(host.problems()).toEqual({ span_ended_twice: 1 });
    expect(warnings).toEqual(['wasm-otel: span_ended_twice: span e000000000000020 ("end-twice") was already ended; the second end is dropped']);
  });

  it('invalid JSON attribute values are dropped and counted; the rest of the span is kept', async () => {
    const spans = await callBad('bad-json', 3);
    expectOk(spans, 'bad-json', 'e000000000000004');
    const span = byName(spans, 'bad-json');
    expect(span.attributes).toEqual({ good: 'fine' });
    expect(span.droppedAttributesCount).toBe(3);
    expect(host.problems()).toEqual({ invalid_attribute_value: 3 });
    expect(warnings).toEqual([
      'wasm-otel: invalid_attribute_value: span e000000000000030: attribute "bad.not_json" dropped: not JSON: "not json"',
      'wasm-otel: invalid_attribute_value: span e000000000000030: attribute "bad.open_brace" dropped: not JSON: "{"',
      'wasm-otel: invalid_attribute_value: span e000000000000030: attribute "bad.unterminated" dropped: not JSON: "\\"unterminated"',
    ]);
  });

  it('absurd sizes are cut to the record budget while lifting, then to the limits, and counted', async () => {
    const spans = await callBad('huge', 4);
    expectOk(spans, 'huge', 'e000000000000005');
    const huge = byName(spans, 'huge-attributes');
    // 1 MiB of guest data lifted: 65,531 of the 100,001 attributes; the 10,000 events and links not
    // at all. What was not lifted still counts in the span's dropped counts.
    expect(Object.keys(huge.attributes)).toHaveLength(128);
    expect(huge.attributes['huge.00000000']).toBe(0n);
    expect(huge.attributes['huge.0000007f']).toBe(0n);
    expect(huge.droppedAttributesCount).toBe(100_001 - 128);
    expect(huge.events).toHaveLength(0);
    expect(huge.droppedEventsCount).toBe(10_000);
    expect(huge.links).toHaveLength(0);
    expect(huge.droppedLinksCount).toBe(10_000);
    const longName = spans.find((s) => s.spanId === 'e000000000000041')!;
    expect(longName.name).toBe('n'.repeat(1024));
    expect(host.problems()).toEqual({
      record_too_large: 2,
      attributes_dropped: 65_531 - 128,
      name_truncated: 1,
    });
    expect(warnings).toContain(
      'wasm-otel: record_too_large: on-end of span "e000000000000040" ("huge-attributes"): points at 3,197,548 bytes of guest data, over the budget of 1,048,576 (WASM_OTEL_MAX_RECORD_BYTES): 54,470 list entries dropped; the rest is kept',
    );
  });

  it('within a larger record budget the span limits cut the rest (events and links counted, not decoded)', async () => {
    const large = hostFor(receiver, { limits: { maxRecordBytes: 8 << 20 } });
    const instance = await (await large.host.load(component('bad-input.wasm'))).instantiate();
    await instance.call('huge');
    await large.flush();
    const spans = await receiver.waitForSpans(4);
    const huge = byName(spans, 'huge-attributes');
    expect(Object.keys(huge.attributes)).toHaveLength(128);
    expect(huge.droppedAttributesCount).toBe(100_001 - 128);
    expect(huge.events).toHaveLength(128);
    expect(huge.droppedEventsCount).toBe(10_000 - 128);
    expect(huge.links).toHaveLength(128);
    expect(huge.droppedLinksCount).toBe(10_000 - 128);
    expect(large.host.problems()).toEqual({
      attributes_dropped: 100_001 - 128,
      events_dropped: 10_000 - 128,
      links_dropped: 10_000 - 128,
      name_truncated: 1,
    });
  });

  it('the open-span limit: starts beyond it are refused and counted; their ends still export', async () => {
    const limited = hostFor(receiver, { limits: { maxOpenSpans: 1 } });
    const instance = await (await limited.host.load(component('scenarios.wasm'))).instantiate();
    await instance.call('nested-spans');
    await limited.flush();
    const spans = await receiver.waitForSpans(4);
    expect(spans.map((s) => s.name).sort()).toEqual(['inner', 'middle', 'outer', 'scenarios.wasm']);
    expect(byName(spans, 'inner').parentSpanId).toBe(byName(spans, 'middle').spanId);
    expect(limited.host.problems()).toEqual({ too_many_open_spans: 2, span_end_without_start: 2 });
    expect(warnings[0]).toBe('wasm-otel: too_many_open_spans: instance already has 1 open spans; span a000000000000002 is not tracked');
  });

  it('through the CLI: reasons on stderr, exit 0, valid spans exported', async () => {
    const result = await runCli(['run', component('bad-input.wasm'), '--invoke', 'bad-json'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      [
        'wasm-otel: invalid_attribute_value: span e000000000000030: attribute "bad.not_json" dropped: not JSON: "not json"',
        'wasm-otel: invalid_attribute_value: span e000000000000030: attribute "bad.open_brace" dropped: not JSON: "{"',
        'wasm-otel: invalid_attribute_value: span e000000000000030: attribute "bad.unterminated" dropped: not JSON: "\\"unterminated"',
        '',
      ].join('\n'),
    );
    const spans = await receiver.waitForSpans(3);
    expectOk(spans, 'bad-json', 'e000000000000004');
  });
});
