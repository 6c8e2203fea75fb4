import { TraceFlags, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { AnyValue, SeverityNumber } from '@opentelemetry/api-logs';
import { AttributeBuilder, NO_ATTRIBUTES, emitLog, type InstanceSpanState, type LogPipeline, type LogReport, type ScopeReport } from '../engine/index.js';
import type { LiftBudget } from '../runtime/lift-budget.js';
import { asciiString } from './guest-strings.js';
import { jsonAttributeValue } from './json-value.js';
import type { LogDecodeContext } from './log-record.js';
import { quoted } from './messages.js';
import { resourceFromPairs } from './resource.js';
import { severityNumberFromText } from './severity.js';

/**
 * A reader of `logs.on-emit`'s record straight from guest memory, for the layout of the
 * JSON-valued shapes (draft-2025-12, rc.1, rc.2, rc.3, main: a pointer to a 196-byte record). The
 * glue calls it instead of jco's generic lifting (the `log-reader` rewrite in
 * src/runtime/glue/log-reader.ts checks that the generated lift is the one this reader replaces)
 * when the host offers it.
 *
 * It takes only what it can take exactly: a record that is valid, ASCII, within the lift budget,
 * and that `decodeLogRecord` would decode without a problem to report (the resource, decoded
 * last, may still report its own, as it does there). It then emits what `createLogsImports`'
 * `onEmit` would have emitted and returns true. For anything else (a bad pointer or
 * discriminant, a non-ASCII string, an invalid time, severity, body, attribute value or id, scope
 * attributes, a record over the budget, a disabled pipeline) it returns false having done
 * nothing, and the glue lifts the record as generated: errors, traps, cuts and reports are then
 * exactly as before. test/glue-log-reader.test.ts checks both paths on random records.
 */

/** The symbol the `onEmit` import function carries the reader under (named after the layout). */
export const READ_LOG_RECORD = Symbol.for('wasm-otel.read/wasi:otel json log-record');

export type LogRecordReader = (bytes: Uint8Array, view: DataView, ptr: number) => boolean;

const RECORD_SIZE = 196;
const KEY_VALUE_SIZE = 16;
const MAX_SECONDS = 18_446_744_073;
const MAX_NANOS_IN_LAST_SECOND = 709_551_615;
const SLOTS = 256;
const CACHED_MAX = 64;
const NO_BYTES: Uint8Array = new Uint8Array(0);

/** Thrown (as this value) when the reader gives the record back to the generated lifting. */
const GIVE_UP = Symbol('give up');

export interface LogReaderContext {
  state: InstanceSpanState;
  pipeline: LogPipeline;
  lift: LiftBudget | undefined;
  cx: LogDecodeContext;
}

export function createLogRecordReader({ state, pipeline, lift, cx }: LogReaderContext): LogRecordReader {
  // Strings repeat at the same address from record to record (a guest's static keys and names):
  // the string made last time is handed back when the bytes are still the same.
  const ptrs = new Int32Array(SLOTS).fill(-1);
  const lens = new Int32Array(SLOTS);
  const texts: string[] = new Array<string>(SLOTS).fill('');
  const pairs: string[] = [];
  // The ids of the last record that had valid ones (the same string objects when they repeat).
  let lastTraceId: string | undefined;
  let lastSpanId: string | undefined;
  let listBase = 0;
  let listLength = 0;

  let bytes: Uint8Array = NO_BYTES;
  let view: DataView = new DataView(new ArrayBuffer(0));
  let charged = 0;

  const u32 = (at: number): number => view.getUint32(at, true);
  /** An option's discriminant: 0 or 1. */
  const some = (at: number): boolean => {
    const tag = bytes[at];
    if (tag === 1) return true;
    if (tag !== 0) throw GIVE_UP;
    return false;
  };
  const string = (at: number): string => {
    const ptr = u32(at);
    const len = u32(at + 4);
    if (ptr + len > bytes.length) throw GIVE_UP;
    charged += len;
    if (len === 0) return '';
    const slot = (ptr ^ (ptr >>> 9) ^ (len << 4)) & (SLOTS - 1);
    if (len <= CACHED_MAX && ptrs[slot] === ptr && lens[slot] === len) {
      const text = texts[slot]!;
      let i = 0;
      while (i < len && bytes[ptr + i] === text.charCodeAt(i)) i++;
      if (i === len) return text;
    }
    let bits = 0;
    for (let i = ptr, end = ptr + len; i < end; i++) bits |= bytes[i]!;
    if (bits >= 0x80) throw GIVE_UP;
    const text = asciiString(bytes, ptr, len);
    if (len <= CACHED_MAX) {
      ptrs[slot] = ptr;
      lens[slot] = len;
      texts[slot] = text;
    }
    return text;
  };
  const optionalString = (at: number): string | undefined => (some(at) ? string(at + 4) : undefined);
  /** A key-value list's base and length (into listBase, listLength), checked and charged. */
  const list = (at: number): void => {
    const base = u32(at);
    const len = u32(at + 4);
    if (base % 4 !== 0 || base + len * KEY_VALUE_SIZE > bytes.length) throw GIVE_UP;
    charged += len * KEY_VALUE_SIZE;
    listBase = base;
    listLength = len;
  };
  const time = (at: number): HrTime | undefined => {
    if (!some(at)) return undefined;
    const seconds = u32(at + 12) * 2 ** 32 + u32(at + 8);
    const nanos = u32(at + 16);
    if (!(seconds <= MAX_SECONDS && nanos < 1e9 && (seconds < MAX_SECONDS || nanos <= MAX_NANOS_IN_LAST_SECOND))) throw GIVE_UP;
    return [seconds, nanos];
  };
  const name = (text: string): string => {
    if (text.length > cx.limits.maxNameLength) throw GIVE_UP;
    return text;
  };

  /** The record as decodeLogRecord would give it (the resource aside), or GIVE_UP thrown. */
  function read(p: number): LogReport {
    const limits = cx.limits;
    const timestamp = time(p);
    const observedTimestamp = time(p + 24);
    const severityText = optionalString(p + 48);
    let severityNumber: SeverityNumber | undefined;
    if (some(p + 60)) {
      const number = bytes[p + 61]!;
      if (number < 1 || number > 24) throw GIVE_UP;
      severityNumber = number as SeverityNumber;
    } else if (severityText !== undefined) {
      severityNumber = severityNumberFromText(severityText);
      if (severityNumber === undefined) throw GIVE_UP;
    }
    let body: AnyValue | undefined;
    if (some(p + 64)) {
      const text = string(p + 68);
      body = jsonAttributeValue(text, limits.maxValueJsonLength, limits.maxValueDepth) as AnyValue | undefined;
      if (body === undefined && text !== 'null') throw GIVE_UP;
    }
    const attributes = new AttributeBuilder(cx.attributeCountLimit, cx.attributeValueLengthLimit);
    if (some(p + 76)) {
      list(p + 80);
      const base = listBase;
      const len = listLength;
      for (let i = 0; i < len; i++) {
        const at = base + i * KEY_VALUE_SIZE;
        const key = string(at);
        const value = string(at + 8);
        if (!attributes.accepts(key)) {
          attributes.dropOverLimit();
          continue;
        }
        const decoded = jsonAttributeValue(value, limits.maxValueJsonLength, limits.maxValueDepth);
        if (decoded === undefined) throw GIVE_UP;
        attributes.add(key, decoded);
      }
    }
    const eventName = optionalString(p + 88);
    // The resource's strings, read (and checked) now, decoded last.
    let resourceSchemaUrl: string | undefined;
    const hasResource = some(p + 100);
    if (hasResource) {
      list(p + 104);
      const base = listBase;
      const len = listLength;
      if (pairs.length !== len * 2) pairs.length = len * 2;
      for (let i = 0; i < len; i++) {
        pairs[2 * i] = string(base + i * KEY_VALUE_SIZE);
        pairs[2 * i + 1] = string(base + i * KEY_VALUE_SIZE + 8);
      }
      resourceSchemaUrl = optionalString(p + 112);
    }
    let scope: ScopeReport | undefined;
    if (some(p + 124)) {
      const scopeName = name(string(p + 128));
      const version = optionalString(p + 136);
      const schemaUrl = optionalString(p + 148);
      list(p + 160);
      if (listLength > 0) throw GIVE_UP;
      scope = { name: scopeName, version: version === undefined ? undefined : name(version), schemaUrl: schemaUrl === undefined ? undefined : name(schemaUrl), attributes: NO_ATTRIBUTES };
    }
    const traceId = optionalString(p + 168);
    const spanId = optionalString(p + 180);
    let sampled = false;
    if (some(p + 192)) {
      const flags = bytes[p + 193]!;
      if ((flags & ~1) !== 0) throw GIVE_UP;
      sampled = flags === 1;
    }
    if (lift !== undefined && charged > lift.limit) throw GIVE_UP;
    const report: LogReport = {
      timestamp,
      observedTimestamp,
      severityText,
      severityNumber,
      body,
      attributes,
      eventName,
      resource: undefined,
      scope,
      spanContext: traceId !== undefined && spanId !== undefined && traceId === lastTraceId && spanId === lastSpanId ? { traceId, spanId, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE } : spanContextOf(traceId, spanId, sampled),
    };
    const context = report.spanContext;
    if (context !== undefined && context.spanId !== '') {
      lastTraceId = context.traceId;
      lastSpanId = context.spanId;
    }
    if (hasResource) {
      const what = (): string => `log record${eventName !== undefined ? ` ${quoted(eventName)}` : ''}`;
      report.resource = resourceFromPairs(pairs, resourceSchemaUrl, what, cx);
    }
    return report;
  }

  return (memory, dataView, p) => {
    if (!pipeline.enabled || p % 8 !== 0 || p < 0 || p + RECORD_SIZE > memory.length) return false;
    bytes = memory;
    view = dataView;
    charged = 0;
    let report: LogReport;
    try {
      report = read(p);
    } catch (error) {
      if (error === GIVE_UP) return false;
      cx.problems.hostError('on-emit', error);
      return true;
    } finally {
      bytes = NO_BYTES;
    }
    try {
      emitLog(pipeline, report, state.currentSpanContext(), cx.problems, cx.caches.scopes);
    } catch (error) {
      cx.problems.hostError('on-emit', error);
    }
    return true;
  };
}

/** The ids as decodeLogRecord takes them, or GIVE_UP where it would report them. */
function spanContextOf(traceId: string | undefined, spanId: string | undefined, sampled: boolean): SpanContext | undefined {
  if (traceId === undefined && spanId === undefined) return undefined;
  if (isZero(traceId) && (spanId === undefined || isZero(spanId))) return undefined;
  if (traceId === undefined || !isHexId(traceId, 32)) throw GIVE_UP;
  if (spanId !== undefined && !isHexId(spanId, 16)) throw GIVE_UP;
  return { traceId, spanId: spanId ?? '', traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE };
}

function isZero(id: string | undefined): boolean {
  if (id === undefined || id.length === 0) return false;
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) !== 48) return false;
  return true;
}

/** Lower-case hex of `length` digits, not all zero (upper case is left to the front-end). */
function isHexId(id: string, length: number): boolean {
  if (id.length !== length) return false;
  let nonZero = false;
  for (let i = 0; i < length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 48 && c <= 57) nonZero ||= c !== 48;
    else if (c >= 97 && c <= 102) nonZero = true;
    else return false;
  }
  return nonZero;
}
