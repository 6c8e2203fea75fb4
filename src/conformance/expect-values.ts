/**
 * Expected values of scenario files against decoded OTLP values: the JSON forms of scenario.ts
 * turned into the decoder's (`{int}` and integer numbers -> bigint, other numbers and `{double}`
 * -> number, `{bytes}` -> Uint8Array, `{kvlist}` -> object), compared exactly (an int is not a
 * double), and both written short for a result's detail.
 */
import type { OtlpAttributes, OtlpValue } from './otlp-values.js';
import { isHostSpecific, type Expect, type ExpectedAttributes, type ExpectedValue, type HostSpecific } from './scenario.js';

/** What an unchecked host-specific value becomes inside a list or map: a value no decoded one equals. */
const NO_VALUE: OtlpValue = Object.freeze({ '(host-specific)': Symbol.for('wasm-otel.no-value') as unknown as OtlpValue });

/** The decoder's form of an expected value (a host-specific marker: its `expected`). */
export function toOtlpValue(value: ExpectedValue): OtlpValue {
  // A marker without `expected` stands for no particular value: nothing equals it.
  if (isHostSpecific(value)) return value.expected === undefined ? NO_VALUE : toOtlpValue(value.expected as ExpectedValue);
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toOtlpValue);
  if ('int' in value) return BigInt(value.int);
  if ('double' in value) return value.double;
  if ('bytes' in value) return new Uint8Array(Buffer.from(value.bytes, 'base64'));
  if ('kvlist' in value) return toOtlpAttributes(value.kvlist);
  return null; // { empty: true }
}

export function toOtlpAttributes(attributes: ExpectedAttributes): OtlpAttributes {
  const out: OtlpAttributes = {};
  for (const [key, value] of Object.entries(attributes)) Object.defineProperty(out, key, { value: toOtlpValue(value), enumerable: true });
  return out;
}

/** Exact equality of decoded values: same types (bigint vs number), same bytes, same keys. */
export function sameValue(a: OtlpValue | undefined, b: OtlpValue | undefined): boolean {
  if (typeof a !== typeof b) return false;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b || (typeof a === 'number' && Number.isNaN(a) && Number.isNaN(b as number));
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  return sameAttributes(a as OtlpAttributes, b as OtlpAttributes);
}

export function sameAttributes(a: OtlpAttributes, b: OtlpAttributes): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
}

/** Guest clocks have millisecond resolution and another origin: a child may seem to start this much before its parent. */
export const CLOCK_SKEW_NS = 5_000_000n;

const MAX_TEXT = 80;

/** A decoded value as short text: `"s"`, `42`, `3.5`, `2.0` (a double), `bytes(01 ff)`, `[..]`, `{k: v}`. */
export function showValue(value: OtlpValue | undefined): string {
  const text = show(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 3)}...` : text;
}

function show(value: OtlpValue | undefined): string {
  if (value === undefined) return '(absent)';
  if (value === null) return '(empty)';
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}...` : value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(1) : String(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `bytes(${Buffer.from(value).toString('hex').replace(/(..)(?=.)/g, '$1 ')})`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${k}: ${show(v)}`).join(', ')}}`;
}

export function showAttributes(attributes: OtlpAttributes): string {
  const entries = Object.entries(attributes);
  return entries.length === 0 ? '{}' : showValue(attributes);
}

/** A field's expectation split into its value and, when marked, why a host may differ. */
export function unwrap<T>(field: Expect<T>): { value: T | undefined; hostSpecific?: string } {
  if (isHostSpecific(field)) return { value: (field as HostSpecific).expected as T | undefined, hostSpecific: (field as HostSpecific).hostSpecific };
  return { value: field as T };
}

/** Unix nanoseconds as text, for details: exact digits. */
export const showNanos = (nanos: bigint): string => nanos.toString();
