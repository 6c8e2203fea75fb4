import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { AttributeBuilder } from '../engine/index.js';
import { rememberBounded } from '../engine/bounded-memory.js';
import { decodeAttributes, type AnyKeyValue, type DecodeContext } from './key-values.js';
import type { Subject } from './messages.js';

/** A resource as every shape sends it. */
export interface AnyResource {
  attributes: readonly AnyKeyValue[];
  schemaUrl?: string;
}

const MAX_CACHED = 256;
const cache = new Map<string, Resource>();

/**
 * A guest's own resource as an OTel Resource, exactly as sent (no host attributes merged in).
 * Equal resources give the same object, so exporters group a guest's records under one resource.
 */
export function resourceFromGuest(resource: AnyResource, what: Subject, cx: DecodeContext): Resource {
  const key = resourceKey(resource);
  const cached = key === undefined ? undefined : cache.get(key);
  if (cached) return cached;
  const attributes = decodeAttributes(resource?.attributes, new AttributeBuilder(Infinity, Infinity), what, ' resource', cx);
  const schemaUrl = typeof resource?.schemaUrl === 'string' && resource.schemaUrl !== '' ? resource.schemaUrl : undefined;
  const decoded = resourceFromAttributes(attributes.values, schemaUrl === undefined ? undefined : { schemaUrl });
  if (key !== undefined) rememberBounded(cache, key, MAX_CACHED, decoded);
  return decoded;
}

/** The resource's raw text, or undefined when it is not plain JSON-valued data (not cached then). */
function resourceKey(resource: AnyResource): string | undefined {
  const list = resource?.attributes;
  if (!Array.isArray(list)) return undefined;
  let key = resource.schemaUrl ?? '';
  for (const { key: name, value } of list) {
    if (typeof value !== 'string') return undefined;
    key += `\u0000${name}\u0000${value}`;
  }
  return key;
}
