import type { AttributeValue } from '@opentelemetry/api';
import type { AttributeBuilder, EngineLimits, ProblemCounter } from '../engine/index.js';
import { decodeJsonValue, jsonAttributeValue } from './json-value.js';
import { quoted, subject, type Subject } from './messages.js';
import { describeTypedValue, typedAttributeValue, type TypedValue } from './typed-value.js';

/** Decoding context: where to report problems and which limits apply. */
export interface DecodeContext {
  limits: EngineLimits;
  problems: ProblemCounter;
}

/** A key-value as any shape sends it: the value is JSON text (draft-2025-12 and later) or a typed variant (older drafts). */
export interface AnyKeyValue {
  key: string;
  value: string | TypedValue;
}

/**
 * One `value` of any shape as an attribute value, or undefined when it cannot be decoded.
 * JSON text is the common case; the older drafts send a typed variant.
 */
export function attributeValueOf(value: string | TypedValue, maxJsonLength: number): AttributeValue | undefined {
  return typeof value === 'string' ? jsonAttributeValue(value, maxJsonLength) : typedAttributeValue(value);
}

/** Why attributeValueOf rejected a value. */
export function rejectionReason(value: unknown, maxJsonLength: number): string {
  if (typeof value === 'string') return (decodeJsonValue(value, maxJsonLength) as { reason: string }).reason;
  return describeTypedValue(value);
}

/** Key-values into `builder`, in order; undecodable values are reported and counted as dropped. */
export function decodeAttributes(
  list: readonly AnyKeyValue[] | undefined,
  builder: AttributeBuilder,
  what: Subject,
  part: string,
  cx: DecodeContext,
): AttributeBuilder {
  if (!list) return builder;
  const maxLength = cx.limits.maxValueJsonLength;
  for (let i = 0; i < list.length; i++) {
    const { key, value } = list[i]!;
    const decoded = attributeValueOf(value, maxLength);
    if (decoded !== undefined) {
      builder.add(key, decoded);
    } else {
      builder.reject();
      cx.problems.report('invalid_attribute_value', `${subject(what)}${part}: attribute ${quoted(key)} dropped: ${rejectionReason(value, maxLength)}`);
    }
  }
  return builder;
}
