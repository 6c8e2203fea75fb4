import type { HrTime, SpanContext } from '@opentelemetry/api';
import type { AnyValue, SeverityNumber } from '@opentelemetry/api-logs';
import type { Resource } from '@opentelemetry/resources';
import type { AttributeBuilder } from './attribute-builder.js';
import type { ScopeReport } from './span-report.js';

/** A decoded guest log record, as a front-end hands it to the engine. */
export interface LogReport {
  /** When the event happened; undefined when the guest did not say (exported as 0, unknown). */
  timestamp: HrTime | undefined;
  /** When it was observed; undefined: the host's clock at emit. */
  observedTimestamp: HrTime | undefined;
  severityText: string | undefined;
  severityNumber: SeverityNumber | undefined;
  body: AnyValue | undefined;
  attributes: AttributeBuilder;
  eventName: string | undefined;
  /** The record's own resource; undefined: the host's. */
  resource: Resource | undefined;
  /** The record's own scope; undefined: the host's default scope. */
  scope: ScopeReport | undefined;
  /** The span it belongs to, when the guest said; else the engine uses the instance's current span. */
  spanContext: SpanContext | undefined;
}
