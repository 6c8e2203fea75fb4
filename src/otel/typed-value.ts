import type { AttributeValue } from '@opentelemetry/api';
import { fitsOtlpNumber } from '../engine/index.js';

/**
 * A typed `value` variant as jco gives it: `{ tag, val }`; arrays of floats / s64 arrive as typed
 * arrays. The draft-2025-03 and draft-2025-11 shapes of wasi:otel name the float cases `f64` and
 * `f64-array`; wasi:observe names them `float64` and `float64-array`. One decoder serves both.
 */
export type TypedValue =
  | { tag: 'string'; val: string }
  | { tag: 'bool'; val: boolean }
  | { tag: 'f64' | 'float64'; val: number }
  | { tag: 's64'; val: bigint }
  | { tag: 'string-array'; val: string[] }
  | { tag: 'bool-array'; val: boolean[] }
  | { tag: 'f64-array' | 'float64-array'; val: Float64Array | number[] }
  | { tag: 's64-array'; val: BigInt64Array | bigint[] };

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** A float OTLP can carry as the number OTel JS holds: finite, and not a whole number past int64. */
const exportableFloat = (item: unknown): item is number => typeof item === 'number' && Number.isFinite(item) && fitsOtlpNumber(item);

/**
 * A typed value as an OTel attribute value; undefined for an unknown tag, a payload of the wrong
 * type, or a float that is NaN, infinite or a whole number of magnitude >= 2^63 (see
 * fitsOtlpNumber). OTel JS holds numbers as doubles, so an s64 beyond +-(2^53 - 1) becomes the
 * nearest double; `rounded` (if given) is told of each such value.
 */
export function typedAttributeValue(value: TypedValue, rounded?: (exact: bigint, exported: number) => void): AttributeValue | undefined {
  const val: unknown = value?.val;
  const s64 = (item: bigint): number => {
    const number = Number(item);
    if (rounded && (item > MAX_EXACT || item < -MAX_EXACT)) rounded(item, number);
    return number;
  };
  switch (value?.tag) {
    case 'string':
      return typeof val === 'string' ? val : undefined;
    case 'bool':
      return typeof val === 'boolean' ? val : undefined;
    case 'f64':
    case 'float64':
      return exportableFloat(val) ? val : undefined;
    case 's64':
      return typeof val === 'bigint' ? s64(val) : undefined;
    case 'string-array':
      return Array.isArray(val) && val.every((item) => typeof item === 'string') ? val : undefined;
    case 'bool-array':
      return Array.isArray(val) && val.every((item) => typeof item === 'boolean') ? val : undefined;
    case 'f64-array':
    case 'float64-array': {
      if (!(val instanceof Float64Array || Array.isArray(val))) return undefined;
      const numbers = Array.from(val as ArrayLike<unknown>);
      return numbers.every(exportableFloat) ? (numbers as number[]) : undefined;
    }
    case 's64-array': {
      if (!(val instanceof BigInt64Array || Array.isArray(val))) return undefined;
      const items = Array.from(val as ArrayLike<unknown>);
      return items.every((item) => typeof item === 'bigint') ? items.map((item) => s64(item as bigint)) : undefined;
    }
    default:
      return undefined;
  }
}

/** Why a typed value (of either spelling) was rejected, for messages. */
export function describeTypedValue(value: unknown, limitReason: string): string {
  const tag = (value as { tag?: unknown } | null)?.tag;
  if (typeof tag !== 'string') return 'neither JSON text nor a typed value';
  if (/^(?:f64|float64)(?:-array)?$/.test(tag)) {
    const val = (value as { val?: unknown }).val;
    const numbers = typeof val === 'number' ? [val] : val instanceof Float64Array || Array.isArray(val) ? Array.from(val as ArrayLike<unknown>) : [];
    if (numbers.some((n) => typeof n === 'number' && Number.isFinite(n) && !fitsOtlpNumber(n))) return `${tag} value holds ${limitReason}`;
    return `${tag} value is not a finite number`;
  }
  return `typed value with tag ${JSON.stringify(tag.slice(0, 40))} is not a valid one`;
}
