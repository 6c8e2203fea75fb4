import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LoadedComponent, WasmOtelHost } from '../src/index.js';
import { runCli } from './support/cli.js';
import { collectWarnings } from './support/warnings.js';
import { hostFor } from './support/library-host.js';
import { waitForLogs } from './support/otlp-signals.js';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { byName } from './support/span-tree.js';

/*
 * components/hostile.wasm: records that are cheap for the guest and expensive for a host that
 * lifts them naively. The host bounds what one record may cost before it builds the strings
 * (WASM_OTEL_MAX_RECORD_BYTES, 1 MiB by default), cuts and counts the excess, keeps the rest.
 */

let receiver: OtlpReceiver;
let host: WasmOtelHost;
let flush: () => Promise<void>;
let hostile: LoadedComponent;
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
  hostile = await host.load(component('hostile.wasm'));
});

const BIG = 'a'.repeat(65_534);

async function call(name: string, spans: number): Promise<OtlpSpan[]> {
  const instance = await hostile.instantiate();
  await instance.call(name);
  await flush();
  const received = await receiver.waitForSpans(spans);
  expect(received).toHaveLength(spans);
  const ok = byName(received, `${name}-ok`);
  expect(ok.attributes).toEqual({ valid: true });
  return received;
}

describe('a guest cannot make one record cost more than the record budget', () => {
  it('128 events x 128 attributes all pointing at one 64 KiB string: lifted within 1 MiB, the rest cut and counted', async () => {
    const spans = await call('amplify', 3);
    const amplified = byName(spans, 'amplified');
    // 15 values of 64 KiB fit in the budget after the ids and name; the rest were cut (and no longer decode).
    expect(Object.keys(amplified.attributes)).toEqual(Array.from({ length: 15 }, (_, i) => `k${i.toString(16).padStart(2, '0')}`));
    for (const value of Object.values(amplified.attributes)) expect(value).toBe(BIG);
    expect(amplified.droppedAttributesCount).toBe(113);
    expect(amplified.events).toEqual([]);
    expect(amplified.droppedEventsCount).toBe(128);
    expect(host.problems()).toEqual({ record_too_large: 1 });
    expect(warnings).toEqual([
      'wasm-otel: record_too_large: on-end of span "a100000000000001" ("amplified"): points at 8,395,200 bytes of guest data, over the budget of 1,048,576 (WASM_OTEL_MAX_RECORD_BYTES): 113 strings cut, 128 list entries dropped; the rest is kept',
    ]);
  });

  it('a log record with 16,384 attributes on one 64 KiB string: the same', async () => {
    await call('amplify-log', 2);
    const [record] = await waitForLogs(receiver, 1);
    expect(record!.body).toBe(BIG);
    expect(record!.attributes).toEqual({ k: BIG });
    expect(record!.droppedAttributesCount).toBe(16_374);
    expect(host.problems()).toEqual({ record_too_large: 1 });
  });

  it('WASM_OTEL_MAX_RECORD_BYTES sets the budget; a bad value is reported and the default kept', async () => {
    const small = hostFor(receiver, { limits: { maxRecordBytes: 200_000 } });
    const instance = await (await small.host.load(component('hostile.wasm'))).instantiate();
    await instance.call('amplify');
    await small.flush();
    const amplified = byName(await receiver.waitForSpans(3), 'amplified');
    expect(Object.keys(amplified.attributes)).toHaveLength(3);
    const result = await runCli(['run', component('hostile.wasm'), '--invoke', 'amplify'], { OTEL_TRACES_EXPORTER: 'none', WASM_OTEL_MAX_RECORD_BYTES: 'lots' });
    expect(result.stderr.split('\n')).toEqual([
      'wasm-otel: invalid_config: WASM_OTEL_MAX_RECORD_BYTES="lots" is not a whole number of bytes >= 1024; using 1048576',
      // the default budget in force
      'wasm-otel: record_too_large: on-end of span "a100000000000001" ("amplified"): points at 8,395,200 bytes of guest data, over the budget of 1,048,576 (WASM_OTEL_MAX_RECORD_BYTES): 113 strings cut, 128 list entries dropped; the rest is kept',
      '',
    ]);
  });

  it('through the CLI with a 256 MB heap: the run survives, exit 0, one line, telemetry exported', async () => {
    const result = await runCli(['run', component('hostile.wasm'), '--invoke', 'amplify'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      NODE_OPTIONS: '--max-old-space-size=256',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'wasm-otel: record_too_large: on-end of span "a100000000000001" ("amplified"): points at 8,395,200 bytes of guest data, over the budget of 1,048,576 (WASM_OTEL_MAX_RECORD_BYTES): 113 strings cut, 128 list entries dropped; the rest is kept\n',
    );
    const spans = await receiver.waitForSpans(3);
    expect(Object.keys(byName(spans, 'amplified').attributes)).toHaveLength(15);
  });
});

describe('deeply nested JSON and invalid UTF-8', () => {
  it('values nested deeper than 32 levels are dropped and counted; the rest of the span and log record is kept', async () => {
    const spans = await call('deep-json', 3);
    const deep = byName(spans, 'deep');
    let nested: unknown = deep.attributes['deep.32'];
    for (let depth = 0; depth < 31; depth++) nested = (nested as unknown[])[0];
    expect(nested).toEqual([]);
    expect(deep.attributes.ok).toBe('fine');
    expect(Object.keys(deep.attributes).sort()).toEqual(['deep.32', 'ok']);
    expect(deep.droppedAttributesCount).toBe(3);
    const [record] = await waitForLogs(receiver, 1);
    expect(record!.body).toBe(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(record!.attributes).toEqual({ ok: 'fine' });
    expect(host.problems()).toEqual({ invalid_attribute_value: 3, invalid_log_body: 1 });
    expect(warnings).toEqual([
      'wasm-otel: invalid_attribute_value: span a100000000000003: attribute "deep.10000" dropped: JSON value nested deeper than 32 levels',
      'wasm-otel: invalid_attribute_value: span a100000000000003: attribute "deep.2000" dropped: JSON value nested deeper than 32 levels',
      'wasm-otel: invalid_attribute_value: span a100000000000003: attribute "deep.spaced" dropped: JSON value nested deeper than 32 levels',
      'wasm-otel: invalid_log_body: log record: body kept as plain text: JSON value nested deeper than 32 levels',
    ]);
  });

  it('what the host accepts serializes over OTLP/JSON too', async () => {
    const json = hostFor(receiver, { json: true });
    const instance = await (await json.host.load(component('hostile.wasm'))).instantiate();
    await instance.call('deep-json');
    await json.flush();
    const deep = byName(await receiver.waitForSpans(3), 'deep');
    expect(Object.keys(deep.attributes).sort()).toEqual(['deep.32', 'ok']);
    expect(receiver.requests.filter((r) => r.signal === 'traces').every((r) => r.encoding === 'json')).toBe(true);
    expect(receiver.errors).toEqual([]);
  });

  it('invalid UTF-8 in component strings is counted (invalid bytes become U+FFFD)', async () => {
    const spans = await call('bad-utf8', 3);
    const bad = spans.find((s) => s.spanId === 'a100000000000004')!;
    expect(bad.name).toBe('bad\ufffd\ufffdname');
    expect(bad.attributes).toEqual({ note: '\ufffd(', fine: 'ok' });
    expect(host.problems()).toEqual({ invalid_utf8: 2 });
    expect(warnings).toEqual(['wasm-otel: invalid_utf8: on-end of span "a100000000000004" ("bad\ufffd\ufffdname"): 2 strings are not valid UTF-8; invalid bytes were replaced with U+FFFD']);
  });
});
