import { SpanKind, SpanStatusCode, TraceFlags, type HrTime, type SpanContext, type SpanStatus } from '@opentelemetry/api';
import { NO_ATTRIBUTES, eventAttributes, spanAttributes, type AttributeBuilder, type EngineLimits, type EventReport, type InstanceSpanState, type LinkReport, type ProblemCounter, type ScopeReport, type SpanReport } from '../engine/index.js';
import type { LiftBudget } from '../runtime/lift-budget.js';
import { GuestStrings, asciiString, bytesEqual, hexIdAt, isAscii, isHexId } from './guest-strings.js';
import { BYTES_PREFIX, jsonAttributeValue } from './json-value.js';
import { OK, UNSET } from './span-data.js';

/**
 * Readers of the two wasi:otel/tracing records a span sends, straight from guest memory, for the
 * layout of the JSON-valued shapes (rc.1, rc.2, main: `key-value { key: string, value: string }`):
 * `on-end(span-data)` (one pointer to a 168-byte record) and `on-start(span-context)` (eight flat
 * values). The glue calls them instead of jco's generic lifting (see the `span-reader` rewrite in
 * src/runtime/glue/span-reader.ts, which checks that the generated lift is the one these readers
 * replace) when the host offers them.
 *
 * A reader takes only what it can take exactly: a record that is valid, ASCII, within the lift
 * budget, and that the front-end would decode without a single problem to report. It then gives
 * the engine what `decodeSpanData` / `spanContextFromGuest` would have given it, and returns true.
 * For anything else (a bad pointer, an invalid discriminant, a non-ASCII or over-long string, an
 * invalid id or time, a value that does not decode, links, trace state, scope attributes, a
 * record over the budget) it returns false having done nothing, and the glue lifts the record
 * as generated and calls the import: the errors, traps, cuts and reports are then exactly as
 * before. test/glue-span-reader.test.ts checks both paths give the same spans and reports on
 * random records.
 */

/** Symbols the host's import functions carry their readers under (named after the layout). */
export const READ_SPAN_DATA = Symbol.for('wasm-otel.read/wasi:otel json span-data');
export const READ_SPAN_CONTEXT = Symbol.for('wasm-otel.read/wasi:otel json span-context');

export type SpanDataReader = (bytes: Uint8Array, view: DataView, ptr: number) => boolean;
export type SpanContextReader = (bytes: Uint8Array, ...flat: number[]) => boolean;

const KIND_BY_INDEX: readonly SpanKind[] = [SpanKind.CLIENT, SpanKind.SERVER, SpanKind.PRODUCER, SpanKind.CONSUMER, SpanKind.INTERNAL];
const MAX_SECONDS = 18_446_744_073;
const MAX_NANOS_IN_LAST_SECOND = 709_551_615;
const NO_LINKS: LinkReport[] = [];
const BYTES_PREFIX_CODES = Array.from(BYTES_PREFIX, (c) => c.charCodeAt(0));

/** Stands for the string cache until an instance reads its first span. */
const NO_STRINGS = new GuestStrings(1);

/** Why a read gave up: the glue then lifts the record as generated. */
const GIVE_UP = undefined;

interface ReaderContext {
  state: InstanceSpanState;
  limits: EngineLimits;
  problems: ProblemCounter;
  lift: LiftBudget | undefined;
}

/** The readers of one guest instance (they share its string cache). */
export function createSpanReaders(cx: ReaderContext): { readSpanData: SpanDataReader; readSpanContext: SpanContextReader } {
  // Made on the first span read (an instance that sends none pays nothing for it).
  let strings: GuestStrings = NO_STRINGS;
  let lastTraceId = '';
  // Sibling spans share their parent, and one scope sends span after span.
  let lastParentId = '';
  let lastScope: ScopeReport = { name: '', version: undefined, schemaUrl: undefined, attributes: NO_ATTRIBUTES };
  /** Bytes of the lift budget the record being read has left. */
  let left = 0;

  /** The trace id at ptr (32 bytes), the last one when it repeats. */
  const traceIdAt = (bytes: Uint8Array, ptr: number): string | undefined => {
    if (ptr >= 0 && ptr + 32 <= bytes.length && bytesEqual(bytes, ptr, 32, lastTraceId)) return lastTraceId;
    const id = hexIdAt(bytes, ptr, 32);
    if (id !== undefined) lastTraceId = id;
    return id;
  };

  const readSpanContext: SpanContextReader = (bytes, traceIdPtr, traceIdLen, spanIdPtr, spanIdLen, flags, isRemote, traceStatePtr, traceStateLen) => {
    try {
      if (traceIdLen !== 32 || spanIdLen !== 16 || (flags! & ~1) !== 0 || (isRemote !== 0 && isRemote !== 1) || traceStateLen !== 0 || traceStatePtr! % 4 !== 0) return false;
      if (cx.lift !== undefined && 48 > cx.lift.limit) return false;
      const traceId = traceIdAt(bytes, traceIdPtr!);
      const spanId = traceId === undefined ? undefined : hexIdAt(bytes, spanIdPtr!, 16);
      if (spanId === undefined) return false;
      cx.state.guestSpanStarted({ traceId: traceId!, spanId, traceFlags: flags === 1 ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: isRemote === 1 });
    } catch (error) {
      cx.problems.hostError('on-start', error);
    }
    return true;
  };

  const readSpanData: SpanDataReader = (bytes, view, p) => {
    let report: SpanReport | undefined;
    try {
      report = decode(bytes, view, p);
      if (report === GIVE_UP) return false;
      cx.state.guestSpanEnded(report);
    } catch (error) {
      cx.problems.hostError('on-end', error);
    }
    return true;
  };

  /** The span as decodeSpanData would give it, or GIVE_UP. Touches nothing outside. */
  function decode(bytes: Uint8Array, view: DataView, p: number): SpanReport | undefined {
    if (strings === NO_STRINGS) strings = new GuestStrings();
    const limits = cx.limits;
    const size = bytes.length;
    if (p % 8 !== 0 || p + 168 > size) return GIVE_UP;
    const u32 = (at: number): number => view.getUint32(at, true);

    // span-context: ids, flags, is-remote, trace-state (empty only)
    if (u32(p + 4) !== 32 || u32(p + 12) !== 16) return GIVE_UP;
    const flags = bytes[p + 16]!;
    const remote = bytes[p + 17]!;
    if ((flags & ~1) !== 0 || remote > 1 || u32(p + 20) % 4 !== 0 || u32(p + 24) !== 0) return GIVE_UP;
    const traceId = traceIdAt(bytes, u32(p));
    if (traceId === undefined) return GIVE_UP;
    const spanIdPtr = u32(p + 8);
    if (!isHexId(bytes, spanIdPtr, 16)) return GIVE_UP;
    // The lift budget is charged as jco's lifting charges it, before anything is built: a record
    // over it (what the lifting would cut) is left to the lifting, having cost next to nothing.
    left = cx.lift === undefined ? Infinity : cx.lift.limit - 48;
    if (left < 0) return GIVE_UP;

    let parentSpanId: string | undefined;
    const parentLen = u32(p + 32);
    // (An empty string's pointer is still checked: jco's lifting throws on one out of bounds.)
    if (parentLen === 0) {
      if (u32(p + 28) > size) return GIVE_UP;
    } else {
      if (parentLen !== 16 || (left -= 16) < 0) return GIVE_UP;
      const ptr = u32(p + 28);
      parentSpanId = ptr >= 0 && ptr + 16 <= size && bytesEqual(bytes, ptr, 16, lastParentId) ? lastParentId : hexIdAt(bytes, ptr, 16);
      if (parentSpanId === undefined) return GIVE_UP;
      lastParentId = parentSpanId;
    }
    const kind = KIND_BY_INDEX[bytes[p + 36]!];
    if (kind === undefined) return GIVE_UP;
    const nameLen = u32(p + 44);
    if ((left -= nameLen) < 0) return GIVE_UP;
    const name = strings.get(bytes, u32(p + 40), nameLen);
    if (name === undefined) return GIVE_UP;
    const startTime = timeAt(view, p + 48);
    const endTime = timeAt(view, p + 64);
    if (startTime === GIVE_UP || endTime === GIVE_UP) return GIVE_UP;
    if (endTime[0] < startTime[0] || (endTime[0] === startTime[0] && endTime[1] < startTime[1])) return GIVE_UP;

    // attributes
    const attributes = spanAttributes(limits);
    const attributesBase = u32(p + 80);
    const attributesLen = u32(p + 84);
    if (attributesBase % 4 !== 0 || (left -= attributesLen * 16) < 0 || !keyValues(bytes, view, attributesBase, attributesLen, attributes)) return GIVE_UP;

    // events (within the count limit only)
    const eventsBase = u32(p + 88);
    const eventsLen = u32(p + 92);
    if (eventsBase % 8 !== 0 || eventsLen > limits.eventCountLimit || eventsBase + eventsLen * 32 > size || (left -= eventsLen * 32) < 0) return GIVE_UP;
    const events: EventReport[] = [];
    for (let i = 0; i < eventsLen; i++) {
      const e = eventsBase + i * 32;
      const eventNameLen = u32(e + 4);
      if ((left -= eventNameLen) < 0) return GIVE_UP;
      const eventName = strings.get(bytes, u32(e), eventNameLen);
      if (eventName === undefined) return GIVE_UP;
      const time = timeAt(view, e + 8);
      if (time === GIVE_UP) return GIVE_UP;
      const base = u32(e + 24);
      const len = u32(e + 28);
      if (base % 4 !== 0) return GIVE_UP;
      let eventAttributeList: AttributeBuilder = NO_ATTRIBUTES;
      if (len > 0) {
        eventAttributeList = eventAttributes(limits);
        if ((left -= len * 16) < 0 || !keyValues(bytes, view, base, len, eventAttributeList)) return GIVE_UP;
      }
      events.push({ name: eventName, time, attributes: eventAttributeList });
    }

    // links: none (those go the generic way)
    if (u32(p + 96) % 4 !== 0 || u32(p + 100) !== 0) return GIVE_UP;

    let status: SpanStatus;
    switch (bytes[p + 104]) {
      case 0:
        status = UNSET;
        break;
      case 1:
        status = OK;
        break;
      case 2: {
        const ptr = u32(p + 108);
        const len = u32(p + 112);
        if ((left -= len) < 0 || !isAscii(bytes, ptr, len)) return GIVE_UP;
        status = { code: SpanStatusCode.ERROR, message: asciiString(bytes, ptr, len) };
        break;
      }
      default:
        return GIVE_UP;
    }

    // instrumentation-scope: name, version, schema URL (within the name limit), no attributes
    const scopeNameLen = u32(p + 120);
    if (scopeNameLen > limits.maxNameLength || (left -= scopeNameLen) < 0) return GIVE_UP;
    const scopeName = strings.get(bytes, u32(p + 116), scopeNameLen);
    if (scopeName === undefined) return GIVE_UP;
    const version = optionalName(bytes, view, p + 124);
    const schemaUrl = optionalName(bytes, view, p + 136);
    if (version === null || schemaUrl === null) return GIVE_UP;
    if (u32(p + 148) % 4 !== 0 || u32(p + 152) !== 0) return GIVE_UP;

    attributes.reject(u32(p + 156));
    // The context on-start recorded, when on-end repeats it (as decodeSpanData's sameAsOpen):
    // usually the innermost open span's, whose id then needs no new string.
    const innermost = cx.state.innermostOpenContext();
    let spanId: string;
    let open: SpanContext | undefined;
    if (innermost !== undefined && bytesEqual(bytes, spanIdPtr, 16, innermost.spanId)) {
      spanId = innermost.spanId;
      open = innermost;
    } else {
      spanId = hexIdAt(bytes, spanIdPtr, 16)!;
      open = cx.state.openSpanContext(spanId);
    }
    let scope = lastScope;
    if (scope.name !== scopeName || scope.version !== version || scope.schemaUrl !== schemaUrl) {
      scope = lastScope = { name: scopeName, version, schemaUrl, attributes: NO_ATTRIBUTES };
    }
    const spanContext: SpanContext =
      open !== undefined && open.traceId === traceId && open.traceState === undefined && open.isRemote === (remote === 1) && (open.traceFlags & TraceFlags.SAMPLED) === flags
        ? open
        : { traceId, spanId, traceFlags: flags === 1 ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: remote === 1 };
    return {
      spanContext,
      parentSpanId,
      name,
      kind,
      startTime,
      endTime,
      attributes,
      events,
      links: NO_LINKS,
      status,
      scope,
      droppedEventsCount: u32(p + 160),
      droppedLinksCount: u32(p + 164),
    };
  }

  /** An option<string> (tag byte, then the string at +4) within the name limit; null to give up. */
  function optionalName(bytes: Uint8Array, view: DataView, at: number): string | undefined | null {
    const tag = bytes[at];
    if (tag === 0) return undefined;
    if (tag !== 1) return null;
    const ptr = view.getUint32(at + 4, true);
    const len = view.getUint32(at + 8, true);
    if (len > cx.limits.maxNameLength || (left -= len) < 0) return null;
    return strings.get(bytes, ptr, len) ?? null;
  }

  /**
   * A list<key-value> of `len` entries at `base` into `builder` (as decodeAttributes), its strings
   * charged to the budget; false to give up (a string that is not ASCII or not in bounds, a value
   * that does not decode, the budget spent).
   */
  function keyValues(bytes: Uint8Array, view: DataView, base: number, len: number, builder: AttributeBuilder): boolean {
    if (base + len * 16 > bytes.length) return false;
    const maxJson = cx.limits.maxValueJsonLength;
    for (let i = 0; i < len; i++) {
      const at = base + i * 16;
      const keyPtr = view.getUint32(at, true);
      const keyLen = view.getUint32(at + 4, true);
      const valuePtr = view.getUint32(at + 8, true);
      const valueLen = view.getUint32(at + 12, true);
      if ((left -= keyLen + valueLen) < 0) return false;
      const key = strings.get(bytes, keyPtr, keyLen);
      if (key === undefined || !isAscii(bytes, valuePtr, valueLen)) return false;
      if (!builder.accepts(key)) {
        builder.dropOverLimit();
        continue;
      }
      if (valueLen > maxJson) return false;
      const value = jsonValueAt(bytes, valuePtr, valueLen);
      if (value === undefined) return false;
      builder.add(key, value);
    }
    return true;
  }

  /** The JSON text at ptr as jsonAttributeValue decodes it (plain strings, booleans and small integers read in place). */
  function jsonValueAt(bytes: Uint8Array, ptr: number, len: number): ReturnType<typeof jsonAttributeValue> {
    const first = bytes[ptr];
    const end = ptr + len;
    if (first === 34 /* " */ && len >= 2 && bytes[end - 1] === 34) {
      let plain = true;
      for (let i = ptr + 1; i < end - 1; i++) {
        const c = bytes[i]!;
        if (c < 0x20 || c === 34 || c === 92) {
          plain = false;
          break;
        }
      }
      if (plain && !startsWithBytesPrefix(bytes, ptr + 1, len - 2)) return strings.get(bytes, ptr + 1, len - 2)!;
    } else if (len === 4 && first === 116 && bytes[ptr + 1] === 114 && bytes[ptr + 2] === 117 && bytes[ptr + 3] === 101) {
      return true;
    } else if (len === 5 && first === 102 && bytes[ptr + 1] === 97 && bytes[ptr + 2] === 108 && bytes[ptr + 3] === 115 && bytes[ptr + 4] === 101) {
      return false;
    } else {
      const number = plainNumberAt(bytes, ptr, end);
      if (number !== undefined) return number;
    }
    return jsonAttributeValue(asciiString(bytes, ptr, len), cx.limits.maxValueJsonLength, cx.limits.maxValueDepth);
  }

  return { readSpanData, readSpanContext };
}

/** Powers of ten a double holds exactly. */
const EXACT_POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A JSON number of at most 15 significant digits and no exponent (`200`, `-17`, `0.5`), exactly as
 * Number() reads it: an integer below 2^53 divided by an exact power of ten (IEEE division rounds
 * correctly, so the result is the double nearest the decimal); undefined for anything else.
 */
function plainNumberAt(bytes: Uint8Array, ptr: number, end: number): number | undefined {
  const negative = bytes[ptr] === 45;
  let i = negative ? ptr + 1 : ptr;
  // JSON: no leading zero before more digits, at least one digit before and after a point.
  if (i >= end || (bytes[i] === 48 && i + 1 < end && bytes[i + 1] !== 46)) return undefined;
  let value = 0;
  let digits = 0;
  let point = -1;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else if (c === 46 && point < 0 && digits > 0) {
      point = digits;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || digits > 15 || point === digits) return undefined;
  const scaled = point < 0 ? value : value / EXACT_POWERS[digits - point]!;
  return negative ? -scaled : scaled;
}

function startsWithBytesPrefix(bytes: Uint8Array, ptr: number, len: number): boolean {
  if (len < BYTES_PREFIX_CODES.length) return false;
  for (let i = 0; i < BYTES_PREFIX_CODES.length; i++) if (bytes[ptr + i] !== BYTES_PREFIX_CODES[i]) return false;
  return true;
}

/** A datetime (u64 seconds, u32 nanoseconds) as checkedTime accepts it, or GIVE_UP. */
function timeAt(view: DataView, at: number): HrTime | undefined {
  const low = view.getUint32(at, true);
  const high = view.getUint32(at + 4, true);
  const nanos = view.getUint32(at + 8, true);
  if (high > 4) return GIVE_UP;
  const seconds = high * 2 ** 32 + low;
  if (seconds > MAX_SECONDS || nanos >= 1e9 || (seconds === MAX_SECONDS && nanos > MAX_NANOS_IN_LAST_SECOND)) return GIVE_UP;
  return [seconds, nanos];
}
