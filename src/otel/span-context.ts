import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { EngineLimits, ProblemCounter } from '../engine/index.js';
import { quoted, subject, type Subject } from './messages.js';
import type { WitSpanContext, WitTraceState } from './wit-types.js';

/** A W3C trace id: 32 hex digits, not all zero; upper case is accepted and lower-cased. */
export function traceIdFrom(value: unknown): string | undefined {
  return hexId(value, 32);
}

/** A W3C span id: 16 hex digits, not all zero; upper case is accepted and lower-cased. */
export function spanIdFrom(value: unknown): string | undefined {
  return hexId(value, 16);
}

/** Checks ids with a character loop (this runs several times per guest span). */
function hexId(value: unknown, length: number): string | undefined {
  if (typeof value !== 'string' || value.length !== length) return undefined;
  let nonZero = false;
  let upper = false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (c !== 48) nonZero = true;
    } else if (c >= 97 && c <= 102) {
      nonZero = true;
    } else if (c >= 65 && c <= 70) {
      nonZero = true;
      upper = true;
    } else {
      return undefined;
    }
  }
  if (!nonZero) return undefined;
  return upper ? value.toLowerCase() : value;
}

/**
 * A guest's span-context as an OTel SpanContext, or undefined (reported) when its ids are
 * invalid. An invalid trace state becomes an empty one, as the WIT specifies.
 */
export function spanContextFromGuest(
  context: WitSpanContext,
  what: Subject,
  limits: EngineLimits,
  problems: ProblemCounter,
): SpanContext | undefined {
  const traceId = traceIdFrom(context?.traceId);
  if (!traceId) {
    problems.report('invalid_trace_id', `${subject(what)}: trace id ${quoted(context?.traceId)} is not 32 hex digits (non-zero)`);
    return undefined;
  }
  const spanId = spanIdFrom(context.spanId);
  if (!spanId) {
    problems.report('invalid_span_id', `${subject(what)}: span id ${quoted(context.spanId)} is not 16 hex digits (non-zero)`);
    return undefined;
  }
  const result: SpanContext = {
    traceId,
    spanId,
    traceFlags: context.traceFlags?.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: context.isRemote === true,
  };
  const traceState = traceStateFromGuest(context.traceState, what, limits, problems);
  if (traceState) result.traceState = traceState;
  return result;
}

function traceStateFromGuest(
  pairs: WitTraceState | undefined,
  what: Subject,
  limits: EngineLimits,
  problems: ProblemCounter,
): TraceState | undefined {
  if (!Array.isArray(pairs) || pairs.length === 0) return undefined;
  if (pairs.length > limits.maxTraceStateEntries) {
    problems.report('invalid_trace_state', `${subject(what)}: ${pairs.length} trace state entries (at most ${limits.maxTraceStateEntries}); treated as empty`);
    return undefined;
  }
  const header = pairs.map(([key, value]) => `${key}=${value}`).join(',');
  // The W3C parser drops invalid members; if it dropped any, the whole list is invalid.
  const parsed = new TraceState(header);
  if (pairs.some(([key, value]) => parsed.get(key) !== value) || new Set(pairs.map(([key]) => key)).size !== pairs.length) {
    problems.report('invalid_trace_state', `${subject(what)}: trace state ${quoted(header)} is not valid W3C trace state; treated as empty`);
    return undefined;
  }
  return parsed;
}

const EMPTY_TRACE_STATE: WitTraceState = [];

/** A host SpanContext in the shape the guest expects. */
export function spanContextToGuest(context: SpanContext): WitSpanContext {
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    traceFlags: { sampled: (context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED },
    isRemote: context.isRemote === true,
    traceState: context.traceState ? traceStateToGuest(context.traceState.serialize()) : EMPTY_TRACE_STATE,
  };
}

function traceStateToGuest(header: string): WitTraceState {
  if (header === '') return EMPTY_TRACE_STATE;
  return header.split(',').map((member) => {
    const at = member.indexOf('=');
    return [member.slice(0, at), member.slice(at + 1)] as [string, string];
  });
}
