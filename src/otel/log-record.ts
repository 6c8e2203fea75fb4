import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { AnyValue, SeverityNumber } from '@opentelemetry/api-logs';
import { AttributeBuilder, spanAttributes, type LogReport, type ScopeReport } from '../engine/index.js';
import { cutName, decodeAttributes, decodeBoundedAttributes, attributeValueOf, rejectionReason, type DecodeContext } from './key-values.js';
import { quoted } from './messages.js';
import { resourceFromGuest } from './resource.js';
import { severityNumberFromText } from './severity.js';
import { spanIdFrom, traceIdFrom } from './span-context.js';
import { optionalTimeFrom } from './time.js';
import type { WitLogRecord } from './wit-types.js';

/** Attribute limits of the logger provider the records go to. */
export interface LogDecodeContext extends DecodeContext {
  attributeCountLimit: number;
  attributeValueLengthLimit: number;
}

/**
 * Decodes `logs.on-emit`'s record. Every field is optional; bad parts are reported, counted and
 * repaired or left out, never fatal: a severity number outside 1-24 is dropped (and taken from
 * the severity text when that names one), a body that is not JSON is kept as its text, invalid
 * ids are dropped (the record then belongs to the current span).
 */
export function decodeLogRecord(record: WitLogRecord, cx: LogDecodeContext): LogReport {
  const what = (): string => `log record${typeof record?.eventName === 'string' ? ` ${quoted(record.eventName)}` : ''}`;
  const severityText = typeof record?.severityText === 'string' ? record.severityText : undefined;
  return {
    timestamp: optionalTimeFrom(record?.timestamp, what, 'timestamp', cx),
    observedTimestamp: optionalTimeFrom(record?.observedTimestamp, what, 'observed timestamp', cx),
    severityText,
    severityNumber: severityOf(record?.severityNumber, severityText, what, cx),
    body: bodyOf(record?.body, what, cx),
    attributes: decodeAttributes(record?.attributes, new AttributeBuilder(cx.attributeCountLimit, cx.attributeValueLengthLimit), what, '', cx),
    eventName: typeof record?.eventName === 'string' ? record.eventName : undefined,
    resource: record?.resource === undefined ? undefined : resourceFromGuest(record.resource, what, cx),
    scope: scopeOf(record?.instrumentationScope, what, cx),
    spanContext: spanContextOf(record, what, cx),
  };
}

function severityOf(number: number | undefined, text: string | undefined, what: () => string, cx: DecodeContext): SeverityNumber | undefined {
  if (number !== undefined) {
    if (Number.isInteger(number) && number >= 1 && number <= 24) return number as SeverityNumber;
    cx.problems.report('invalid_severity', `${what()}: severity number ${String(number)} is not 1-24; ${text === undefined ? 'left unspecified' : 'taken from the severity text'}`);
  }
  if (text === undefined) return undefined;
  const fromText = severityNumberFromText(text);
  if (fromText === undefined) {
    cx.problems.report('invalid_severity', `${what()}: severity text ${quoted(text)} names no known severity; severity number left unspecified`);
  }
  return fromText;
}

function bodyOf(body: string | undefined, what: () => string, cx: DecodeContext): AnyValue | undefined {
  if (body === undefined) return undefined;
  const value = attributeValueOf(body, cx.limits);
  if (value !== undefined) return value as AnyValue;
  if (body === 'null') return undefined;
  cx.problems.report('invalid_log_body', `${what()}: body kept as plain text: ${rejectionReason(body, cx.limits)}`);
  return typeof body === 'string' ? body : String(body);
}

function scopeOf(scope: WitLogRecord['instrumentationScope'], what: () => string, cx: DecodeContext): ScopeReport | undefined {
  if (scope === undefined) return undefined;
  return {
    name: cutName(String(scope.name ?? ''), what, 'scope name', cx),
    version: typeof scope.version === 'string' ? cutName(scope.version, what, 'scope version', cx) : undefined,
    schemaUrl: typeof scope.schemaUrl === 'string' ? cutName(scope.schemaUrl, what, 'scope schema URL', cx) : undefined,
    attributes: decodeBoundedAttributes(scope.attributes, spanAttributes(cx.limits), what, ' scope', cx),
  };
}

function spanContextOf(record: WitLogRecord, what: () => string, cx: DecodeContext): SpanContext | undefined {
  if (record?.traceId === undefined && record?.spanId === undefined) return undefined;
  // All-zero ids are the usual way of saying "no span": the record goes with the current span.
  if (isZero(record.traceId) && (record.spanId === undefined || isZero(record.spanId))) return undefined;
  const traceId = traceIdFrom(record.traceId);
  if (!traceId) {
    cx.problems.report('invalid_trace_id', `${what()}: trace id ${quoted(record.traceId)} is not 32 hex digits (non-zero); the record goes with the current span`);
    return undefined;
  }
  let spanId = '';
  if (record.spanId !== undefined) {
    spanId = spanIdFrom(record.spanId) ?? '';
    if (!spanId) cx.problems.report('invalid_span_id', `${what()}: span id ${quoted(record.spanId)} is not 16 hex digits (non-zero); exported with the trace id only`);
  }
  return { traceId, spanId, traceFlags: record.traceFlags?.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE };
}

function isZero(id: string | undefined): boolean {
  return typeof id === 'string' && id.length > 0 && /^0+$/.test(id);
}
