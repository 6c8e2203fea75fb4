import { Worker } from 'node:worker_threads';
import { TIMEOUT_SIGNAL } from './serve-request.js';

// The watchdog's thread: waits until armed, then until disarmed or the deadline passes; at the
// deadline it sets the host's interrupt flag, so the guest's next call into the host unwinds it.
// Its own thread because the guest's call holds this one.
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData.flag);
const control = new Int32Array(workerData.control);
for (;;) {
  Atomics.wait(control, 0, 0);
  const armed = Atomics.load(control, 0);
  if (armed === -1) break;
  const millis = Atomics.load(control, 1);
  if (Atomics.wait(control, 0, armed, millis) === 'timed-out' && Atomics.compareExchange(control, 0, armed, 0) === armed) {
    Atomics.store(flag, 0, ${TIMEOUT_SIGNAL});
  }
}
`;

/**
 * Puts a time limit on guest calls that run on this thread: `arm(ms)` before the call,
 * `disarm()` after. A guest still running at the deadline is unwound at its next call into the
 * host (a clock read, a stream write, a telemetry call); a loop that never calls the host cannot
 * be stopped on this thread.
 */
export class RequestWatchdog {
  readonly flag = new Int32Array(new SharedArrayBuffer(4));
  readonly #control = new Int32Array(new SharedArrayBuffer(8));
  readonly #worker: Worker;
  #sequence = 0;

  constructor() {
    this.#worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { flag: this.flag.buffer, control: this.#control.buffer } });
    this.#worker.unref();
  }

  arm(millis: number): void {
    Atomics.store(this.flag, 0, 0);
    Atomics.store(this.#control, 1, Math.max(1, Math.round(millis)));
    this.#sequence = this.#sequence >= 0x3fffffff ? 1 : this.#sequence + 1;
    Atomics.store(this.#control, 0, this.#sequence);
    Atomics.notify(this.#control, 0);
  }

  /** Ends the limit; true when it had already fired (the call was unwound for the timeout). */
  disarm(): boolean {
    Atomics.store(this.#control, 0, 0);
    Atomics.notify(this.#control, 0);
    const fired = Atomics.load(this.flag, 0) === TIMEOUT_SIGNAL;
    Atomics.store(this.flag, 0, 0);
    return fired;
  }

  async close(): Promise<void> {
    Atomics.store(this.#control, 0, -1);
    Atomics.notify(this.#control, 0);
    await this.#worker.terminate();
  }
}
