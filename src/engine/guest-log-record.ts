import type { HrTime, SpanContext } from '@opentelemetry/api';
import type { AnyValue, LogAttributes, LogBody, SeverityNumber } from '@opentelemetry/api-logs';
import type { Resource } from '@opentelemetry/resources';
import type { ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { Scope } from './scope-cache.js';

/**
 * A guest's log record in the shape the OTel JS SDK's log record processors and exporters take.
 * Built from the guest's data as is (its own times, resource and scope); processors may still
 * change it in `onEmit`, as with records of the SDK's own loggers.
 */
export class GuestLogRecord implements ReadWriteLogRecord {
  severityText: string | undefined;
  severityNumber: SeverityNumber | undefined;
  body: LogBody | undefined;
  eventName: string | undefined;

  constructor(
    public hrTime: HrTime,
    public hrTimeObserved: HrTime,
    public spanContext: SpanContext | undefined,
    readonly resource: Resource,
    readonly instrumentationScope: Scope,
    readonly attributes: LogAttributes,
    public droppedAttributesCount: number,
    private readonly attributeCountLimit: number,
  ) {}

  setAttribute(key: string, value?: AnyValue): this {
    if (value === undefined || value === null) return this;
    const known = Object.prototype.hasOwnProperty.call(this.attributes, key);
    if (!known && Object.keys(this.attributes).length >= this.attributeCountLimit) {
      this.droppedAttributesCount++;
      return this;
    }
    (this.attributes as Record<string, AnyValue>)[key] = value;
    return this;
  }

  setAttributes(attributes: LogAttributes): this {
    for (const [key, value] of Object.entries(attributes)) this.setAttribute(key, value);
    return this;
  }

  setBody(body: LogBody): this {
    this.body = body;
    return this;
  }

  setEventName(eventName: string): this {
    this.eventName = eventName;
    return this;
  }

  setSeverityNumber(severityNumber: SeverityNumber): this {
    this.severityNumber = severityNumber;
    return this;
  }

  setSeverityText(severityText: string): this {
    this.severityText = severityText;
    return this;
  }
}
