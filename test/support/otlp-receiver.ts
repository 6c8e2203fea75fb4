/**
 * Test-support OTLP/HTTP receiver.
 *
 * Starts a plain `node:http` server that accepts OTLP/HTTP exports
 * (`/v1/traces`, `/v1/metrics`, `/v1/logs`) in both protobuf
 * (`application/x-protobuf`) and OTLP/JSON (`application/json`) encodings.
 *
 * Both encodings are decoded with the OFFICIAL OTLP schema (the protobufjs
 * static root shipped by `@opentelemetry/otlp-transformer@0.57.2`, installed as
 * the `otlp-transformer-057` alias) into the same protobufjs message objects,
 * then trace requests are flattened into an easy-to-assert span shape
 * ({@link OtlpSpan}).
 *
 * Notes:
 * - int64/fixed64 values are converted to `bigint` exactly (from protobufjs
 *   `Long`s or from OTLP/JSON decimal strings), never through a lossy Number.
 * - The 0.57.2 schema predates OTLP proto v1.1.0, so it has no `Span.flags`
 *   (field 16) or `Span.Link.flags` (field 6). The receiver extracts those two
 *   fields itself (from the protobuf wire bytes, or from the JSON document) and
 *   patches them onto the decoded messages as `flags`.
 * - OTLP/JSON is validated strictly where the spec is strict and protobuf-JSON
 *   defaults differ: trace/span ids MUST be hex (not base64). int64 values may be
 *   decimal strings or JSON numbers; integer literals are parsed exactly even
 *   beyond 2^53 (see {@link parseJsonExact}).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/** Decoded OTLP `AnyValue`. intValue → bigint, doubleValue → number, bytesValue → Uint8Array,
 * arrayValue → array, kvlistValue → plain object, empty AnyValue → null. */
export type OtlpValue =
  | string
  | boolean
  | bigint
  | number
  | Uint8Array
  | null
  | OtlpValue[]
  | { [key: string]: OtlpValue };

export type OtlpAttributes = Record<string, OtlpValue>;

/** OTLP `Span.SpanKind` numbers. */
export const OtlpSpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** OTLP `Status.StatusCode` numbers. */
export const OtlpStatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/** OTLP `SpanFlags` bits (low 8 bits are W3C trace flags). */
export const OtlpSpanFlags = {
  TRACE_FLAGS_MASK: 0xff,
  CONTEXT_HAS_IS_REMOTE_MASK: 0x100,
  CONTEXT_IS_REMOTE_MASK: 0x200,
} as const;

export interface OtlpSpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: OtlpAttributes;
  droppedAttributesCount: number;
}

export interface OtlpSpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: OtlpAttributes;
  droppedAttributesCount: number;
  /** Span.Link.flags (0 if absent). */
  flags: number;
}

export interface OtlpScope {
  name: string;
  version: string;
  attributes: OtlpAttributes;
}

/** One span, flattened out of resourceSpans/scopeSpans. */
export interface OtlpSpan {
  /** 32 lowercase hex chars. */
  traceId: string;
  /** 16 lowercase hex chars. */
  spanId: string;
  /** 16 lowercase hex chars, or '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** OTLP enum: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: OtlpAttributes;
  events: OtlpSpanEvent[];
  links: OtlpSpanLink[];
  /** code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  /** Span.flags (0 if absent). */
  flags: number;
  /** Resource attributes. */
  resource: OtlpAttributes;
  scope: OtlpScope;
}

export type OtlpSignal = 'traces' | 'metrics' | 'logs';
export type OtlpEncoding = 'protobuf' | 'json';

/**
 * A decoded Export*ServiceRequest: a protobufjs message object of the official
 * schema (same shape whichever encoding was used). Fields use lowerCamelCase,
 * bytes are Uint8Array (Buffer), 64-bit ints are protobufjs `Long`s, absent
 * scalar fields read as null. Use {@link toBigInt}/{@link toHex}/{@link decodeAnyValue}
 * to read them.
 */
export type DecodedOtlpMessage = Record<string, unknown>;

export interface OtlpRequestRecord {
  signal: OtlpSignal;
  path: string;
  /** Raw `content-type` header ('' if absent). */
  contentType: string;
  encoding: OtlpEncoding;
  /** Raw `content-encoding` header ('' if absent). */
  contentEncoding: string;
  headers: IncomingHttpHeaders;
  /** Request body after content-encoding was removed. */
  body: Uint8Array;
  /** Parsed JSON document (only for OTLP/JSON requests); integer literals beyond ±(2^53-1) are kept exact as decimal strings. */
  json?: unknown;
  decoded: DecodedOtlpMessage;
}

export interface OtlpReceiverError {
  method: string;
  path: string;
  contentType: string;
  status: number;
  message: string;
}

export interface OtlpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:41234` (use as OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly endpoint: string;
  /** Every successfully decoded export request, in arrival order. */
  readonly requests: readonly OtlpRequestRecord[];
  /** Rejected requests (unknown path → 404, bad method, bad content-type, decode failures). */
  readonly errors: readonly OtlpReceiverError[];
  /** All spans received so far (flattened, normalized), in arrival order. */
  spans(): OtlpSpan[];
  /** Resolves with all spans once at least `count` spans were received. */
  waitForSpans(count: number, timeoutMs?: number): Promise<OtlpSpan[]>;
  /** Forget all requests, errors and spans. */
  reset(): void;
  /** Stop the server (drops keep-alive connections) and reject pending waiters. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Official schema (protobufjs static root)
// ---------------------------------------------------------------------------

interface PbWriter {
  finish(): Uint8Array;
}
interface PbMessageType {
  decode(buf: Uint8Array): DecodedOtlpMessage;
  fromObject(obj: Record<string, unknown>): DecodedOtlpMessage;
  encode(msg: DecodedOtlpMessage): PbWriter;
  create(props?: Record<string, unknown>): DecodedOtlpMessage;
}
interface CollectorNs {
  [name: string]: PbMessageType;
}
interface OtlpRoot {
  opentelemetry: {
    proto: {
      collector: { trace: { v1: CollectorNs }; metrics: { v1: CollectorNs }; logs: { v1: CollectorNs } };
      trace: { v1: { Span: PbMessageType } };
    };
  };
}

const require = createRequire(import.meta.url);
const root = require('otlp-transformer-057/build/src/generated/root.js') as OtlpRoot;

interface SignalCodec {
  signal: OtlpSignal;
  request: PbMessageType;
  response: PbMessageType;
}

const collector = root.opentelemetry.proto.collector;
function codec(signal: OtlpSignal, ns: CollectorNs, name: string): SignalCodec {
  const request = ns[`Export${name}ServiceRequest`];
  const response = ns[`Export${name}ServiceResponse`];
  if (!request || !response) throw new Error(`OTLP schema is missing Export${name}Service{Request,Response}`);
  return { signal, request, response };
}
const CODECS: Record<string, SignalCodec> = {
  '/v1/traces': codec('traces', collector.trace.v1, 'Trace'),
  '/v1/metrics': codec('metrics', collector.metrics.v1, 'Metrics'),
  '/v1/logs': codec('logs', collector.logs.v1, 'Logs'),
};
const CODEC_OF: Record<OtlpSignal, SignalCodec> = { traces: CODECS['/v1/traces']!, metrics: CODECS['/v1/metrics']!, logs: CODECS['/v1/logs']! };

/**
 * Decodes a protobuf Export{Trace,Metrics,Logs}ServiceRequest (the body of an OTLP/HTTP protobuf
 * request, or the message of an OTLP/gRPC call) with the official schema, patching in the fields
 * the 0.57.2 schema lacks (Span.flags, Link.flags, LogRecord.event_name).
 */
export function decodeProtobufRequest(signal: OtlpSignal, raw: Uint8Array): DecodedOtlpMessage {
  assertLongSupport();
  const decoded = CODEC_OF[signal].request.decode(raw);
  if (signal === 'traces') patchFlagsFromProtobuf(raw, decoded);
  if (signal === 'logs') patchEventNamesFromProtobuf(raw, decoded);
  return decoded;
}

/** The encoded empty Export*ServiceResponse of a signal: a collector's answer to a full success. */
export function emptyProtobufResponse(signal: OtlpSignal): Uint8Array {
  const { response } = CODEC_OF[signal];
  return response.encode(response.create()).finish();
}

let longSupportChecked = false;
/** protobufjs silently decodes 64-bit ints to (lossy) numbers when `long` is unavailable. */
function assertLongSupport(): void {
  if (longSupportChecked) return;
  // Span{ start_time_unix_nano (field 7, fixed64) = 2^53 + 1 }
  const probe = root.opentelemetry.proto.trace.v1.Span.decode(Uint8Array.of(0x39, 1, 0, 0, 0, 0, 0, 0x20, 0));
  const v = probe['startTimeUnixNano'];
  if (typeof v !== 'object' || v === null || toBigInt(v) !== 2n ** 53n + 1n) {
    throw new Error('protobufjs decodes int64 without Long support; refusing lossy int64 decoding');
  }
  longSupportChecked = true;
}

// ---------------------------------------------------------------------------
// Value helpers (exported for metrics/logs assertions on `requests[i].decoded`)
// ---------------------------------------------------------------------------

interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}
function isLongLike(v: unknown): v is LongLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as LongLike).low === 'number' &&
    typeof (v as LongLike).high === 'number'
  );
}

/** Exact conversion of a decoded 64-bit integer (protobufjs Long, bigint, decimal string, safe number) to bigint. null/undefined → 0n. */
export function toBigInt(v: unknown): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'bigint') return v;
  if (isLongLike(v)) {
    const unsigned = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
    return v.unsigned ? unsigned : BigInt.asIntN(64, unsigned);
  }
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw new TypeError(`cannot convert ${String(v)} (${typeof v}) to an exact 64-bit integer`);
}

/** Lowercase hex of a bytes field (null/undefined → ''). */
export function toHex(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  throw new TypeError(`expected bytes, got ${typeof v}`);
}

function toNum(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  return Number(toBigInt(v));
}

function toStr(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function setOwn<T>(obj: Record<string, T>, key: string, value: NoInfer<T>): void {
  // defineProperty so that a key like "__proto__" becomes a plain own property
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

type Msg = Record<string, unknown>;
function asMsg(v: unknown): Msg | undefined {
  return typeof v === 'object' && v !== null ? (v as Msg) : undefined;
}
function asArray(v: unknown): Msg[] {
  return Array.isArray(v) ? (v as Msg[]) : [];
}

const ANY_VALUE_FIELDS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
] as const;

/** Decode a protobufjs `AnyValue` message. */
export function decodeAnyValue(v: unknown): OtlpValue {
  const m = asMsg(v);
  if (!m) return null;
  const field = ANY_VALUE_FIELDS.find((f) => m[f] !== null && m[f] !== undefined);
  switch (field) {
    case undefined:
      return null;
    case 'stringValue':
      return String(m.stringValue);
    case 'boolValue':
      return Boolean(m.boolValue);
    case 'intValue':
      return toBigInt(m.intValue);
    case 'doubleValue':
      return Number(m.doubleValue);
    case 'bytesValue': {
      const b = m.bytesValue as Uint8Array;
      return new Uint8Array(b); // plain Uint8Array copy (not a Buffer view)
    }
    case 'arrayValue':
      return asArray(asMsg(m.arrayValue)?.values).map(decodeAnyValue);
    case 'kvlistValue':
      return decodeAttributes(asMsg(m.kvlistValue)?.values);
  }
}

/** Decode a repeated `KeyValue` field into an object (later duplicate keys win). */
export function decodeAttributes(v: unknown): OtlpAttributes {
  const out: OtlpAttributes = {};
  for (const kv of asArray(v)) setOwn(out, toStr(kv.key), decodeAnyValue(kv.value));
  return out;
}

// ---------------------------------------------------------------------------
// Span normalization
// ---------------------------------------------------------------------------

function idHex(v: unknown, bytes: number, where: string, allowEmpty: boolean): string {
  const hex = toHex(v);
  if (hex === '' && allowEmpty) return '';
  if (hex.length !== bytes * 2) {
    throw new Error(`${where}: expected a ${bytes}-byte id, got ${hex.length / 2} bytes (${hex || 'empty'})`);
  }
  return hex;
}

/** Flatten an ExportTraceServiceRequest message into normalized spans. */
export function normalizeTraceRequest(decoded: DecodedOtlpMessage): OtlpSpan[] {
  const out: OtlpSpan[] = [];
  asArray(decoded.resourceSpans).forEach((rs, ri) => {
    const resource = decodeAttributes(asMsg(rs.resource)?.attributes);
    asArray(rs.scopeSpans).forEach((ss, si) => {
      const sc = asMsg(ss.scope);
      const scope: OtlpScope = {
        name: toStr(sc?.name),
        version: toStr(sc?.version),
        attributes: decodeAttributes(sc?.attributes),
      };
      asArray(ss.spans).forEach((s, i) => {
        const where = `resourceSpans[${ri}].scopeSpans[${si}].spans[${i}]`;
        const status = asMsg(s.status);
        out.push({
          traceId: idHex(s.traceId, 16, `${where}.traceId`, false),
          spanId: idHex(s.spanId, 8, `${where}.spanId`, false),
          parentSpanId: idHex(s.parentSpanId, 8, `${where}.parentSpanId`, true),
          traceState: toStr(s.traceState),
          name: toStr(s.name),
          kind: toNum(s.kind),
          startTimeUnixNano: toBigInt(s.startTimeUnixNano),
          endTimeUnixNano: toBigInt(s.endTimeUnixNano),
          attributes: decodeAttributes(s.attributes),
          events: asArray(s.events).map((e) => ({
            name: toStr(e.name),
            timeUnixNano: toBigInt(e.timeUnixNano),
            attributes: decodeAttributes(e.attributes),
            droppedAttributesCount: toNum(e.droppedAttributesCount),
          })),
          links: asArray(s.links).map((l, li) => ({
            traceId: idHex(l.traceId, 16, `${where}.links[${li}].traceId`, false),
            spanId: idHex(l.spanId, 8, `${where}.links[${li}].spanId`, false),
            traceState: toStr(l.traceState),
            attributes: decodeAttributes(l.attributes),
            droppedAttributesCount: toNum(l.droppedAttributesCount),
            flags: toNum(l.flags),
          })),
          status: { code: toNum(status?.code), message: toStr(status?.message) },
          droppedAttributesCount: toNum(s.droppedAttributesCount),
          droppedEventsCount: toNum(s.droppedEventsCount),
          droppedLinksCount: toNum(s.droppedLinksCount),
          flags: toNum(s.flags),
          resource,
          scope,
        });
      });
    });
  });
  return out;
}

// ---------------------------------------------------------------------------
// Span.flags / Link.flags (not in the 0.57.2 schema)
// ---------------------------------------------------------------------------

/** Minimal protobuf wire walker. Calls `onField(fieldNo, wireType, start, end)` for each field of a message. */
function walkFields(
  buf: Uint8Array,
  start: number,
  end: number,
  onField: (field: number, wireType: number, valueStart: number, valueEnd: number) => void,
): void {
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new Error('truncated varint');
      const b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return result;
    }
    throw new Error('varint too long');
  };
  while (pos < end) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    const valueStart = pos;
    switch (wireType) {
      case 0:
        varint();
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const len = varint();
        onField(field, wireType, pos, pos + len);
        pos += len;
        if (pos > end) throw new Error('truncated length-delimited field');
        continue;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
    if (pos > end) throw new Error('truncated field');
    onField(field, wireType, valueStart, pos);
  }
}

function fixed32At(buf: Uint8Array, pos: number): number {
  return (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
}

/** Patch Span.flags (16) and Span.Link.flags (6) from the protobuf wire bytes onto the decoded messages. */
function patchFlagsFromProtobuf(buf: Uint8Array, decoded: DecodedOtlpMessage): void {
  const resourceSpans = asArray(decoded.resourceSpans);
  let ri = 0;
  walkFields(buf, 0, buf.length, (f, wt, s, e) => {
    if (f !== 1 || wt !== 2) return;
    const rs = resourceSpans[ri++];
    const scopeSpans = asArray(rs?.scopeSpans);
    let si = 0;
    walkFields(buf, s, e, (f2, wt2, s2, e2) => {
      if (f2 !== 2 || wt2 !== 2) return;
      const spans = asArray(scopeSpans[si++]?.spans);
      let pi = 0;
      walkFields(buf, s2, e2, (f3, wt3, s3, e3) => {
        if (f3 !== 2 || wt3 !== 2) return;
        const span = spans[pi++];
        if (!span) return;
        const links = asArray(span.links);
        let li = 0;
        walkFields(buf, s3, e3, (f4, wt4, s4, e4) => {
          if (f4 === 16 && wt4 === 5) span.flags = fixed32At(buf, s4);
          if (f4 === 13 && wt4 === 2) {
            const link = links[li++];
            walkFields(buf, s4, e4, (f5, wt5, s5) => {
              if (link && f5 === 6 && wt5 === 5) link.flags = fixed32At(buf, s5);
            });
          }
        });
      });
    });
  });
}

/**
 * The 0.57.2 schema also predates `LogRecord.event_name` (field 12, OTLP proto v1.5.0): read it
 * from the wire bytes (ExportLogsServiceRequest.resource_logs 1 > scope_logs 2 > log_records 2).
 */
function patchEventNamesFromProtobuf(buf: Uint8Array, decoded: DecodedOtlpMessage): void {
  const resourceLogs = asArray(decoded.resourceLogs);
  let ri = 0;
  walkFields(buf, 0, buf.length, (f, wt, s, e) => {
    if (f !== 1 || wt !== 2) return;
    const scopeLogs = asArray(resourceLogs[ri++]?.scopeLogs);
    let si = 0;
    walkFields(buf, s, e, (f2, wt2, s2, e2) => {
      if (f2 !== 2 || wt2 !== 2) return;
      const records = asArray(scopeLogs[si++]?.logRecords);
      let li = 0;
      walkFields(buf, s2, e2, (f3, wt3, s3, e3) => {
        if (f3 !== 2 || wt3 !== 2) return;
        const record = records[li++];
        walkFields(buf, s3, e3, (f4, wt4, s4, e4) => {
          if (record && f4 === 12 && wt4 === 2) record.eventName = Buffer.from(buf.subarray(s4, e4)).toString('utf8');
        });
      });
    });
  });
}

function patchEventNamesFromJson(json: Msg, decoded: DecodedOtlpMessage): void {
  const dRl = asArray(decoded.resourceLogs);
  asArray(json.resourceLogs).forEach((rl, ri) => {
    const dSl = asArray(dRl[ri]?.scopeLogs);
    asArray(rl.scopeLogs).forEach((sl, si) => {
      const dRecords = asArray(dSl[si]?.logRecords);
      asArray(sl.logRecords).forEach((record, li) => {
        if (typeof record.eventName === 'string' && dRecords[li]) dRecords[li]!.eventName = record.eventName;
      });
    });
  });
}

function flagsFromJson(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new Error(`${where}.flags: expected a uint32, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Patch Span.flags / Link.flags from the (already camelCased) JSON document onto the decoded messages. */
function patchFlagsFromJson(json: Msg, decoded: DecodedOtlpMessage): void {
  const dRs = asArray(decoded.resourceSpans);
  asArray(json.resourceSpans).forEach((rs, ri) => {
    const dSs = asArray(dRs[ri]?.scopeSpans);
    asArray(rs.scopeSpans).forEach((ss, si) => {
      const dSpans = asArray(dSs[si]?.spans);
      asArray(ss.spans).forEach((span, i) => {
        const where = `resourceSpans[${ri}].scopeSpans[${si}].spans[${i}]`;
        const d = dSpans[i];
        if (!d) return;
        const flags = flagsFromJson(span.flags, where);
        if (flags !== undefined) d.flags = flags;
        const dLinks = asArray(d.links);
        asArray(span.links).forEach((link, li) => {
          const lf = flagsFromJson(link.flags, `${where}.links[${li}]`);
          if (lf !== undefined && dLinks[li]) dLinks[li]!.flags = lf;
        });
      });
    });
  });
}

// ---------------------------------------------------------------------------
// OTLP/JSON → protobufjs message
// ---------------------------------------------------------------------------

const HEX_ID_BYTES: Record<string, number> = { traceId: 16, spanId: 8, parentSpanId: 8 };
const INT64_KEYS = new Set([
  'intValue',
  'asInt',
  'startTimeUnixNano',
  'endTimeUnixNano',
  'timeUnixNano',
  'observedTimeUnixNano',
  'count',
  'zeroCount',
  'bucketCounts',
]);

function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function checkInt64(v: unknown, where: string): void {
  if (typeof v === 'string') {
    if (!/^-?\d+$/.test(v)) throw new Error(`${where}: int64 string must be decimal digits, got ${JSON.stringify(v)}`);
  } else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) {
      throw new Error(
        `${where}: int64 JSON number ${v} is not a safe integer (precision lost); OTLP/JSON should send it as a decimal string`,
      );
    }
  } else if (v !== null) {
    throw new Error(`${where}: expected an int64 (string or number), got ${JSON.stringify(v)}`);
  }
}

/**
 * Rewrite an OTLP/JSON document so protobufjs `fromObject` produces exactly what
 * protobuf decoding would: camelCase keys, hex ids → bytes, validated int64s.
 * (bytesValue stays base64, which is what both OTLP/JSON and fromObject use.)
 */
function prepareJson(v: unknown, where: string): unknown {
  if (Array.isArray(v)) return v.map((x, i) => prepareJson(x, `${where}[${i}]`));
  if (typeof v !== 'object' || v === null) return v;
  const out: Msg = {};
  for (const [rawKey, value] of Object.entries(v as Msg)) {
    const key = snakeToCamel(rawKey);
    const path = where ? `${where}.${key}` : key;
    const idBytes = HEX_ID_BYTES[key];
    if (idBytes !== undefined && typeof value === 'string') {
      if (value !== '' && (value.length !== idBytes * 2 || !/^[0-9a-fA-F]+$/.test(value))) {
        throw new Error(
          `${path}: OTLP/JSON ids must be ${idBytes * 2} hex chars (not base64), got ${JSON.stringify(value)}`,
        );
      }
      setOwn(out, key, new Uint8Array(Buffer.from(value, 'hex')));
      continue;
    }
    if (INT64_KEYS.has(key)) {
      if (Array.isArray(value)) value.forEach((x, i) => checkInt64(x, `${path}[${i}]`));
      else checkInt64(value, path);
      setOwn(out, key, value);
      continue;
    }
    setOwn(out, key, prepareJson(value, path));
  }
  return out;
}

const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * JSON.parse, except that integer literals outside the safe-integer range are
 * turned into decimal strings first, so int64 values sent as bare JSON numbers
 * (as the SDK's JSON exporter does for int attributes) stay exact.
 */
export function parseJsonExact(text: string): unknown {
  const safe = text.replace(JSON_TOKEN, (tok) =>
    tok.startsWith('"') || !/^-?\d+$/.test(tok) || Number.isSafeInteger(Number(tok)) ? tok : `"${tok}"`,
  );
  return JSON.parse(safe) as unknown;
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decompress(body: Buffer, contentEncoding: string): Buffer {
  switch (contentEncoding.trim().toLowerCase()) {
    case '':
    case 'identity':
      return body;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      throw new HttpError(415, `unsupported content-encoding ${JSON.stringify(contentEncoding)}`);
  }
}

interface Waiter {
  count: number;
  resolve: (spans: OtlpSpan[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * How a misbehaving collector answers one request: an HTTP status (with an optional
 * Retry-After), a reset connection, no answer at all, or a delay before the normal answer.
 */
export type ReceiverFault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number };

export interface ReceiverOptions {
  /** Called for every request (`attempt` counts requests to that path from 1); undefined answers normally. */
  fault?: (request: { signal: OtlpSignal | undefined; attempt: number }) => ReceiverFault | undefined;
  /** Serve HTTPS with these options (key, cert, and for client certificates ca and requestCert); the endpoint is https://. */
  tls?: HttpsServerOptions;
}

/** Start a receiver on 127.0.0.1 with an ephemeral port. */
export async function startOtlpReceiver(options: ReceiverOptions = {}): Promise<OtlpReceiver> {
  assertLongSupport();
  const attempts = new Map<string, number>();
  const log = new RequestLog();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? '';
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const contentType = req.headers['content-type'] ?? '';
    const contentEncoding = req.headers['content-encoding'] ?? '';
    const attempt = (attempts.get(path) ?? 0) + 1;
    attempts.set(path, attempt);
    const fault = options.fault?.({ signal: CODECS[path]?.signal, attempt });
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') {
      await readBody(req).catch(() => undefined);
      res.writeHead(fault.status, { 'content-type': 'text/plain', ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}) });
      res.end(`injected ${fault.status}`);
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    try {
      const body = await readBody(req);
      const c = CODECS[path];
      if (!c) throw new HttpError(404, `unknown OTLP path ${path}`);
      if (method !== 'POST') throw new HttpError(405, `method ${method} not allowed on ${path}`);
      const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
      let encoding: OtlpEncoding;
      if (mediaType === 'application/x-protobuf') encoding = 'protobuf';
      else if (mediaType === 'application/json') encoding = 'json';
      else throw new HttpError(415, `unsupported content-type ${JSON.stringify(contentType)}`);

      const raw = decompress(body, contentEncoding);
      let decoded: DecodedOtlpMessage;
      let json: unknown;
      try {
        if (encoding === 'protobuf') {
          decoded = decodeProtobufRequest(c.signal, raw);
        } else {
          json = parseJsonExact(raw.toString('utf8'));
          if (typeof json !== 'object' || json === null || Array.isArray(json)) {
            throw new Error('OTLP/JSON body must be a JSON object');
          }
          const prepared = prepareJson(json, '') as Msg;
          decoded = c.request.fromObject(prepared);
          if (c.signal === 'traces') patchFlagsFromJson(prepared, decoded);
          if (c.signal === 'logs') patchEventNamesFromJson(prepared, decoded);
        }
      } catch (err) {
        throw new HttpError(400, `cannot decode ${encoding} ${path}: ${(err as Error).message}`);
      }

      let newSpans: OtlpSpan[] = [];
      try {
        newSpans = spansOf(c.signal, decoded);
      } catch (err) {
        throw new HttpError(400, `invalid spans in ${encoding} ${path}: ${(err as Error).message}`);
      }

      const record: OtlpRequestRecord = {
        signal: c.signal,
        path,
        contentType,
        encoding,
        contentEncoding,
        headers: req.headers,
        body: new Uint8Array(raw),
        decoded,
      };
      if (encoding === 'json') record.json = json;
      log.add(record, newSpans);

      if (encoding === 'protobuf') {
        const out = emptyProtobufResponse(c.signal);
        res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': out.byteLength });
        res.end(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const message = (err as Error).message;
      log.errors.push({ method, path, contentType, status, message });
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(message);
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res);
  };
  const server = options.tls ? createHttpsServer(options.tls, onRequest) : createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return log.receiver(`${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, async () => {
    await new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  });
}

/** The spans in a decoded request of `signal` (none for metrics and logs); throws on malformed ids. */
export function spansOf(signal: OtlpSignal, decoded: DecodedOtlpMessage): OtlpSpan[] {
  return signal === 'traces' ? normalizeTraceRequest(decoded) : [];
}

/**
 * What a receiver got (decoded requests, rejected ones, spans) and the waiters for spans: the
 * part of {@link OtlpReceiver} every transport shares (OTLP/HTTP here, OTLP/gRPC in
 * otlp-grpc-receiver.ts).
 */
export class RequestLog {
  readonly requests: OtlpRequestRecord[] = [];
  readonly errors: OtlpReceiverError[] = [];
  private readonly spans: OtlpSpan[] = [];
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  /** Books a decoded request and its spans, and wakes the waiters it satisfies. */
  add(record: OtlpRequestRecord, spans: OtlpSpan[]): void {
    this.requests.push(record);
    this.spans.push(...spans);
    for (const w of this.waiters) {
      if (this.spans.length >= w.count) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve([...this.spans]);
      }
    }
  }

  /** The receiver API over this log, at `endpoint`; `stop` closes the server. */
  receiver(endpoint: string, stop: () => Promise<void>): OtlpReceiver {
    const { requests, errors, spans, waiters } = this;
    const describe = (): string => {
      const names = spans.map((s) => s.name);
      const lines = [
        `${spans.length} span(s) received: ${JSON.stringify(names)}`,
        `requests: ${JSON.stringify(requests.map((r) => `${r.path} ${r.contentType}`))}`,
      ];
      if (errors.length) lines.push(`rejected requests: ${JSON.stringify(errors.map((e) => `${e.status} ${e.path}: ${e.message}`))}`);
      return lines.join('\n');
    };
    return {
      endpoint,
      requests,
      errors,
      spans: () => [...spans],
      waitForSpans: (count: number, timeoutMs = 10_000): Promise<OtlpSpan[]> => {
        if (spans.length >= count) return Promise.resolve([...spans]);
        if (this.closed) return Promise.reject(new Error(`waitForSpans(${count}): receiver is closed; ${describe()}`));
        return new Promise<OtlpSpan[]>((resolve, reject) => {
          const w: Waiter = {
            count,
            resolve,
            reject,
            timer: setTimeout(() => {
              waiters.delete(w);
              reject(new Error(`waitForSpans(${count}) timed out after ${timeoutMs}ms; ${describe()}`));
            }, timeoutMs),
          };
          waiters.add(w);
        });
      },
      reset: (): void => {
        requests.length = 0;
        errors.length = 0;
        spans.length = 0;
      },
      close: async (): Promise<void> => {
        if (this.closed) return;
        this.closed = true;
        for (const w of waiters) {
          clearTimeout(w.timer);
          w.reject(new Error(`waitForSpans(${w.count}): receiver closed; ${describe()}`));
        }
        waiters.clear();
        await stop();
      },
    };
  }
}
