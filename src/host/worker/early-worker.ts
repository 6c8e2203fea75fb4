/**
 * The guest's thread of a `wasm-otel run`, started before this thread loads the telemetry and the
 * host's glue: its own loading of the runtime (most of a small module's run) overlaps ours, and
 * it waits for its job as a message (runInWorker sends it). Loads nothing but node:worker_threads.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SHARE_ENV, Worker } from 'node:worker_threads';

export class EarlyWorker {
  readonly worker: Worker;
  /** What happened before runInWorker listened: replayed to its handlers. */
  error: unknown;
  exitCode: number | undefined;

  constructor() {
    const built = new URL('./worker-entry.js', import.meta.url);
    // From src/ (the tests run TypeScript sources) the entry is the built one in dist/.
    const script = existsSync(fileURLToPath(built)) ? built : new URL('../../../dist/host/worker/worker-entry.js', import.meta.url);
    // The environment is shared, not copied now: the configuration check that follows on this
    // thread takes bad OTEL_* values out so that the guest thread's SDK does not report them again.
    this.worker = new Worker(script, { env: SHARE_ENV });
    this.worker.once('error', (error) => (this.error ??= error));
    this.worker.once('exit', (code) => (this.exitCode ??= code));
  }
}
