import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { spanAttributes } from '../engine/index.js';
import { decodeBoundedAttributes, type AnyKeyValue, type DecodeContext } from './key-values.js';
import type { Subject } from './messages.js';

/** A resource as every shape sends it. */
export interface AnyResource {
  attributes: readonly AnyKeyValue[];
  schemaUrl?: string;
}

/**
 * A guest's own resource as an OTel Resource, exactly as sent (no host attributes merged in),
 * within the span attribute limits. Equal resources give the same object (the host's bounded
 * resource cache), so exporters group a guest's records under one resource.
 */
export function resourceFromGuest(resource: AnyResource, what: Subject, cx: DecodeContext): Resource {
  const make = (): Resource => {
    const attributes = decodeBoundedAttributes(resource?.attributes, spanAttributes(cx.limits), what, ' resource', cx);
    const schemaUrl = typeof resource?.schemaUrl === 'string' && resource.schemaUrl !== '' ? resource.schemaUrl : undefined;
    return resourceFromAttributes(attributes.values, schemaUrl === undefined ? undefined : { schemaUrl });
  };
  const key = resourceKey(resource);
  return key === undefined ? make() : cx.caches.resources.get(key, make);
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
