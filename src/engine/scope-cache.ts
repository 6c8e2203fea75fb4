import type { Attributes } from '@opentelemetry/api';
import type { ScopeReport } from './span-report.js';

/** An instrumentation scope as the OTel SDK's exporters read it (attributes are exported when present). */
export type Scope = { name: string; version?: string; schemaUrl?: string; attributes?: Attributes; droppedAttributesCount?: number };

/** Bounds of one intern cache: entries, and bytes of keys (about the size of what it holds). */
export interface InternCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_INTERN_LIMITS: Readonly<InternCacheLimits> = Object.freeze({ maxEntries: 1024, maxBytes: 4 * 1024 * 1024 });

/**
 * Equal values (by a content key) share one object, so exporters that group by identity (the
 * OTLP log serializer groups records by resource and scope object) put them together. Bounded in
 * entries and in key bytes (oldest out first); entries too big for it are not kept. One per host,
 * emptied by `clear()` when the host is disposed: nothing outlives the host.
 */
export class InternCache<T> {
  private readonly entries = new Map<string, T>();
  private bytes = 0;
  /**
   * One slot for a caller's fast path in front of `get` (the last raw input and the object it
   * gave, compared without building a key); emptied with the cache.
   */
  memo: unknown = undefined;

  constructor(private readonly limits: InternCacheLimits = DEFAULT_INTERN_LIMITS) {}

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** The object kept for `key`, or `make()` (kept when it fits). */
  get(key: string, make: () => T): T {
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached;
    const value = make();
    const size = key.length * 2;
    if (size > this.limits.maxBytes / 16) return value;
    this.entries.set(key, value);
    this.bytes += size;
    while (this.entries.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.bytes -= oldest.length * 2;
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.memo = undefined;
  }
}

/** Scopes of one host: one object per distinct scope (see InternCache). */
export class ScopeCache {
  private readonly cache: InternCache<Scope>;
  private last: Scope | undefined;

  constructor(limits?: InternCacheLimits) {
    this.cache = new InternCache(limits);
  }

  /** The shared object for a decoded scope. */
  scopeOf(report: ScopeReport): Scope {
    return this.scope(report.name, report.version, report.schemaUrl, report.attributes.values);
  }

  scope(name: string, version: string | undefined, schemaUrl: string | undefined, attributes: Attributes | undefined): Scope {
    const hasAttributes = attributes !== undefined && hasKeys(attributes);
    if (!hasAttributes) {
      // Most telemetry comes from one scope after another: skip building the key.
      const last = this.last;
      if (last && last.attributes === undefined && last.name === name && last.version === version && last.schemaUrl === schemaUrl) return last;
    }
    const key = `${name}\u0000${version ?? ''}\u0000${schemaUrl ?? ''}${hasAttributes ? `\u0000${attributesKey(attributes)}` : ''}`;
    return (this.last = this.cache.get(key, () => {
      const scope: Scope = { name };
      if (version !== undefined) scope.version = version;
      if (schemaUrl !== undefined) scope.schemaUrl = schemaUrl;
      if (hasAttributes) scope.attributes = attributes;
      return scope;
    }));
  }

  clear(): void {
    this.cache.clear();
    this.last = undefined;
  }
}

function hasKeys(values: Attributes): boolean {
  for (const _key in values) return true;
  return false;
}

/** A content key for attribute values (bytes as base64). */
export function attributesKey(values: Attributes): string {
  return JSON.stringify(values, (_key, value: unknown) => (value instanceof Uint8Array ? `bytes:${Buffer.from(value).toString('base64')}` : value));
}
