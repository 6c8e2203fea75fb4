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
  const cache = cx.caches.resources;
  // Most records repeat the resource of the one before: compare the raw strings, build no key.
  const last = cache.memo as LastResource | undefined;
  if (last !== undefined && sameResource(last, resource)) return last.resource;
  const make = (): Resource => {
    const attributes = decodeBoundedAttributes(resource?.attributes, spanAttributes(cx.limits), what, ' resource', cx);
    const schemaUrl = typeof resource?.schemaUrl === 'string' && resource.schemaUrl !== '' ? resource.schemaUrl : undefined;
    return resourceFromAttributes(attributes.values, schemaUrl === undefined ? undefined : { schemaUrl });
  };
  const key = resourceKey(resource);
  if (key === undefined) return make();
  const made = cache.get(key, make);
  cache.memo = { schemaUrl: resource.schemaUrl, pairs: resource.attributes.flatMap(({ key, value }) => [key, value as string]), resource: made } satisfies LastResource;
  return made;
}

/**
 * resourceFromGuest for a resource read as strings (key, value, key, value, ...; JSON values),
 * without building the record when it is the last one again.
 */
export function resourceFromPairs(pairs: readonly string[], schemaUrl: string | undefined, what: Subject, cx: DecodeContext): Resource {
  const last = cx.caches.resources.memo as LastResource | undefined;
  if (last !== undefined && last.schemaUrl === schemaUrl && samePairs(last.pairs, pairs)) return last.resource;
  const attributes: AnyKeyValue[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) attributes.push({ key: pairs[i]!, value: pairs[i + 1]! });
  return resourceFromGuest({ attributes, schemaUrl }, what, cx);
}

function samePairs(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The raw text of the last resource looked up in a host's cache, and its object. */
interface LastResource {
  schemaUrl: string | undefined;
  /** key, value, key, value, ... */
  pairs: string[];
  resource: Resource;
}

function sameResource(last: LastResource, resource: AnyResource): boolean {
  const list = resource?.attributes;
  if (!Array.isArray(list) || list.length * 2 !== last.pairs.length || resource.schemaUrl !== last.schemaUrl) return false;
  const pairs = last.pairs;
  for (let i = 0; i < list.length; i++) {
    const entry = list[i]!;
    if (entry.key !== pairs[2 * i] || entry.value !== pairs[2 * i + 1]) return false;
  }
  return true;
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
