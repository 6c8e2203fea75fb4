import type { AttributeValue } from '@opentelemetry/api';
import { OTLP_NUMBER_REASON, type ProblemCounter } from '../engine/index.js';
import { quoted, subject, type Subject } from '../otel/messages.js';
import { describeTypedValue, typedAttributeValue, type TypedValue } from '../otel/typed-value.js';
import type { ObserveKeyValue, ObserveValue } from './wit-types.js';

/** Where decoding reports. */
export interface ValueContext {
  problems: ProblemCounter;
}

/**
 * The typed `value` variant of wasi:observe as an OTel attribute value (through the decoder the
 * wasi:otel drafts' typed values use), or undefined (reported) when it is not one: an unknown tag,
 * a payload of the wrong type, a float64 that is NaN, infinite or a whole number OTLP cannot carry
 * (see fitsOtlpNumber). An s64 beyond +-(2^53 - 1) becomes the nearest double (what OTel JS
 * holds; 9007199254740993 -> 9007199254740992): reported (`attribute_value_rounded`) and kept.
 */
export function attributeValueFrom(value: ObserveValue, key: string, what: Subject, cx: ValueContext): AttributeValue | undefined {
  const decoded = typedAttributeValue(value as TypedValue, (exact, exported) =>
    cx.problems.report('attribute_value_rounded', `${subject(what)}: attribute ${quoted(key)}: s64 ${exact} is beyond 2^53 and is exported as ${BigInt(exported)}`),
  );
  if (decoded === undefined) cx.problems.report('invalid_attribute_value', `${subject(what)}: attribute ${quoted(key)} dropped: ${describeTypedValue(value, OTLP_NUMBER_REASON)}`);
  return decoded;
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
