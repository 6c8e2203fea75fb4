import { isSpanContextValid, type SpanContext } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { GuestLogRecord } from './guest-log-record.js';
import type { LogReport } from './log-report.js';
import type { ProblemCounter } from './problems.js';
import type { Scope, ScopeCache } from './scope-cache.js';
import { HOST_SCOPE_NAME } from './instance-span-state.js';

/** Where guest log records go: the log record processors of a logger provider. */
export interface LogPipeline {
  processor: LogRecordProcessor;
  /** Used for records that carry no resource of their own. */
  resource: Resource;
  /** Attribute limits of the logger provider (OTEL_LOGRECORD_ATTRIBUTE_*_LIMIT). */
  attributeCountLimit: number;
  attributeValueLengthLimit: number;
  enabled: boolean;
}

/** Scope of guest records that name none. */
let defaultScope: Scope | undefined;

/**
 * Emits one guest log record. A record without a trace id belongs to `current`, the span that is
 * current in the guest instance (its own innermost open span, else the host's span around the
 * call), so logs line up with traces without the guest's help.
 */
export function emitLog(pipeline: LogPipeline, report: LogReport, current: SpanContext, problems: ProblemCounter, scopes: ScopeCache): void {
  if (!pipeline.enabled) return;
  const attributes = report.attributes;
  if (attributes.overLimit > 0) {
    problems.report('attributes_dropped', `log record: ${attributes.overLimit} attributes over the count limit dropped`, attributes.overLimit);
  }
  if (attributes.truncated > 0) {
    problems.report('attribute_value_truncated', `log record: ${attributes.truncated} attribute values cut to the length limit`, attributes.truncated);
  }
  const spanContext = report.spanContext ?? (isSpanContextValid(current) ? current : undefined);
  const record = new GuestLogRecord(
    report.timestamp ?? [0, 0],
    report.observedTimestamp ?? hrTime(),
    spanContext,
    report.resource ?? pipeline.resource,
    report.scope ? scopes.scopeOf(report.scope) : (defaultScope ??= { name: HOST_SCOPE_NAME }),
    report.attributes.values,
    report.attributes.dropped,
    pipeline.attributeCountLimit,
  );
  record.severityText = report.severityText;
  record.severityNumber = report.severityNumber;
  record.body = report.body;
  record.eventName = report.eventName;
  try {
    pipeline.processor.onEmit(record);
  } catch (error) {
    problems.report('host_error', `log record processor failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
