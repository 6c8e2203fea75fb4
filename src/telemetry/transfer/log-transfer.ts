import type { Attributes, HrTime } from '@opentelemetry/api';
import type { LogAttributes, LogBody, SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { GuestLogRecord, attributesKey, type InternCache, type ScopeCache } from '../../engine/index.js';
import type { TransferContext } from './span-transfer.js';

/** A resource as plain data. */
export interface TransferResource {
  attributes: Attributes;
  schemaUrl?: string;
}

/** A log record as plain data, for postMessage between threads. */
export interface TransferLog {
  time: HrTime;
  observed: HrTime;
  context?: TransferContext;
  severityText?: string;
  severityNumber?: SeverityNumber;
  body?: LogBody;
  eventName?: string;
  /** Absent: the record carries the pipeline's own resource. */
  resource?: TransferResource;
  scope: { name: string; version?: string; schemaUrl?: string; attributes?: Attributes };
  attributes: LogAttributes;
  dropped: number;
}

export function encodeResource(resource: Resource): TransferResource {
  return { attributes: resource.attributes, ...(resource.schemaUrl !== undefined ? { schemaUrl: resource.schemaUrl } : {}) };
}

/** A record as plain data; `own` is the resource the receiving side uses for records without one of their own. */
export function encodeLog(record: ReadableLogRecord, own: Resource): TransferLog {
  const scope = record.instrumentationScope;
  const out: TransferLog = {
    time: record.hrTime,
    observed: record.hrTimeObserved,
    scope: {
      name: scope.name,
      ...(scope.version !== undefined ? { version: scope.version } : {}),
      ...(scope.schemaUrl !== undefined ? { schemaUrl: scope.schemaUrl } : {}),
      ...(scope.attributes ? { attributes: scope.attributes as Attributes } : {}),
    },
    attributes: record.attributes,
    dropped: record.droppedAttributesCount,
  };
  const context = record.spanContext;
  if (context) out.context = { traceId: context.traceId, spanId: context.spanId, traceFlags: context.traceFlags };
  if (record.severityText !== undefined) out.severityText = record.severityText;
  if (record.severityNumber !== undefined) out.severityNumber = record.severityNumber;
  if (record.body !== undefined) out.body = record.body;
  if (record.eventName !== undefined) out.eventName = record.eventName;
  if (record.resource !== own) out.resource = encodeResource(record.resource);
  return out;
}

/** Equal resources share one object (the OTLP log serializer groups by identity). */
export function internResource(resource: TransferResource, resources: InternCache<Resource>): Resource {
  const key = `${resource.schemaUrl ?? ''}\u0000${attributesKey(resource.attributes)}`;
  return resources.get(key, () => resourceFromAttributes(resource.attributes, resource.schemaUrl !== undefined ? { schemaUrl: resource.schemaUrl } : undefined));
}

/** The record again, for this thread's log record processors. */
export function decodeLog(log: TransferLog, own: Resource, resources: InternCache<Resource>, scopes: ScopeCache, attributeCountLimit: number): GuestLogRecord {
  const record = new GuestLogRecord(
    log.time,
    log.observed,
    log.context ? { traceId: log.context.traceId, spanId: log.context.spanId, traceFlags: log.context.traceFlags } : undefined,
    log.resource ? internResource(log.resource, resources) : own,
    scopes.scope(log.scope.name, log.scope.version, log.scope.schemaUrl, log.scope.attributes),
    log.attributes,
    log.dropped,
    attributeCountLimit,
  );
  record.severityText = log.severityText;
  record.severityNumber = log.severityNumber;
  record.body = log.body;
  record.eventName = log.eventName;
  return record;
}
