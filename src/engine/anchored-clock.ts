import type { HrTime } from '@opentelemetry/api';
import { addHrTimes, hrTime, millisToHrTime } from '@opentelemetry/core';

/** A point on the host span's time line: its start, and performance.now() at that moment. */
export interface ClockAnchor {
  readonly wall: HrTime;
  readonly perf: number;
}


/**
 * The host's "now" for spans it closes or starts itself, on the same time line as the host span
 * of the current call: anchored at that span's start time, advanced with performance.now(), as
 * the OTel SDK does for its own spans. (Date.now() and performance.timeOrigin drift apart by
 * milliseconds; mixing them would put a closed child after its parent's end.)
 */
export class AnchoredClock {
  private current: ClockAnchor = { wall: hrTime(), perf: performance.now() };

  /** Re-anchors at a host span that started just now at `start`. */
  anchor(start: HrTime): void {
    this.current = { wall: start, perf: performance.now() };
  }

  /** The anchor in force; with performance.now() it records a moment without allocating. */
  get anchorNow(): ClockAnchor {
    return this.current;
  }

  now(): HrTime {
    return this.timeOf(this.current, performance.now());
  }

  /** The time of a moment recorded as (anchor, performance.now()). */
  timeOf(anchor: ClockAnchor, perf: number): HrTime {
    return addHrTimes(anchor.wall, millisToHrTime(perf - anchor.perf));
  }
}
