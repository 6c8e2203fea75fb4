import type { AttributeValue } from '@opentelemetry/api';
import { OTLP_NUMBER_REASON, type AttributeBuilder, type EngineLimits, type HostCaches, type ProblemCounter } from '../engine/index.js';
import { decodeJsonValue, jsonAttributeValue } from './json-value.js';
import { quoted, subject, type Subject } from './messages.js';
import { describeTypedValue, typedAttributeValue, type TypedValue } from './typed-value.js';

/** Decoding context: where to report problems, which limits apply, the host's caches. */
export interface DecodeContext {
  limits: EngineLimits;
  problems: ProblemCounter;
  caches: HostCaches;
  /** The record was cut by the lift budget (already reported): values that do not decode are only counted. */
  recordCut?: boolean;
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
export function attributeValueOf(value: string | TypedValue, limits: ValueLimits): AttributeValue | undefined {
  return typeof value === 'string' ? jsonAttributeValue(value, limits.maxValueJsonLength, limits.maxValueDepth) : typedAttributeValue(value);
}

/** The limits a single value is decoded within. */
export type ValueLimits = Pick<EngineLimits, 'maxValueJsonLength' | 'maxValueDepth'>;

/** Why attributeValueOf rejected a value. */
export function rejectionReason(value: unknown, limits: ValueLimits): string {
  if (typeof value === 'string') return (decodeJsonValue(value, limits.maxValueJsonLength, limits.maxValueDepth) as { reason: string }).reason;
  return describeTypedValue(value, OTLP_NUMBER_REASON);
}

/** A name (scope name, version, schema URL) within the name length limit; a longer one is cut and reported. */
export function cutName(text: string, what: Subject, part: string, cx: DecodeContext): string {
  const max = cx.limits.maxNameLength;
  if (text.length <= max) return text;
  cx.problems.report('name_truncated', `${subject(what)}: ${part} of ${text.length} characters cut to ${max}`);
  return text.slice(0, max);
}

/** Decodes scope or resource attributes within the count limit, reporting what the limit dropped. */
export function decodeBoundedAttributes(list: readonly AnyKeyValue[] | undefined, builder: AttributeBuilder, what: Subject, part: string, cx: DecodeContext): AttributeBuilder {
  decodeAttributes(list, builder, what, part, cx);
  if (builder.overLimit > 0) {
    cx.problems.report('attributes_dropped', `${subject(what)}${part}: ${builder.overLimit} attributes over the count limit dropped`, builder.overLimit);
  }
  return builder;
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
  const limits = cx.limits;
  for (let i = 0; i < list.length; i++) {
    const { key, value } = list[i]!;
    if (!builder.accepts(key)) {
      builder.dropOverLimit();
      continue;
    }
    const decoded = attributeValueOf(value, limits);
    if (decoded !== undefined) {
      builder.add(key, decoded);
    } else if (cx.recordCut) {
      builder.reject();
    } else {
      builder.reject();
      cx.problems.report('invalid_attribute_value', `${subject(what)}${part}: attribute ${quoted(key)} dropped: ${rejectionReason(value, limits)}`);
    }
  }
  return builder;
}
