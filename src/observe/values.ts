import type { AttributeValue } from '@opentelemetry/api';
import { fitsOtlpNumber, OTLP_NUMBER_REASON, type ProblemCounter } from '../engine/index.js';
import { quoted, subject, type Subject } from '../otel/messages.js';
import type { ObserveKeyValue, ObserveValue } from './wit-types.js';

/** Where decoding reports. */
export interface ValueContext {
  problems: ProblemCounter;
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_EXACT = -MAX_EXACT;

/**
 * The typed `value` variant of wasi:observe as an OTel attribute value, or undefined (reported)
 * when it is not one: an unknown tag, a payload of the wrong type, a float64 that is NaN or
 * infinite (OTLP cannot carry them as numbers). Arrays arrive as typed arrays (float64, s64) or
 * plain arrays and leave as plain arrays.
 *
 * s64: OTel JS attribute values are JS numbers, so an s64 beyond +-(2^53 - 1) becomes the nearest
 * double (9007199254740993 -> 9007199254740992), which the OTLP exporters send as that integer;
 * each such value is reported (`attribute_value_rounded`) and kept.
 */
export function attributeValueFrom(value: ObserveValue, key: string, what: Subject, cx: ValueContext): AttributeValue | undefined {
  const val: unknown = (value as { val?: unknown } | null)?.val;
  switch ((value as { tag?: unknown } | null)?.tag) {
    case 'string':
      if (typeof val === 'string') return val;
      break;
    case 'bool':
      if (typeof val === 'boolean') return val;
      break;
    case 'float64':
      if (typeof val === 'number' && Number.isFinite(val) && fitsOtlpNumber(val)) return val;
      break;
    case 's64':
      if (typeof val === 'bigint') return exactOrRounded(val, key, what, cx);
      break;
    case 'string-array':
      if (Array.isArray(val) && val.every((item) => typeof item === 'string')) return val as string[];
      break;
    case 'bool-array':
      if (Array.isArray(val) && val.every((item) => typeof item === 'boolean')) return val as boolean[];
      break;
    case 'float64-array':
      if (val instanceof Float64Array || Array.isArray(val)) {
        const numbers = Array.from(val as ArrayLike<unknown>);
        if (numbers.every((item) => typeof item === 'number' && Number.isFinite(item) && fitsOtlpNumber(item))) return numbers as number[];
      }
      break;
    case 's64-array':
      if (val instanceof BigInt64Array || Array.isArray(val)) {
        const items = Array.from(val as ArrayLike<unknown>);
        if (items.every((item) => typeof item === 'bigint')) return items.map((item) => exactOrRounded(item as bigint, key, what, cx));
      }
      break;
  }
  cx.problems.report('invalid_attribute_value', `${subject(what)}: attribute ${quoted(key)} dropped: ${describe(value)}`);
  return undefined;
}

function exactOrRounded(value: bigint, key: string, what: Subject, cx: ValueContext): number {
  const number = Number(value);
  if (value > MAX_EXACT || value < MIN_EXACT) {
    cx.problems.report('attribute_value_rounded', `${subject(what)}: attribute ${quoted(key)}: s64 ${value} is beyond 2^53 and is exported as ${BigInt(number)}`);
  }
  return number;
}

function describe(value: unknown): string {
  const tag = (value as { tag?: unknown } | null)?.tag;
  if (typeof tag !== 'string') return 'not a wasi:observe value';
  if (tag === 'float64' || tag === 'float64-array') {
    const val = (value as { val?: unknown }).val;
    const numbers = typeof val === 'number' ? [val] : val instanceof Float64Array || Array.isArray(val) ? Array.from(val as ArrayLike<unknown>) : [];
    if (numbers.some((n) => typeof n === 'number' && Number.isFinite(n) && !fitsOtlpNumber(n))) return `${tag} value holds ${OTLP_NUMBER_REASON}`;
    return `${tag} value is not a finite number`;
  }
  return `value with tag ${quoted(tag)} is not a valid one`;
}

/** A list<key-value> as attribute entries, in order (the engine keeps the last of a key). */
export function attributeEntriesFrom(list: readonly ObserveKeyValue[] | undefined, what: Subject, cx: ValueContext): [string, AttributeValue][] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    cx.problems.report('invalid_argument', `${subject(what)}: attributes are not a list; ignored`);
    return [];
  }
  const entries: [string, AttributeValue][] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i]!;
    const key = entry?.key;
    if (typeof key !== 'string' || key === '') {
      cx.problems.report('invalid_attribute_value', `${subject(what)}: attribute with ${typeof key === 'string' ? 'an empty key' : 'no key'} dropped`);
      continue;
    }
    const value = attributeValueFrom(entry.value, key, what, cx);
    if (value !== undefined) entries.push([key, value]);
  }
  return entries;
}
