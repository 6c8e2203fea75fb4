import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { AttributeEntry } from './span-report.js';

export interface LimitedAttributes {
  attributes: Attributes;
  dropped: number;
  truncated: number;
}

/**
 * Builds an attribute map from entries in the order the guest gave them: a later value for a
 * key already kept replaces it (last write wins); a new key beyond `countLimit` is dropped;
 * strings longer than `valueLengthLimit` are cut.
 */
export function limitAttributes(
  entries: readonly AttributeEntry[],
  countLimit: number,
  valueLengthLimit: number,
): LimitedAttributes {
  const attributes: Attributes = {};
  let kept = 0;
  let dropped = 0;
  let truncated = 0;
  for (const [key, raw] of entries) {
    const exists = Object.prototype.hasOwnProperty.call(attributes, key);
    if (!exists && kept >= countLimit) {
      dropped++;
      continue;
    }
    const { value, cut } = truncateValue(raw, valueLengthLimit);
    if (cut) truncated++;
    attributes[key] = value;
    if (!exists) kept++;
  }
  return { attributes, dropped, truncated };
}

function truncateValue(value: AttributeValue, limit: number): { value: AttributeValue; cut: boolean } {
  if (typeof value === 'string') {
    return value.length > limit ? { value: value.slice(0, limit), cut: true } : { value, cut: false };
  }
  if (Array.isArray(value)) {
    let cut = false;
    const out = (value as unknown[]).map((item) => {
      if (typeof item === 'string' && item.length > limit) {
        cut = true;
        return item.slice(0, limit);
      }
      return item;
    });
    return { value: out as AttributeValue, cut };
  }
  return { value, cut: false };
}

/** Cuts a name to `limit` characters; reports whether it did. */
export function limitName(name: string, limit: number): { name: string; cut: boolean } {
  return name.length > limit ? { name: name.slice(0, limit), cut: true } : { name, cut: false };
}
