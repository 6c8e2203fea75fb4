/**
 * The guest's thread of a `wasm-otel run`, started before the thread that starts it loads the
 * telemetry and the runtime: its own loading (most of a small module's run) overlaps that, and it
 * waits for its job as a message (runInWorker sends it). It gets a copy of the environment at
 * its start, before the configuration check (cliDiagnostics) takes bad values out; the job brings
 * the environment as it is then, and the thread takes that before anything reads it.
 */
import { Worker } from 'node:worker_threads';
import { workerScript } from './worker-script.js';

export class EarlyWorker {
  readonly worker: Worker;
  /** What happened before runInWorker listened, replayed to its handlers. */
  error: unknown;
  exitCode: number | undefined;

  /** True once runInWorker gave it its job. */
  taken = false;

  constructor() {
    this.worker = new Worker(workerScript('host/worker/worker-entry.js'));
    // Until it has a job it does not keep the process alive (runInWorker refs it).
    this.worker.unref();
    this.worker.once('error', (error) => (this.error ??= error));
    this.worker.once('exit', (code) => (this.exitCode ??= code));
  }

  /** Stops the thread if it never got a job (the command ended before the run: a usage error). */
  async dispose(): Promise<void> {
    if (!this.taken) await this.worker.terminate();
  }
}
