import type { HrTime } from '@opentelemetry/api';
import { addHrTimes, hrTime, millisToHrTime } from '@opentelemetry/core';

/** A point on the host span's time line: its start, and performance.now() at that moment. */
export interface ClockAnchor {
  readonly wall: HrTime;
  readonly perf: number;
}

/** A moment recorded cheaply (no allocation), turned into an HrTime only when needed. */
export interface ClockMark {
  anchor: ClockAnchor;
  perf: number;
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

  /** Records the current moment. */
  mark(): ClockMark {
    return { anchor: this.current, perf: performance.now() };
  }

  now(): HrTime {
    return this.timeOf(this.mark());
  }

  timeOf(mark: ClockMark): HrTime {
    return addHrTimes(mark.anchor.wall, millisToHrTime(mark.perf - mark.anchor.perf));
  }
}
