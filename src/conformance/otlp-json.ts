/**
 * OTLP/JSON requests decoded into the same protobufjs message objects as protobuf ones (official
 * schema), validated strictly where the spec is strict and protobuf-JSON defaults differ:
 * trace/span ids MUST be hex (not base64); int64 values may be decimal strings or JSON numbers,
 * and integer literals are parsed exactly even beyond 2^53 (see {@link parseJsonExact}).
 */
import { assertLongSupport, signalCodec, type OtlpSignal } from './otlp-schema.js';
import { patchEventNamesFromJson, patchFlagsFromJson } from './otlp-wire-fields.js';
import { setOwn, type DecodedOtlpMessage, type Msg } from './otlp-values.js';

/** A decoded OTLP/JSON request: the parsed document (exact integers) and the schema's message. */
export interface DecodedJsonRequest {
  json: unknown;
  decoded: DecodedOtlpMessage;
}

/** Decodes the text of an OTLP/JSON Export*ServiceRequest of `signal`; throws on a malformed one. */
export function decodeJsonRequest(signal: OtlpSignal, text: string): DecodedJsonRequest {
  assertLongSupport();
  const json = parseJsonExact(text);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('OTLP/JSON body must be a JSON object');
  const prepared = prepareJson(json, '') as Msg;
  const decoded = signalCodec(signal).request.fromObject(prepared);
  if (signal === 'traces') patchFlagsFromJson(prepared, decoded);
  if (signal === 'logs') patchEventNamesFromJson(prepared, decoded);
  return { json, decoded };
}

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

