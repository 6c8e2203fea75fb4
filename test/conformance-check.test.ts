/**
 * The checker itself: what our host really exported for a few scenarios (library, real OTLP),
 * then copies with one thing broken — an event dropped, a span reparented, an attribute value
 * changed, an extra span, a metric point and a log severity changed — each failing exactly the
 * expectation about it; a host-specific difference (no host span, an unended span dropped) only
 * `info`, but a parent or a log's span that no exported span has a failure; and malformed
 * scenario files refused with one line naming the file and the field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScenario, type ExpectationResult } from '../src/conformance/check.js';
import type { Received } from '../src/conformance/received.js';
import { ConformanceError, loadScenarioFile, loadScenarios, type Scenario } from '../src/conformance/scenario.js';
import { hostFor } from './support/library-host.js';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { runScenario } from './support/run-scenario.js';

const scenarios = new Map(loadScenarios().map((s) => [s.id, s]));
const scenario = (id: string): Scenario => scenarios.get(id)!;
const real = new Map<string, Received>();
let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const { host, flush } = hostFor(receiver);
  for (const id of ['nested-spans', 'metrics-and-logs', 'never-ended', 'logging-only-log-all']) real.set(id, (await runScenario(scenario(id), host, flush, receiver)).received);
});
afterAll(async () => receiver.close());

/** A deep copy of what our host exported for `id`, for one test to break. */
const copyOf = (id: string): Received => structuredClone(real.get(id)!);
const span = (received: Received, name: string): OtlpSpan => received.spans.find((s) => s.name === name)!;
const outcomes = (results: ExpectationResult[], outcome: ExpectationResult['outcome']): string[] => results.filter((r) => r.outcome === outcome).map((r) => r.expectation);
const detailOf = (results: ExpectationResult[], expectation: string): string => results.find((r) => r.expectation === expectation)!.detail;

describe('checkScenario on what our host exported', () => {
  it('as exported: every expectation passes', () => {
    for (const id of real.keys()) {
      const results = checkScenario(scenario(id), copyOf(id));
      expect(outcomes(results, 'fail'), id).toEqual([]);
      expect(outcomes(results, 'info'), id).toEqual([]);
    }
    expect(checkScenario(scenario('nested-spans'), copyOf('nested-spans'))).toHaveLength(53);
  });

  it('an event missing: only the events expectation of that span fails', () => {
    const received = copyOf('nested-spans');
    span(received, 'inner').events = [];
    const results = checkScenario(scenario('nested-spans'), received);
    expect(outcomes(results, 'fail')).toEqual(['nested-spans: span "inner" events are ["work-done"]']);
    expect(detailOf(results, 'nested-spans: span "inner" events are ["work-done"]')).toBe('expected ["work-done"], got []');
  });

  it('a span reparented to the host span: its parent expectation fails, naming what it got', () => {
    const received = copyOf('nested-spans');
    span(received, 'middle').parentSpanId = span(received, 'scenarios.wasm').spanId;
    const results = checkScenario(scenario('nested-spans'), received);
    expect(outcomes(results, 'fail')).toEqual(['nested-spans: span "middle" parent is "outer"']);
    expect(detailOf(results, 'nested-spans: span "middle" parent is "outer"')).toBe('expected span "outer" (a000000000000001), got the host\'s span "scenarios.wasm"');
  });

  it('an attribute with another value, or of another type: that attribute fails', () => {
    const received = copyOf('nested-spans');
    span(received, 'outer').attributes.level = 2n;
    span(received, 'inner').attributes['work.items'] = 3; // a double, not the int the guest sent
    const results = checkScenario(scenario('nested-spans'), received);
    expect(outcomes(results, 'fail')).toEqual(['nested-spans: span "outer" attribute "level" is 1', 'nested-spans: span "inner" attribute "work.items" is 3']);
    expect(detailOf(results, 'nested-spans: span "inner" attribute "work.items" is 3')).toBe('expected 3, got 3.0');
  });

  it('an extra guest span: "no other spans" fails, naming it; the host span is not extra', () => {
    const received = copyOf('nested-spans');
    received.spans.push({ ...span(received, 'inner'), name: 'extra', spanId: 'a0000000000000ff' });
    const results = checkScenario(scenario('nested-spans'), received);
    expect(outcomes(results, 'fail')).toEqual(['nested-spans: no other spans']);
    expect(detailOf(results, 'nested-spans: no other spans')).toBe('expected none, got "extra"');
    expect(detailOf(checkScenario(scenario('nested-spans'), copyOf('nested-spans')), 'nested-spans: no other spans')).toBe('none (the host\'s own: "scenarios.wasm")');
  });

  it('a host that makes no span of its own: the top span is a root, which is info, not a failure', () => {
    const received = copyOf('nested-spans');
    received.spans = received.spans.filter((s) => s.name !== 'scenarios.wasm');
    span(received, 'outer').parentSpanId = '';
    const results = checkScenario(scenario('nested-spans'), received);
    expect(outcomes(results, 'fail')).toEqual([]);
    expect(outcomes(results, 'info')).toEqual(['nested-spans: span "outer" parent is the host\'s span']);
    expect(detailOf(results, 'nested-spans: span "outer" parent is the host\'s span')).toBe(
      'host-specific (a host may make no span of its own): wasm-otel gives the host\'s own span of the call, got a root (no parent)',
    );
  });

  it('a parent that was not exported (the host dropped its own span but kept the guest\'s under it): a failure', () => {
    const received = copyOf('nested-spans');
    const hostSpan = span(received, 'scenarios.wasm');
    received.spans = received.spans.filter((s) => s !== hostSpan);
    const results = checkScenario(scenario('nested-spans'), received);
    expect(outcomes(results, 'fail')).toEqual(['nested-spans: span "outer" parent is the host\'s span']);
    expect(detailOf(results, 'nested-spans: span "outer" parent is the host\'s span')).toBe(`expected the host's own span of the call, got parent ${hostSpan.spanId} was not exported`);
    expect(outcomes(results, 'info')).toEqual([]);
  });

  it('a dangling parent fails even on a span that is host-specific as a whole', () => {
    const received = copyOf('never-ended');
    received.spans = received.spans.filter((s) => s.name !== 'scenarios.wasm');
    const results = checkScenario(scenario('never-ended'), received);
    expect(outcomes(results, 'fail')).toEqual(['never-ended: span "never-ended" parent is the host\'s span']);
    expect(detailOf(results, 'never-ended: span "never-ended" parent is the host\'s span')).toMatch(/^expected the host's own span of the call, got parent [0-9a-f]{16} was not exported$/);
  });

  it('a log record of the host\'s span: no span is info, a span that was not exported fails', () => {
    const received = copyOf('logging-only-log-all');
    received.logs[0]!.spanId = '';
    received.logs[0]!.traceId = '';
    received.logs[1]!.spanId = 'ffffffffffffffff';
    const results = checkScenario(scenario('logging-only-log-all'), received);
    expect(outcomes(results, 'fail')).toEqual(['logging-only-log-all: log "debug message" belongs to the host\'s span']);
    expect(detailOf(results, 'logging-only-log-all: log "debug message" belongs to the host\'s span')).toBe('expected the host\'s own span of the call, got span ffffffffffffffff was not exported');
    expect(outcomes(results, 'info')).toEqual(['logging-only-log-all: log "trace message" belongs to the host\'s span']);
    expect(detailOf(results, 'logging-only-log-all: log "trace message" belongs to the host\'s span')).toBe('host-specific (a host may make no span of its own): wasm-otel gives the host\'s own span of the call, got no span');
  });

  it('a host that drops a span the guest never ended: info, not a failure', () => {
    const received = copyOf('never-ended');
    received.spans = received.spans.filter((s) => s.spanId !== 'a000000000000001');
    const results = checkScenario(scenario('never-ended'), received);
    expect(outcomes(results, 'fail')).toEqual([]);
    expect(outcomes(results, 'info')).toEqual(['never-ended: span "never-ended" arrives']);
  });

  it('a metric point and a log record changed: exactly their expectations fail', () => {
    const received = copyOf('metrics-and-logs');
    received.metrics[0]!.points[0]!.value = { asInt: 11n };
    received.logs[0]!.severityNumber = 13;
    received.logs[0]!.spanId = 'a0000000000000ff';
    const results = checkScenario(scenario('metrics-and-logs'), received);
    expect(outcomes(results, 'fail')).toEqual([
      'metrics-and-logs: log "order placed" severity number is 9',
      'metrics-and-logs: log "order placed" belongs to span "checkout"',
      'metrics-and-logs: metric "requests" point {route: "/checkout"}',
    ]);
    expect(detailOf(results, 'metrics-and-logs: metric "requests" point {route: "/checkout"}')).toBe('expected value 10, got value 11');
  });

  it('nothing received: each expected span, log and metric fails to arrive, nothing else is checked', () => {
    const results = checkScenario(scenario('metrics-and-logs'), { spans: [], logs: [], metrics: [] });
    expect(outcomes(results, 'fail')).toEqual([
      'metrics-and-logs: span "checkout" arrives',
      'metrics-and-logs: log "order placed" arrives',
      'metrics-and-logs: metric "requests" arrives',
      'metrics-and-logs: metric "queue.depth" arrives',
      'metrics-and-logs: metric "request.duration" arrives',
      'metrics-and-logs: metric "temperature" arrives',
    ]);
    expect(outcomes(results, 'pass')).toEqual(['metrics-and-logs: no other spans', 'metrics-and-logs: no other logs', 'metrics-and-logs: no other metrics']);
  });
});

describe('a malformed scenario file: one line naming the file and the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-otel-scenarios-'));
  const base = { id: 'bad', component: 'scenarios.wasm', description: 'd', spans: [{ name: 'a', parent: 'host' }] };
  const write = (content: string): string => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, content);
    return file;
  };
  const refusal = (content: unknown): string => {
    const file = write(typeof content === 'string' ? content : JSON.stringify(content));
    try {
      loadScenarioFile(file);
    } catch (error) {
      expect(error).toBeInstanceOf(ConformanceError);
      const message = (error as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      return message.slice(file.length + 2);
    }
    throw new Error('the file was accepted');
  };

  it.each([
    ['not JSON', '{"id": ', /^not JSON: /],
    ['an unknown field', { ...base, spans: [{ name: 'a', parent: 'host', kindd: 'server' }] }, 'spans[0]: unknown field "kindd"'],
    ['a missing field', { ...base, spans: [{ name: 'a' }] }, 'spans[0]: missing field "parent"'],
    ['a kind that does not exist', { ...base, spans: [{ name: 'a', parent: 'host', kind: 'sever' }] }, 'spans[0].kind: must be one of "internal", "server", "client", "producer", "consumer", got "sever"'],
    ['a span id that is not 16 hex digits', { ...base, spans: [{ name: 'a', parent: 'host', spanId: 'xyz' }] }, 'spans[0].spanId: "xyz" does not match ^[0-9a-f]{16}$'],
    ['an attribute value that is no value', { ...base, spans: [{ name: 'a', parent: 'host', attributes: { k: { nope: 1 } } }] }, 'spans[0].attributes.k: {"nope":1} is none of the forms this field takes (see schema.json #/definitions/value)'],
    ['a parent that is no span of the file', { ...base, spans: [{ name: 'a', parent: 'nope' }] }, 'spans[0].parent: no span with key "nope"'],
    ['two spans with one key', { ...base, spans: [{ name: 'a', parent: 'host' }, { name: 'a', parent: 'a' }] }, 'spans[1]: key "a" is used twice (give one a "key")'],
    ['an id that is not the file name', { ...base, id: 'other' }, 'id: "other" must be the file\'s name ("bad")'],
  ])('%s', (_what, content, message) => {
    if (message instanceof RegExp) expect(refusal(content)).toMatch(message);
    else expect(refusal(content)).toBe(message);
  });

  it('a folder without scenario files, or none at all', () => {
    const empty = mkdtempSync(join(tmpdir(), 'wasm-otel-no-scenarios-'));
    expect(() => loadScenarios(empty)).toThrow(new ConformanceError(`no scenario files (*.json) in ${empty}`));
    expect(() => loadScenarios(join(empty, 'missing'))).toThrow(new ConformanceError(`cannot read the scenario folder ${join(empty, 'missing')}: ENOENT`));
  });
});
