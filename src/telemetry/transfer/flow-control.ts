/**
 * The shared control block between a guest's thread and the telemetry thread: how far the
 * telemetry thread has settled what it was sent (exported, failed or dropped), whether its
 * exporters are healthy, and the interrupt a signal sets. One Int32Array over a SharedArrayBuffer.
 */

export type Stream = 'spans' | 'logs' | 'metrics';

const INTERRUPT = 0;
const SETTLED: Record<Stream, number> = { spans: 1, logs: 2, metrics: 3 };
const FAILING: Record<Stream, number> = { spans: 4, logs: 5, metrics: 6 };
const SLOTS = 8;
/** Longest single wait for credit (the flags are looked at again after it). */
const WAIT_SLICE_MILLIS = 50;

export function createControlBlock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
}

/** Items of each stream that may be on their way (sent and not settled) at once. */
export type StreamLimits = Record<Stream, number>;

/** A signal number in the control block: the guest's thread stops at its next host call. */
export function requestInterrupt(control: Int32Array, signal: number): void {
  Atomics.store(control, INTERRUPT, signal);
  for (const slot of Object.values(SETTLED)) Atomics.notify(control, slot);
}

export function interruptRequested(control: Int32Array): number {
  return Atomics.load(control, INTERRUPT);
}

/**
 * The guest thread's side: before sending, wait for room. While the telemetry thread's exporters
 * work, a guest that produces faster than they send waits (backpressure: nothing is dropped); once
 * an export failed, or after `waitMillis`, it no longer waits and the telemetry thread drops what
 * does not fit (counted there). An interrupt ends every wait.
 */
export class CreditGate {
  private readonly sent: Record<Stream, number> = { spans: 0, logs: 0, metrics: 0 };

  constructor(
    private readonly control: Int32Array,
    private readonly limits: StreamLimits,
    private readonly waitMillis: Record<Stream, number>,
  ) {}

  /** Called before sending `count` items of `stream`. */
  beforeSend(stream: Stream, count: number): void {
    const limit = this.limits[stream];
    const slot = SETTLED[stream];
    let settled = Atomics.load(this.control, slot);
    if (this.sent[stream] - settled + count > limit && Atomics.load(this.control, FAILING[stream]) === 0) {
      const deadline = performance.now() + this.waitMillis[stream];
      while (this.sent[stream] - settled + count > limit && Atomics.load(this.control, INTERRUPT) === 0 && Atomics.load(this.control, FAILING[stream]) === 0) {
        const left = deadline - performance.now();
        if (left <= 0) break;
        // In slices: an interrupt or a failing flag set between the check and the wait does not
        // change the word waited on, so its notify could be missed.
        Atomics.wait(this.control, slot, settled, Math.min(left, WAIT_SLICE_MILLIS));
        settled = Atomics.load(this.control, slot);
      }
    }
    this.sent[stream] += count;
  }
}

/** The telemetry thread's side: settles what arrived and says whether exports fail. */
export class CreditLedger {
  private readonly settledCount: Record<Stream, number> = { spans: 0, logs: 0, metrics: 0 };

  constructor(private readonly control: Int32Array) {}

  settle(stream: Stream, count: number): void {
    if (count <= 0) return;
    this.settledCount[stream] += count;
    Atomics.add(this.control, SETTLED[stream], count);
    Atomics.notify(this.control, SETTLED[stream]);
  }

  settled(stream: Stream): number {
    return this.settledCount[stream];
  }

  setFailing(stream: Stream, failing: boolean): void {
    Atomics.store(this.control, FAILING[stream], failing ? 1 : 0);
    Atomics.notify(this.control, SETTLED[stream]);
  }
}
