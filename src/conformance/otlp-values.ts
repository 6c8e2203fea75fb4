/**
 * Reading values out of OTLP messages decoded with the official schema (protobufjs message
 * objects): exact 64-bit integers, hex ids, `AnyValue`s and attribute lists. Shared by the span,
 * metric and log normalisers, by the conformance collector and by the tests' OTLP receiver.
 */

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

/**
 * A decoded Export*ServiceRequest: a protobufjs message object of the official schema (same
 * shape whichever encoding was used). Fields use lowerCamelCase, bytes are Uint8Array (Buffer),
 * 64-bit ints are protobufjs `Long`s, absent scalar fields read as null. Use
 * {@link toBigInt}/{@link toHex}/{@link decodeAnyValue} to read them.
 */
export type DecodedOtlpMessage = Record<string, unknown>;

/** One (sub)message of a decoded request. */
export type Msg = Record<string, unknown>;

export function asMsg(v: unknown): Msg | undefined {
  return typeof v === 'object' && v !== null ? (v as Msg) : undefined;
}

export function asArray(v: unknown): Msg[] {
  return Array.isArray(v) ? (v as Msg[]) : [];
}

export function toStr(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export function toNum(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  return Number(toBigInt(v));
}

/** Sets an own enumerable property, so that a key like "__proto__" stays a plain key. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: NoInfer<T>): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}
function isLongLike(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';
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

const ANY_VALUE_FIELDS = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] as const;

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
