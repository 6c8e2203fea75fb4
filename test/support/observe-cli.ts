/**
 * What the wasi:observe CLI tests share: the guests, the scopes, the exact host span, observe span
 * and log record checks, the WAVE calls, and the two OTLP transports.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { OTLP_GRPC_METHODS, startOtlpGrpcReceiver } from './otlp-grpc-receiver.js';
import { OtlpSpanKind, OtlpStatusCode, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './otlp-receiver.js';
import type { OtlpLog } from './otlp-signals.js';
import { component } from './paths.js';
import { byName } from './span-tree.js';

export const FORWARDER = 'wasi-observe-forwarder.wasm';
export const LOGGING_ONLY = 'logging-only.wasm';
export const SERVICE = 'observe-cli-test';

export const TRACER_SCOPE = { name: 'wasi:observe/tracer', version: '', attributes: {} };
export const LOGGING_SCOPE = { name: 'wasi:logging/logging', version: '', attributes: {} };
export const HOST_SCOPE = { name: 'wasm-otel', version: '0.1.0', attributes: {} };
/** Span.flags of a local, sampled span: sampled, and "is_remote is known" (false). */
export const LOCAL_SAMPLED = 0x101;

export const sha256 = (file: string): string => createHash('sha256').update(readFileSync(component(file))).digest('hex');

/** What every host span of a `--invoke` call carries (these guests use no wasi:otel, so no shape). */
export const hostAttributes = (file: string, exported: string): Record<string, string> => ({
  'wasm.module.name': file,
  'wasm.module.kind': 'component',
  'wasm.module.sha256': sha256(file),
  'wasm.export': exported,
});

/** The span the host wraps the call in: a root, kind internal, status ok, in the host's scope. */
export function expectHostSpan(spans: OtlpSpan[], file: string, exported: string): OtlpSpan {
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
export function expectObserveSpan(span: OtlpSpan, traceId: string, parentSpanId: string): void {
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
export const within = (inner: { start: bigint; end: bigint }, outer: OtlpSpan): boolean =>
  inner.start >= outer.startTimeUnixNano && inner.end <= outer.endTimeUnixNano;
export const timesOf = (span: OtlpSpan) => ({ start: span.startTimeUnixNano, end: span.endTimeUnixNano });

/** The five attributes of the forwarder's bench-span, as OTLP carries them. */
export const BENCH_ATTRIBUTES = { 'bench.string': 'value', 'bench.bool': true, 'bench.float64': 1.5, 'bench.s64': 42n, 'bench.array': ['a', 'b'] };

/** The six records of logging-only's log-all, in order, as OTLP carries them. */
export const LOG_ALL: Pick<OtlpLog, 'severityNumber' | 'severityText' | 'body' | 'attributes'>[] = [
  { severityNumber: 1, severityText: 'TRACE', body: 'trace message', attributes: { 'wasi.logging.context': 'ctx.trace' } },
  { severityNumber: 5, severityText: 'DEBUG', body: 'debug message', attributes: { 'wasi.logging.context': 'ctx.debug' } },
  { severityNumber: 9, severityText: 'INFO', body: 'info message', attributes: {} },
  { severityNumber: 13, severityText: 'WARN', body: 'warn message', attributes: { 'wasi.logging.context': 'ctx.warn' } },
  { severityNumber: 17, severityText: 'ERROR', body: 'error message', attributes: { 'wasi.logging.context': 'ctx.error' } },
  { severityNumber: 21, severityText: 'FATAL', body: 'critical message', attributes: { 'wasi.logging.context': 'ctx.critical' } },
];

/** What every wasi:logging record shares: its scope and resource, the host span's ids, sampled, no event name. */
export function expectLogRecords(logs: OtlpLog[], host: OtlpSpan, expected: typeof LOG_ALL): void {
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
export const ROUNDED_LINE = 'wasm-otel: attribute_value_rounded: tracer.start "big": attribute "big": s64 9007199254740993 is beyond 2^53 and is exported as 9007199254740992';

export const START_SERVER = 'start("x", some({new-root: false, span-kind: some(server), attributes: none, links: none, timestamp: none}))';
export const START_BIG = 'start("big", some({new-root: false, span-kind: none, attributes: some([{key: "big", value: s64(9007199254740993)}]), links: none, timestamp: none}))';
/** Every start option: kind, one attribute of each value type, a link, a start time of the guest's own. */
export const START_FULL = [
  'start("full", some({new-root: false, span-kind: some(consumer), attributes: some([',
  '{key: "s", value: string("text")}, {key: "b", value: bool(false)}, {key: "f", value: float64(-0.25)}, {key: "i", value: s64(-42)}, ',
  '{key: "sa", value: string-array(["x", ""])}, {key: "ba", value: bool-array([true, false])}, {key: "fa", value: float64-array([1.5, -2.5])}, ',
  '{key: "ia", value: s64-array([1, -9007199254740991])}]), ',
  'links: some([{span-context: {trace-id: "0af7651916cd43dd8448eb211c80319c", span-id: "b7ad6b7169203331", trace-flags: {sampled}, is-remote: true, ',
  'trace-state: [("vendor", "v1")]}, attributes: [{key: "link.n", value: s64(7)}]}]), ',
  'timestamp: some({seconds: 1700000000, nanoseconds: 5})}))',
].join('');
export const START_ROOT = 'start("root", some({new-root: true, span-kind: some(producer), attributes: none, links: none, timestamp: none}))';

export interface Transport {
  name: string;
  start: () => Promise<OtlpReceiver>;
  env: (receiver: OtlpReceiver) => Record<string, string>;
  /** The request path (HTTP) or gRPC method of each signal. */
  paths: { traces: string; logs: string };
}

export const TRANSPORTS: Transport[] = [
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
