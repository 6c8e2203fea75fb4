import type { HrTime } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { ProblemCounter } from '../engine/index.js';
import { subject, type Subject } from './messages.js';

/** A wasi:clocks `datetime` as jco gives it. */
export interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}

/** OTLP times are unsigned 64-bit nanoseconds since 1970: the last one is 18446744073.709551615 s (in 2554). */
const MAX_SECONDS = 18_446_744_073;
const MAX_NANOS_IN_LAST_SECOND = 709_551_615;

/** A wall-clock datetime as HrTime; an invalid one is reported and replaced by the host's now. */
export function timeFrom(value: Datetime, what: Subject, part: string, cx: { problems: ProblemCounter }): HrTime {
  return checkedTime(value, what, part, cx) ?? hrTime();
}

/**
 * A wall-clock datetime as HrTime, or undefined (reported) when it is not a valid time: the
 * caller then uses its own clock (the engine's, on the time line of the call's host span).
 */
export function checkedTime(value: Datetime, what: Subject, part: string, cx: { problems: ProblemCounter }): HrTime | undefined {
  const seconds = value?.seconds;
  const nanos = value?.nanoseconds;
  if (typeof seconds === 'bigint') {
    // One BigInt conversion; below 2^53 the Number is exact (BigInt comparisons cost more).
    const whole = Number(seconds);
    if (whole >= 0 && whole <= MAX_SECONDS && Number.isInteger(nanos) && nanos >= 0 && nanos < 1e9 && (whole < MAX_SECONDS || nanos <= MAX_NANOS_IN_LAST_SECOND)) {
      return [whole, nanos];
    }
  }
  cx.problems.report('invalid_time', `${subject(what)} ${part} ${String(seconds)}s ${String(nanos)}ns is not a valid time; using the host's clock`);
  return undefined;
}


/** A time the guest may leave out: undefined stays undefined. */
export function optionalTimeFrom(value: Datetime | undefined, what: Subject, part: string, cx: { problems: ProblemCounter }): HrTime | undefined {
  return value === undefined ? undefined : timeFrom(value, what, part, cx);
}
