import type { Resource } from '@opentelemetry/resources';
import type { ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { InternCache } from '../../engine/index.js';
import { encodeResource, internResource, type TransferResource } from './log-transfer.js';

/**
 * A metrics batch as plain data: everything but the resource is plain already (data points with
 * the guest extras: exact 64-bit values as bigint, exemplars).
 */
export interface TransferMetrics {
  resource: TransferResource;
  scopeMetrics: ScopeMetrics[];
}

export function encodeMetrics(metrics: ResourceMetrics): TransferMetrics {
  return { resource: encodeResource(metrics.resource), scopeMetrics: metrics.scopeMetrics };
}

export function decodeMetrics(metrics: TransferMetrics, resources: InternCache<Resource>): ResourceMetrics {
  return { resource: internResource(metrics.resource, resources), scopeMetrics: metrics.scopeMetrics };
}
