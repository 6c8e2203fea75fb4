/**
 * The official OTLP protobuf schema (the protobufjs static root shipped by
 * `@opentelemetry/otlp-transformer@0.57.2`, installed as the `otlp-transformer-057` alias) and
 * the decoding of protobuf Export*ServiceRequests with it. int64/fixed64 values decode to
 * protobufjs `Long`s (exact), never through a lossy Number: {@link assertLongSupport} refuses to
 * decode otherwise.
 */
import otlpRoot from 'otlp-transformer-057/build/src/generated/root.js';
import { patchEventNamesFromProtobuf, patchFlagsFromProtobuf } from './otlp-wire-fields.js';
import { toBigInt, type DecodedOtlpMessage } from './otlp-values.js';

export type OtlpSignal = 'traces' | 'metrics' | 'logs';
export type OtlpEncoding = 'protobuf' | 'json';

interface PbWriter {
  finish(): Uint8Array;
}
export interface PbMessageType {
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
const root = otlpRoot as unknown as OtlpRoot;

/** A signal's request and response message types. */
export interface SignalCodec {
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
const CODEC_OF: Record<OtlpSignal, SignalCodec> = {
  traces: codec('traces', collector.trace.v1, 'Trace'),
  metrics: codec('metrics', collector.metrics.v1, 'Metrics'),
  logs: codec('logs', collector.logs.v1, 'Logs'),
};

/** The codec of a signal. */
export function signalCodec(signal: OtlpSignal): SignalCodec {
  return CODEC_OF[signal];
}

const SIGNAL_OF_PATH: Record<string, OtlpSignal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };

/** The signal an OTLP/HTTP path carries (`/v1/traces` ...), undefined for any other path. */
export function signalOfPath(path: string): OtlpSignal | undefined {
  return Object.hasOwn(SIGNAL_OF_PATH, path) ? SIGNAL_OF_PATH[path] : undefined;
}

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
/** protobufjs silently decodes 64-bit ints to (lossy) numbers when `long` is unavailable: refuse that. */
export function assertLongSupport(): void {
  if (longSupportChecked) return;
  // Span{ start_time_unix_nano (field 7, fixed64) = 2^53 + 1 }
  const probe = root.opentelemetry.proto.trace.v1.Span.decode(Uint8Array.of(0x39, 1, 0, 0, 0, 0, 0, 0x20, 0));
  const v = probe['startTimeUnixNano'];
  if (typeof v !== 'object' || v === null || toBigInt(v) !== 2n ** 53n + 1n) {
    throw new Error('protobufjs decodes int64 without Long support; refusing lossy int64 decoding');
  }
  longSupportChecked = true;
}
