import type { AttributeValue } from '@opentelemetry/api';
import { fitsOtlpNumber } from '../engine/index.js';

/**
 * The typed `value` variant of the draft-2025-03 and draft-2025-11 shapes, as jco gives it:
 * `{ tag, val }`; arrays of f64 / s64 arrive as typed arrays.
 */
export type TypedValue =
  | { tag: 'string'; val: string }
  | { tag: 'bool'; val: boolean }
  | { tag: 'f64'; val: number }
  | { tag: 's64'; val: bigint }
  | { tag: 'string-array'; val: string[] }
  | { tag: 'bool-array'; val: boolean[] }
  | { tag: 'f64-array'; val: Float64Array | number[] }
  | { tag: 's64-array'; val: BigInt64Array | bigint[] };

/**
 * A typed value as an OTel attribute value; undefined for an unknown tag or a value of the wrong
 * type. s64 values beyond 2^53 lose precision (JS numbers), as in the OTel JS SDK.
 */
export function typedAttributeValue(value: TypedValue): AttributeValue | undefined {
  const val: unknown = value?.val;
  switch (value?.tag) {
    case 'string':
      return typeof val === 'string' ? val : undefined;
    case 'bool':
      return typeof val === 'boolean' ? val : undefined;
    case 'f64':
      return typeof val === 'number' && Number.isFinite(val) && fitsOtlpNumber(val) ? val : undefined;
    case 's64':
      return typeof val === 'bigint' ? Number(val) : undefined;
    case 'string-array':
      return Array.isArray(val) && val.every((item) => typeof item === 'string') ? val : undefined;
    case 'bool-array':
      return Array.isArray(val) && val.every((item) => typeof item === 'boolean') ? val : undefined;
    case 'f64-array':
      if (!(val instanceof Float64Array || Array.isArray(val))) return undefined;
      return (Array.from(val as ArrayLike<number>, Number) as number[]).every(fitsOtlpNumber) ? Array.from(val as ArrayLike<number>, Number) : undefined;
    case 's64-array':
      return val instanceof BigInt64Array || Array.isArray(val) ? Array.from(val as ArrayLike<bigint>, (item) => Number(item)) : undefined;
    default:
      return undefined;
  }
}

/** What a typed value is, for messages. */
export function describeTypedValue(value: unknown): string {
  const tag = (value as { tag?: unknown } | null)?.tag;
  return typeof tag === 'string' ? `typed value with unknown tag ${JSON.stringify(tag.slice(0, 40))}` : 'neither JSON text nor a typed value';
}
