/**
 * wasi:logging/logging through the library: each `log(level, context, message)` is one OTel log
 * record (severity from the level, body = message, `wasi.logging.context` = the context when it is
 * not empty, scope wasi:logging/logging) correlated with the instance's current span, exported over
 * OTLP/HTTP protobuf. From logging-only.wasm (a component that imports nothing else) and from
 * wasi-observe-forwarder.wasm (with wasi:observe spans open).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hostFor, TEST_SERVICE } from './support/library-host.js';
import { Forwarder, FORWARDER, LOGGING_ONLY, LOGGING_SCOPE, hostSpan, within } from './support/observe-guest.js';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { waitForLogs, type OtlpLog } from './support/otlp-signals.js';
import { byName } from './support/span-tree.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

/** Records arrive one request each, not necessarily in order: by body. */
function byBody(logs: readonly OtlpLog[], body: string): OtlpLog {
  const found = logs.filter((l) => l.body === body);
  if (found.length !== 1) throw new Error(`expected one log record ${JSON.stringify(body)}, found ${found.length}`);
  return found[0]!;
}

/** What every record of wasi:logging carries, besides its own severity, body and attributes, for a record logged in `span` during `call`. */
function expectRecord(log: OtlpLog, expected: { severityNumber: number; severityText: string; body: string; attributes: Record<string, string> }, span: OtlpSpan, call: OtlpSpan): void {
  expect(log).toEqual({
    resource: { 'service.name': TEST_SERVICE },
    resourceSchemaUrl: '',
    scope: LOGGING_SCOPE,
    scopeSchemaUrl: '',
    timeUnixNano: log.timeUnixNano,
    observedTimeUnixNano: log.observedTimeUnixNano,
    ...expected,
    droppedAttributesCount: 0,
    flags: 1, // sampled
    traceId: span.traceId,
    spanId: span.spanId,
    eventName: '',
  });
  // Stamped with the host's clock during the call that logged it.
  expect(within(log.timeUnixNano, call)).toBe(true);
  expect(log.observedTimeUnixNano > 0n).toBe(true);
}

describe('wasi:logging through the library', () => {
  it('logging-only.wasm log-all: each level as its severity, the body, the context attribute (absent for an empty context), in the host span', async () => {
    const { host, flush } = hostFor(receiver);
    const instance = await (await host.load(LOGGING_ONLY)).instantiate();
    await instance.invoke('log-all', [], { spanName: 'log-all' });
    await flush();
    const logs = await waitForLogs(receiver, 6);
    expect(logs).toHaveLength(6);
    const spans = receiver.spans();
    expect(spans).toHaveLength(1);
    const call = hostSpan(spans, 'log-all');
    const expected = [
      [1, 'TRACE', 'trace message', { 'wasi.logging.context': 'ctx.trace' }],
      [5, 'DEBUG', 'debug message', { 'wasi.logging.context': 'ctx.debug' }],
      [9, 'INFO', 'info message', {}],
      [13, 'WARN', 'warn message', { 'wasi.logging.context': 'ctx.warn' }],
      [17, 'ERROR', 'error message', { 'wasi.logging.context': 'ctx.error' }],
      [21, 'FATAL', 'critical message', { 'wasi.logging.context': 'ctx.critical' }],
    ] as const;
    for (const [severityNumber, severityText, body, attributes] of expected) {
      expectRecord(byBody(logs, body), { severityNumber, severityText, body, attributes }, call, call);
    }
    // Logged in this order: the times do not go back.
    const times = expected.map(([, , body]) => byBody(logs, body).timeUnixNano);
    expect([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(times);
    expect(host.problems()).toEqual({});
  });

  it('logging-only.wasm log: the host strings pass through the canonical ABI unchanged', async () => {
    const { host, flush } = hostFor(receiver);
    const instance = await (await host.load(LOGGING_ONLY)).instantiate();
    await instance.invoke('log', ['warn', 'db.pool ✓', 'pool exhausted: 5/5 — retrying "soon"'], { spanName: 'log-warn' });
    await instance.invoke('log', ['debug', '', ''], { spanName: 'log-empty' });
    await flush();
    const logs = await waitForLogs(receiver, 2);
    const spans = receiver.spans();
    const warn = byBody(logs, 'pool exhausted: 5/5 — retrying "soon"');
    expectRecord(warn, { severityNumber: 13, severityText: 'WARN', body: warn.body as string, attributes: { 'wasi.logging.context': 'db.pool ✓' } }, hostSpan(spans, 'log-warn'), hostSpan(spans, 'log-warn'));
    expectRecord(byBody(logs, ''), { severityNumber: 5, severityText: 'DEBUG', body: '', attributes: {} }, hostSpan(spans, 'log-empty'), hostSpan(spans, 'log-empty'));
    expect(host.problems()).toEqual({});
  });

  it('wasi-observe-forwarder.wasm: a record belongs to the open wasi:observe span (the innermost, a new-root one too), else to the host span of the call', async () => {
    const { host, flush } = hostFor(receiver);
    const guest = new Forwarder(await (await host.load(FORWARDER)).instantiate());
    await guest.log('log-before', 'info', 'app', 'before any span');
    const request = await guest.start('start-request', 'request', { newRoot: false, spanKind: 'server' });
    await guest.log('log-in-request', 'error', 'app.request', 'in request');
    const root = await guest.start('start-root', 'background', { newRoot: true });
    await guest.log('log-in-root', 'critical', '', 'in new root');
    await guest.end('end-root', root);
    await guest.log('log-after-root', 'trace', 'app', 'request again');
    await guest.end('end-request', request);
    await guest.log('log-after', 'debug', 'app', 'after every span');
    await flush();
    const logs = await waitForLogs(receiver, 5);
    expect(logs).toHaveLength(5);
    const spans = receiver.spans();
    const requestSpan = byName(spans, 'request');
    const rootSpan = byName(spans, 'background');
    expect(rootSpan.parentSpanId).toBe('');
    const call = (label: string): OtlpSpan => hostSpan(spans, label);
    expectRecord(byBody(logs, 'before any span'), { severityNumber: 9, severityText: 'INFO', body: 'before any span', attributes: { 'wasi.logging.context': 'app' } }, call('log-before'), call('log-before'));
    expectRecord(byBody(logs, 'in request'), { severityNumber: 17, severityText: 'ERROR', body: 'in request', attributes: { 'wasi.logging.context': 'app.request' } }, requestSpan, call('log-in-request'));
    expectRecord(byBody(logs, 'in new root'), { severityNumber: 21, severityText: 'FATAL', body: 'in new root', attributes: {} }, rootSpan, call('log-in-root'));
    expectRecord(byBody(logs, 'request again'), { severityNumber: 1, severityText: 'TRACE', body: 'request again', attributes: { 'wasi.logging.context': 'app' } }, requestSpan, call('log-after-root'));
    expectRecord(byBody(logs, 'after every span'), { severityNumber: 5, severityText: 'DEBUG', body: 'after every span', attributes: { 'wasi.logging.context': 'app' } }, call('log-after'), call('log-after'));
    expect(host.problems()).toEqual({});
  });
});
