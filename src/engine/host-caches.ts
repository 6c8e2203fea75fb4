import type { Resource } from '@opentelemetry/resources';
import { InternCache, ScopeCache } from './scope-cache.js';

/**
 * The caches of one host (never process-wide): scopes and guest resources, so equal ones share an
 * object. Bounded (see InternCache) and emptied when the host is disposed.
 */
export interface HostCaches {
  readonly scopes: ScopeCache;
  readonly resources: InternCache<Resource>;
  clear(): void;
}

export function createHostCaches(): HostCaches {
  const scopes = new ScopeCache();
  const resources = new InternCache<Resource>();
  return {
    scopes,
    resources,
    clear() {
      scopes.clear();
      resources.clear();
    },
  };
}
