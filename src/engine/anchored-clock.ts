import type { HrTime } from '@opentelemetry/api';
import { addHrTimes, hrTime, millisToHrTime } from '@opentelemetry/core';

/**
 * The host's "now" for spans it closes or starts itself, on the same time line as the host span
 * of the current call: anchored at that span's start time, advanced with performance.now(), as
 * the OTel SDK does for its own spans. (Date.now() and performance.timeOrigin drift apart by
 * milliseconds; mixing them would put a closed child after its parent's end.)
 */
export class AnchoredClock {
  private wall: HrTime = hrTime();
  private perf = performance.now();

  /** Re-anchors at a host span that started just now at `start`. */
  anchor(start: HrTime): void {
    this.wall = start;
    this.perf = performance.now();
  }

  now(): HrTime {
    return addHrTimes(this.wall, millisToHrTime(performance.now() - this.perf));
  }
}
