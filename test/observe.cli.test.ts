/**
 * The `wasi:observe` world through the CLI (`wasm-otel run --invoke`, a child process): the WAT
 * guests wasi-observe-forwarder.wasm (wasi:observe/tracer and wasi:logging) and logging-only.wasm
 * (wasi:logging alone), exported over OTLP/HTTP and over OTLP/gRPC to receivers that decode with
 * the official schema, and printed as the console tree when no collector is configured.
 *
 * Exact values everywhere; only what is random (trace and span ids the host chooses, the times of
 * the clock) is masked, and those ids are compared between spans and records instead.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { OTLP_GRPC_METHODS, startOtlpGrpcReceiver } from './support/otlp-grpc-receiver.js';
import { OtlpSpanKind, OtlpStatusCode, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { receivedLogs, type OtlpLog } from './support/otlp-signals.js';
import { component } from './support/paths.js';
import { byName, childrenOf } from './support/span-tree.js';

const FORWARDER = 'wasi-observe-forwarder.wasm';
const LOGGING_ONLY = 'logging-only.wasm';
const SERVICE = 'observe-cli-test';

const TRACER_SCOPE = { name: 'wasi:observe/tracer', version: '', attributes: {} };
const LOGGING_SCOPE = { name: 'wasi:logging/logging', version: '', attributes: {} };
const HOST_SCOPE = { name: 'wasm-otel', version: '0.1.0', attributes: {} };
/** Span.flags of a local, sampled span: sampled, and "is_remote is known" (false). */
const LOCAL_SAMPLED = 0x101;

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(component(file))).digest('hex');

/** What every host span of a `--invoke` call carries (these guests use no wasi:otel, so no shape). */
const hostAttributes = (file: string, exported: string): Record<string, string> => ({
  'wasm.module.name': file,
  'wasm.module.kind': 'component',
  'wasm.module.sha256': sha256(file),
  'wasm.export': exported,
});

/** The span the host wraps the call in: a root, kind internal, status ok, in the host's scope. */
function expectHostSpan(spans: OtlpSpan[], file: string, exported: string): OtlpSpan {
  const host = byName(spans, file);
  expect(host.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(host.spanId).toMatch(/^[0-9a-f]{16}$/);
  expect({
    parentSpanId: host.parentSpanId,
    kind: host.kind,
    scope: host.scope,
    attributes: host.attributes,
    status: host.status,
    events: host.events,
    links: host.links,
    flags: host.flags,
    service: host.resource['service.name'],
  }).toEqual({
    parentSpanId: '',
    kind: OtlpSpanKind.INTERNAL,
    scope: HOST_SCOPE,
    attributes: hostAttributes(file, exported),
    status: { code: OtlpStatusCode.OK, message: '' },
    events: [],
    links: [],
    flags: LOCAL_SAMPLED,
    service: SERVICE,
  });
  return host;
}

/** What a wasi:observe span shares with the others: its trace, scope, resource, flags, nothing dropped. */
function expectObserveSpan(span: OtlpSpan, traceId: string, parentSpanId: string): void {
  expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
  expect({
    traceId: span.traceId,
    parentSpanId: span.parentSpanId,
    traceState: span.traceState,
    scope: span.scope,
    flags: span.flags,
    service: span.resource['service.name'],
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
  }).toEqual({ traceId, parentSpanId, traceState: '', scope: TRACER_SCOPE, flags: LOCAL_SAMPLED, service: SERVICE, dropped: [0, 0, 0] });
  expect(span.startTimeUnixNano <= span.endTimeUnixNano).toBe(true);
}

/** `inner` lies within `outer` in time (both ends included). */
const within = (inner: { start: bigint; end: bigint }, outer: OtlpSpan): boolean =>
  inner.start >= outer.startTimeUnixNano && inner.end <= outer.endTimeUnixNano;
const timesOf = (span: OtlpSpan) => ({ start: span.startTimeUnixNano, end: span.endTimeUnixNano });

/** The five attributes of the forwarder's bench-span, as OTLP carries them. */
const BENCH_ATTRIBUTES = { 'bench.string': 'value', 'bench.bool': true, 'bench.float64': 1.5, 'bench.s64': 42n, 'bench.array': ['a', 'b'] };

/** The six records of logging-only's log-all, in order, as OTLP carries them. */
const LOG_ALL: Pick<OtlpLog, 'severityNumber' | 'severityText' | 'body' | 'attributes'>[] = [
  { severityNumber: 1, severityText: 'TRACE', body: 'trace message', attributes: { 'wasi.logging.context': 'ctx.trace' } },
  { severityNumber: 5, severityText: 'DEBUG', body: 'debug message', attributes: { 'wasi.logging.context': 'ctx.debug' } },
  { severityNumber: 9, severityText: 'INFO', body: 'info message', attributes: {} },
  { severityNumber: 13, severityText: 'WARN', body: 'warn message', attributes: { 'wasi.logging.context': 'ctx.warn' } },
  { severityNumber: 17, severityText: 'ERROR', body: 'error message', attributes: { 'wasi.logging.context': 'ctx.error' } },
  { severityNumber: 21, severityText: 'FATAL', body: 'critical message', attributes: { 'wasi.logging.context': 'ctx.critical' } },
];

/** What every wasi:logging record shares: its scope and resource, the host span's ids, sampled, no event name. */
function expectLogRecords(logs: OtlpLog[], host: OtlpSpan, expected: typeof LOG_ALL): void {
  expect(logs.map((log) => ({ severityNumber: log.severityNumber, severityText: log.severityText, body: log.body, attributes: log.attributes }))).toEqual(expected);
  for (const log of logs) {
    expect({
      scope: log.scope,
      service: log.resource['service.name'],
      traceId: log.traceId,
      spanId: log.spanId,
      flags: log.flags,
      eventName: log.eventName,
      droppedAttributesCount: log.droppedAttributesCount,
    }).toEqual({ scope: LOGGING_SCOPE, service: SERVICE, traceId: host.traceId, spanId: host.spanId, flags: 1, eventName: '', droppedAttributesCount: 0 });
    expect(within({ start: log.timeUnixNano, end: log.timeUnixNano }, host)).toBe(true);
    expect(log.observedTimeUnixNano >= log.timeUnixNano).toBe(true);
  }
  // In the order the guest logged them.
  const times = logs.map((log) => log.timeUnixNano);
  expect([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(times);
}

/** The stderr line of an s64 beyond 2^53 given to `start` as the attribute `big`. */
const ROUNDED_LINE = 'wasm-otel: attribute_value_rounded: tracer.start "big": attribute "big": s64 9007199254740993 is beyond 2^53 and is exported as 9007199254740992';

const START_SERVER = 'start("x", some({new-root: false, span-kind: some(server), attributes: none, links: none, timestamp: none}))';
const START_BIG = 'start("big", some({new-root: false, span-kind: none, attributes: some([{key: "big", value: s64(9007199254740993)}]), links: none, timestamp: none}))';
/** Every start option: kind, one attribute of each value type, a link, a start time of the guest's own. */
const START_FULL = [
  'start("full", some({new-root: false, span-kind: some(consumer), attributes: some([',
  '{key: "s", value: string("text")}, {key: "b", value: bool(false)}, {key: "f", value: float64(-0.25)}, {key: "i", value: s64(-42)}, ',
  '{key: "sa", value: string-array(["x", ""])}, {key: "ba", value: bool-array([true, false])}, {key: "fa", value: float64-array([1.5, -2.5])}, ',
  '{key: "ia", value: s64-array([1, -9007199254740991])}]), ',
  'links: some([{span-context: {trace-id: "0af7651916cd43dd8448eb211c80319c", span-id: "b7ad6b7169203331", trace-flags: {sampled}, is-remote: true, ',
  'trace-state: [("vendor", "v1")]}, attributes: [{key: "link.n", value: s64(7)}]}]), ',
  'timestamp: some({seconds: 1700000000, nanoseconds: 5})}))',
].join('');
const START_ROOT = 'start("root", some({new-root: true, span-kind: some(producer), attributes: none, links: none, timestamp: none}))';

interface Transport {
  name: string;
  start: () => Promise<OtlpReceiver>;
  env: (receiver: OtlpReceiver) => Record<string, string>;
  /** The request path (HTTP) or gRPC method of each signal. */
  paths: { traces: string; logs: string };
}

const TRANSPORTS: Transport[] = [
  {
    name: 'OTLP/HTTP (protobuf)',
    start: () => startOtlpReceiver(),
    env: (receiver) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: SERVICE }),
    paths: { traces: '/v1/traces', logs: '/v1/logs' },
  },
  {
    name: 'OTLP/gRPC',
    start: () => startOtlpGrpcReceiver(),
    env: (receiver) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_SERVICE_NAME: SERVICE }),
    paths: { traces: OTLP_GRPC_METHODS.traces, logs: OTLP_GRPC_METHODS.logs },
  },
];

describe.each(TRANSPORTS)('wasi:observe through the CLI over $name', (transport) => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await transport.start();
  });
  afterAll(async () => receiver.close());
  beforeEach(() => receiver.reset());

  /** Runs the CLI on `file` with `--invoke invoke`, exporting to this receiver. */
  const run = (file: string, invoke: string) => runCli(['run', component(file), '--invoke', invoke], transport.env(receiver));
  /** The paths the receiver got requests on, each once, sorted. */
  const paths = (): string[] => [...new Set(receiver.requests.map((r) => r.path))].sort();

  it('nested-drop: host span -> outer -> inner; outer dropped (so ended) before inner ends', async () => {
    expect(await run(FORWARDER, 'nested-drop')).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(3);
    expect(spans.map((s) => s.name).sort()).toEqual(['inner', 'outer', FORWARDER]);
    const host = expectHostSpan(spans, FORWARDER, 'nested-drop');
    const outer = byName(spans, 'outer');
    const inner = byName(spans, 'inner');
    expectObserveSpan(outer, host.traceId, host.spanId);
    expectObserveSpan(inner, host.traceId, outer.spanId);
    expect(new Set([host.spanId, outer.spanId, inner.spanId]).size).toBe(3);
    for (const span of [outer, inner]) {
      expect([span.kind, span.attributes, span.events, span.links, span.status]).toEqual([OtlpSpanKind.INTERNAL, {}, [], [], { code: OtlpStatusCode.UNSET, message: '' }]);
      expect(within(timesOf(span), host)).toBe(true);
    }
    // outer starts, inner starts, outer is dropped, inner ends.
    expect(outer.startTimeUnixNano < inner.startTimeUnixNano && inner.startTimeUnixNano < outer.endTimeUnixNano && outer.endTimeUnixNano < inner.endTimeUnixNano).toBe(true);
    expect(paths()).toEqual([transport.paths.traces]);
  });

  it('bench-spans(2): two spans with the five typed attributes and the event, each a child of the host span', async () => {
    expect(await run(FORWARDER, 'bench-spans(2)')).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(3);
    expect(spans).toHaveLength(3);
    const host = expectHostSpan(spans, FORWARDER, 'bench-spans');
    const bench = childrenOf(spans, host.spanId);
    expect(bench.map((s) => s.name)).toEqual(['bench', 'bench']);
    expect(bench[0]!.spanId).not.toBe(bench[1]!.spanId);
    for (const span of bench) {
      expectObserveSpan(span, host.traceId, host.spanId);
      expect([span.kind, span.attributes, span.links, span.status]).toEqual([OtlpSpanKind.INTERNAL, BENCH_ATTRIBUTES, [], { code: OtlpStatusCode.UNSET, message: '' }]);
      expect(span.events.map((e) => [e.name, e.attributes, e.droppedAttributesCount])).toEqual([['bench-event', {}, 0]]);
      expect(within({ start: span.events[0]!.timeUnixNano, end: span.events[0]!.timeUnixNano }, span)).toBe(true);
      expect(within(timesOf(span), host)).toBe(true);
    }
    // The second starts after the first ended.
    expect(bench[0]!.endTimeUnixNano <= bench[1]!.startTimeUnixNano).toBe(true);
  });

  it('start-drop(3): three spans ended by the drop of their handles (no close reason, status unset)', async () => {
    expect(await run(FORWARDER, 'start-drop(3)')).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(4);
    expect(spans).toHaveLength(4);
    const host = expectHostSpan(spans, FORWARDER, 'start-drop');
    const dropped = childrenOf(spans, host.spanId);
    expect(dropped.map((s) => [s.name, s.kind, s.attributes, s.events, s.status])).toEqual(Array(3).fill(['dropped', OtlpSpanKind.INTERNAL, {}, [], { code: OtlpStatusCode.UNSET, message: '' }]));
    expect(new Set(dropped.map((s) => s.spanId)).size).toBe(3);
    for (const span of dropped) expectObserveSpan(span, host.traceId, host.spanId);
  });

  it('a span left open when the run ends (--invoke start(...), kind server): exported closed, status error, close reason "exit"', async () => {
    // The export returns the guest's handle index of the span: 1.
    expect(await run(FORWARDER, START_SERVER)).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const spans = await receiver.waitForSpans(2);
    expect(spans).toHaveLength(2);
    const host = expectHostSpan(spans, FORWARDER, 'start');
    const open = byName(spans, 'x');
    expectObserveSpan(open, host.traceId, host.spanId);
    expect([open.kind, open.attributes, open.events, open.links, open.status]).toEqual([
      OtlpSpanKind.SERVER,
      { 'wasm_otel.span.close_reason': 'exit' },
      [],
      [],
      { code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited' },
    ]);
    expect(within(timesOf(open), host)).toBe(true);
  });

  it('an s64 of 9007199254740993 given through --invoke: reported on stderr, exported as 9007199254740992', async () => {
    expect(await run(FORWARDER, START_BIG)).toEqual({ code: 0, stdout: '1\n', stderr: `${ROUNDED_LINE}\n` });
    const spans = await receiver.waitForSpans(2);
    const host = expectHostSpan(spans, FORWARDER, 'start');
    const big = byName(spans, 'big');
    expectObserveSpan(big, host.traceId, host.spanId);
    expect(big.attributes).toEqual({ big: 9007199254740992n, 'wasm_otel.span.close_reason': 'exit' });
  });

  it('every start option: kind consumer, one attribute of each value type, a link, the guest\'s start time', async () => {
    expect(await run(FORWARDER, START_FULL)).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const spans = await receiver.waitForSpans(2);
    const host = expectHostSpan(spans, FORWARDER, 'start');
    const full = byName(spans, 'full');
    expectObserveSpan(full, host.traceId, host.spanId);
    expect(full.kind).toBe(OtlpSpanKind.CONSUMER);
    expect(full.startTimeUnixNano).toBe(1_700_000_000_000_000_005n);
    expect(full.endTimeUnixNano >= host.startTimeUnixNano && full.endTimeUnixNano <= host.endTimeUnixNano).toBe(true);
    expect(full.attributes).toEqual({
      s: 'text',
      b: false,
      f: -0.25,
      i: -42n,
      sa: ['x', ''],
      ba: [true, false],
      fa: [1.5, -2.5],
      ia: [1n, -9007199254740991n],
      'wasm_otel.span.close_reason': 'exit',
    });
    expect(full.links).toEqual([
      {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceState: 'vendor=v1',
        attributes: { 'link.n': 7n },
        droppedAttributesCount: 0,
        flags: 0x301, // sampled, has is_remote, is_remote
      },
    ]);
    expect(full.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited' });
  });

  it('new-root: a span of a trace of its own, without a parent (kind producer)', async () => {
    expect(await run(FORWARDER, START_ROOT)).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const spans = await receiver.waitForSpans(2);
    const host = expectHostSpan(spans, FORWARDER, 'start');
    const root = byName(spans, 'root');
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.traceId).not.toBe(host.traceId);
    expectObserveSpan(root, root.traceId, '');
    expect([root.kind, root.attributes, root.status]).toEqual([
      OtlpSpanKind.PRODUCER,
      { 'wasm_otel.span.close_reason': 'exit' },
      { code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited' },
    ]);
  });

  it('logging-only log-all: six records, severity from the level, body the message, the context as wasi.logging.context, in the host span', async () => {
    expect(await run(LOGGING_ONLY, 'log-all')).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(1);
    expect(spans).toHaveLength(1);
    const host = expectHostSpan(spans, LOGGING_ONLY, 'log-all');
    const logs = receivedLogs(receiver);
    expect(logs).toHaveLength(6);
    expectLogRecords(logs, host, LOG_ALL);
    expect(paths()).toEqual([transport.paths.logs, transport.paths.traces].sort());
  });

  it('logging-only log(...): the strings the host lowered reach the record unchanged; an empty context is no attribute', async () => {
    expect(await run(LOGGING_ONLY, 'log(critical, "", "all \\"quoted\\" ü")')).toEqual({ code: 0, stdout: '', stderr: '' });
    const host = expectHostSpan(await receiver.waitForSpans(1), LOGGING_ONLY, 'log');
    expectLogRecords(receivedLogs(receiver), host, [{ severityNumber: 21, severityText: 'FATAL', body: 'all "quoted" ü', attributes: {} }]);
  });

  it('the forwarder\'s log(...): wasi:logging next to wasi:observe, the record in the host span', async () => {
    expect(await run(FORWARDER, 'log(debug, "ctx.fwd", "forwarded")')).toEqual({ code: 0, stdout: '', stderr: '' });
    const spans = await receiver.waitForSpans(1);
    expect(spans).toHaveLength(1);
    const host = expectHostSpan(spans, FORWARDER, 'log');
    expectLogRecords(receivedLogs(receiver), host, [{ severityNumber: 5, severityText: 'DEBUG', body: 'forwarded', attributes: { 'wasi.logging.context': 'ctx.fwd' } }]);
  });
});

describe('wasi:observe in the console tree (no collector configured)', () => {
  /** Runs the CLI with no OTEL_* at all: the console exporters, on stderr. */
  const run = (file: string, invoke: string) => runCli(['run', component(file), '--invoke', invoke]);

  /** The stderr text with what is random masked: the trace ids (checked for shape) and the times. */
  function masked(stderr: string): string[] {
    return stderr
      .trimEnd()
      .split('\n')
      .map((line) => {
        if (line.startsWith('trace ')) {
          expect(line).toMatch(/^trace [0-9a-f]{32}$/);
          return 'trace <id>';
        }
        return line.replace(/\b\d+(?:\.\d+)?(?:ms|us)\b/g, '<t>');
      });
  }

  it('nested-drop: outer under the host span, inner under outer', async () => {
    const result = await run(FORWARDER, 'nested-drop');
    expect([result.code, result.stdout]).toEqual([0, '']);
    expect(masked(result.stderr)).toEqual([
      'trace <id>',
      `└─ ${FORWARDER}  internal  <t>  OK`,
      '   └─ outer  internal  <t>',
      '      └─ inner  internal  <t>',
    ]);
  });

  it('bench-spans(2): the attributes and the event of each span under it', async () => {
    const result = await run(FORWARDER, 'bench-spans(2)');
    expect([result.code, result.stdout]).toEqual([0, '']);
    expect(masked(result.stderr)).toEqual([
      'trace <id>',
      `└─ ${FORWARDER}  internal  <t>  OK`,
      '   ├─ bench  internal  <t>',
      '   │    bench.string="value" bench.bool=true bench.float64=1.5 bench.s64=42 bench.array=["a","b"]',
      '   │    event "bench-event" at +<t>',
      '   └─ bench  internal  <t>',
      '        bench.string="value" bench.bool=true bench.float64=1.5 bench.s64=42 bench.array=["a","b"]',
      '        event "bench-event" at +<t>',
    ]);
  });

  it('a span left open at the end: kind server, closed with status error and the close reason', async () => {
    const result = await run(FORWARDER, START_SERVER);
    expect([result.code, result.stdout]).toEqual([0, '1\n']);
    expect(masked(result.stderr)).toEqual([
      'trace <id>',
      `└─ ${FORWARDER}  internal  <t>  OK`,
      '   └─ x  server  <t>  ERROR "span still open when the guest exited"',
      '        wasm_otel.span.close_reason="exit"',
    ]);
  });

  it('the rounded s64: the problem line, then the span with the value as exported', async () => {
    const result = await run(FORWARDER, START_BIG);
    expect([result.code, result.stdout]).toEqual([0, '1\n']);
    expect(masked(result.stderr)).toEqual([
      ROUNDED_LINE,
      'trace <id>',
      `└─ ${FORWARDER}  internal  <t>  OK`,
      '   └─ big  internal  <t>  ERROR "span still open when the guest exited"',
      '        big=9007199254740992 wasm_otel.span.close_reason="exit"',
    ]);
  });

  it('logging-only log-all: the six records under the host span, in order, inside its time', async () => {
    const result = await run(LOGGING_ONLY, 'log-all');
    expect([result.code, result.stdout]).toEqual([0, '']);
    expect(masked(result.stderr)).toEqual([
      'trace <id>',
      `└─ ${LOGGING_ONLY}  internal  <t>  OK`,
      '     log TRACE "trace message" at +<t>  wasi.logging.context="ctx.trace"',
      '     log DEBUG "debug message" at +<t>  wasi.logging.context="ctx.debug"',
      '     log INFO "info message" at +<t>',
      '     log WARN "warn message" at +<t>  wasi.logging.context="ctx.warn"',
      '     log ERROR "error message" at +<t>  wasi.logging.context="ctx.error"',
      '     log FATAL "critical message" at +<t>  wasi.logging.context="ctx.critical"',
    ]);
  });
});

describe('a method called through a handle the guest was never given (jco passes the host a blank Span)', () => {
  /*
   * In a fresh instance, handle 1 is past the end of jco's handle table: the glue calls the
   * method with `this` an Object.create(Span.prototype) whose constructor never ran (see the
   * header of wasi-observe-forwarder.wat). Host imports never throw into a guest: the call is
   * reported as unknown_span_handle and ignored, the guest goes on, the host span is OK.
   */
  const LINK = '{span-context: {trace-id: "0af7651916cd43dd8448eb211c80319c", span-id: "b7ad6b7169203331", trace-flags: {sampled}, is-remote: true, trace-state: []}, attributes: []}';
  const unknown = (method: string): string => `wasm-otel: unknown_span_handle: span.${method}: the handle names no span of this instance (unknown or already dropped); ignored`;
  const tree = ['trace <id>', `└─ ${FORWARDER}  internal  <t>  OK`];
  const masked = (stderr: string): string[] =>
    stderr
      .trimEnd()
      .split('\n')
      .map((line) => (/^trace [0-9a-f]{32}$/.test(line) ? 'trace <id>' : line.replace(/\b\d+(?:\.\d+)?(?:ms|us)\b/g, '<t>')));

  it.each([
    ['set-attributes', 'set-attributes(1, [{key: "k", value: bool(true)}])'],
    ['add-event', 'add-event(1, "e", none, none)'],
    ['add-link', `add-link(1, ${LINK})`],
    ['set-status', 'set-status(1, error("boom"))'],
    ['update-name', 'update-name(1, "renamed")'],
    ['end', 'end(1, none)'],
  ])('%s: one unknown_span_handle line, exit 0, no result', async (method, invoke) => {
    const result = await runCli(['run', component(FORWARDER), '--invoke', invoke]);
    expect({ code: result.code, stdout: result.stdout, stderr: masked(result.stderr) }).toEqual({ code: 0, stdout: '', stderr: [unknown(method), ...tree] });
  });

  it.each([
    ['span-context', 'span-context(1)', '{trace-id: "00000000000000000000000000000000", span-id: "0000000000000000", trace-flags: {}, is-remote: false, trace-state: []}\n'],
    ['is-recording', 'is-recording(1)', 'false\n'],
  ])('%s: one unknown_span_handle line, exit 0, the answer for no span', async (method, invoke, stdout) => {
    const result = await runCli(['run', component(FORWARDER), '--invoke', invoke]);
    expect({ code: result.code, stdout: result.stdout, stderr: masked(result.stderr) }).toEqual({ code: 0, stdout, stderr: [unknown(method), ...tree] });
  });
});

describe('float64 values over OTLP (a known limit of the OTel JS exporters)', () => {
  /*
   * OTel JS holds a float64 as a JS number, and its OTLP exporters choose intValue or doubleValue
   * by value: a float64 of 2 leaves as the integer 2, and [1, 2.5] as [int 1, double 2.5]. The
   * receiver decodes doubleValue as a number and intValue as a bigint. (README: values.)
   */
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => receiver.close());

  it('float64(2) and float64-array([1, 2.5]): whole values leave as OTLP ints (the documented limit), 2.5 as a double', async () => {
    const invoke = 'start("f", some({new-root: false, span-kind: none, attributes: some([{key: "f", value: float64(2)}, {key: "fa", value: float64-array([1, 2.5])}]), links: none, timestamp: none}))';
    const result = await runCli(['run', component(FORWARDER), '--invoke', invoke], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: SERVICE });
    expect(result).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const spans = await receiver.waitForSpans(2);
    const host = expectHostSpan(spans, FORWARDER, 'start');
    const span = byName(spans, 'f');
    expectObserveSpan(span, host.traceId, host.spanId);
    expect(span.attributes).toEqual({ f: 2n, fa: [1n, 2.5], 'wasm_otel.span.close_reason': 'exit' });
  });
});
