import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { EngineLimits } from './limits.js';

/**
 * Collects attributes in the order a guest gives them, applying the limits as it goes:
 * a later value for a key already kept replaces it (last write wins); a new key beyond the count
 * limit is dropped; strings (also inside arrays) longer than the length limit are cut.
 * Front-ends fill one per span / event / link / scope; the engine reads the result.
 */
export class AttributeBuilder {
  readonly values: Attributes = {};
  /** Attributes dropped: over the count limit, undecodable, or dropped by the guest itself. */
  dropped = 0;
  /** Of those, how many the count limit dropped. */
  overLimit = 0;
  /** Values that were cut to the length limit. */
  truncated = 0;
  private kept = 0;

  constructor(
    private readonly countLimit: number,
    private readonly valueLengthLimit: number,
  ) {}

  add(key: string, value: AttributeValue): void {
    const values = this.values;
    // `values[key] === undefined` is the fast test; inherited names (toString...) need the slow one.
    if (values[key] === undefined || !Object.prototype.hasOwnProperty.call(values, key)) {
      if (this.kept >= this.countLimit) {
        this.dropped++;
        this.overLimit++;
        return;
      }
      this.kept++;
    }
    const kept = typeof value === 'string' || Array.isArray(value) ? this.cut(value) : value;
    if (key === '__proto__') {
      // A plain assignment would replace the object's prototype instead of adding a key.
      Object.defineProperty(values, key, { value: kept, enumerable: true, writable: true, configurable: true });
    } else {
      values[key] = kept;
    }
  }

  /**
   * False when `add(key, ...)` would drop the attribute (a new key past the count limit): the
   * front-end then counts it with `dropOverLimit()` without decoding its value.
   */
  accepts(key: string): boolean {
    return this.kept < this.countLimit || (this.values[key] !== undefined && Object.prototype.hasOwnProperty.call(this.values, key));
  }

  dropOverLimit(): void {
    this.dropped++;
    this.overLimit++;
  }

  /** An attribute the front-end could not decode, or `count` the guest says it dropped. */
  reject(count = 1): void {
    this.dropped += count;
  }

  private cut(value: AttributeValue): AttributeValue {
    const limit = this.valueLengthLimit;
    if (typeof value === 'string') {
      if (value.length <= limit) return value;
      this.truncated++;
      return value.slice(0, limit);
    }
    const items = value as unknown[];
    let out: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'string' && item.length > limit) {
        out ??= items.slice();
        out[i] = item.slice(0, limit);
        this.truncated++;
      }
    }
    return (out ?? items) as AttributeValue;
  }
}

/**
 * The attributes of something that has none: shared, its `values` frozen. Only for lists that
 * are empty (nothing is ever added to it).
 */
export const NO_ATTRIBUTES: AttributeBuilder = new AttributeBuilder(0, 0);
Object.freeze(NO_ATTRIBUTES.values);

/** Builders with the right limits for each place attributes appear. */
export const spanAttributes = (limits: EngineLimits): AttributeBuilder =>
  new AttributeBuilder(limits.attributeCountLimit, limits.attributeValueLengthLimit);
export const eventAttributes = (limits: EngineLimits): AttributeBuilder =>
  new AttributeBuilder(limits.attributePerEventCountLimit, limits.attributeValueLengthLimit);
export const linkAttributes = (limits: EngineLimits): AttributeBuilder =>
  new AttributeBuilder(limits.attributePerLinkCountLimit, limits.attributeValueLengthLimit);
