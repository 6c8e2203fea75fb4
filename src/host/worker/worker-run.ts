import { basename } from 'node:path';
import { constants } from 'node:os';
import { Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { context } from '@opentelemetry/api';
import type { ProblemReason } from '../../engine/index.js';
import { signalName } from '../../runtime/guest-interrupt.js';
import { encodeParent } from '../../telemetry/transfer/context-transfer.js';
import { requestInterrupt, type Stream } from '../../telemetry/transfer/flow-control.js';
import { readSharedJournal, sharedJournalOverflow } from '../../telemetry/transfer/shared-span-journal.js';
import type { RunFileOptions, RunOutcome } from '../run-file.js';
import { openGuestChannel, type GuestChannelOptions } from './guest-channel.js';
import { workerScript } from './worker-script.js';
import type { EarlyWorker } from './early-worker.js';
import type { TranspileMessage, WorkerMessage, WorkerRunData } from './protocol.js';

export interface WorkerRunOptions extends RunFileOptions, GuestChannelOptions {
  /** After an interrupt, how long the guest has to reach a host call before its thread is stopped (default 1000 ms). */
  stopGraceMillis?: number;
  /**
   * A progress line for a component that is not in the cache and takes more than `afterMillis`
   * to transpile (measured on this thread, which jco does not block):
   * `wasm-otel: transpiling app.wasm (first run; cached for next time) ...`. Default: none.
   */
  transpileNotice?: { afterMillis: number; write(line: string): void };
  /** A guest thread started earlier (see EarlyWorker), given its job instead of a new thread. */
  earlyWorker?: EarlyWorker;
}

/** A run in progress on a worker thread. */
export interface WorkerRun {
  /** How the run ended; never rejects. */
  readonly outcome: Promise<WorkerRunOutcome>;
  /**
   * Stops the run for a signal: the guest is unwound at its next call into the host (spans closed
   * with close reason `signal`); one that makes none within `stopGraceMillis` has its thread
   * stopped, and the spans it had open are closed from the journal. The exit code is 128 + the
   * signal's number.
   */
  interrupt(signal: NodeJS.Signals): void;
  /**
   * What arrived from the guest and is not delivered yet (queued or being sent), per stream that
   * goes to an exporter with a delivery ledger, plus, while the run lasts, the spans the guest has
   * open; still counted while the final flush runs.
   */
  undelivered(): Record<Stream, number>;
}

export interface WorkerRunOutcome extends RunOutcome {
  /** True when the guest's thread was stopped (it did not answer an interrupt, or it failed). */
  stopped: boolean;
}

const DEFAULT_GRACE_MILLIS = 1000;

/**
 * Runs a file (as `wasm-otel run` does) on a worker thread, with its telemetry exported on this
 * thread. The guest's calls are synchronous, so on the guest's own thread no timer and no network
 * I/O can run until a call returns; here the guest thread hands every finished span, log record
 * and metric batch over at once, and this thread's batch processors and exporters send them while
 * the guest runs. When they fall behind, the guest waits (while they work) rather than telemetry
 * being lost; this thread also stays free to take signals and to stop a guest that never returns.
 */
export function runInWorker(options: WorkerRunOptions): WorkerRun {
  const name = basename(options.file);
  const channel = openGuestChannel(options, options.transpileNotice !== undefined);
  const { problems, intake, journal, control, port: port1 } = channel;
  // The caller's context (the active one by default), as plain data for the guest's thread.
  const parent = encodeParent(options.parentContext ?? context.active());
  const data: WorkerRunData = {
    ...channel.data,
    run: { file: options.file, ...(options.invoke !== undefined ? { invoke: options.invoke } : {}), args: options.args ?? [], env: options.env ?? {}, preopens: options.preopens ?? {}, ...(options.traceImports ? { traceImports: true } : {}), ...(options.instrument ? { instrument: options.instrument } : {}), ...(options.importsModule !== undefined ? { importsModule: options.importsModule } : {}) },
    ...(parent !== undefined ? { parent } : {}),
  };
  const early = options.earlyWorker;
  const worker = early?.worker ?? new Worker(workerScript('host/worker/worker-entry.js'), { workerData: data, transferList: [data.port] });
  if (early !== undefined) {
    early.taken = true;
    worker.ref();
    worker.postMessage({ ...data, processEnv: definedEnv(process.env) }, [data.port]);
  }

  let settle!: (outcome: WorkerRunOutcome) => void;
  const outcome = new Promise<WorkerRunOutcome>((resolve) => (settle = resolve));
  let finished = false;
  let interruptedBy: number | undefined;
  let graceTimer: NodeJS.Timeout | undefined;

  const notice = transpileNotice(options.transpileNotice, options.instrument ? 'transpiling and instrumenting' : 'transpiling');

  const finish = (result: WorkerRunOutcome): void => {
    if (finished) return;
    finished = true;
    clearTimeout(graceTimer);
    notice.cancel();
    port1.close();
    intake.finish();
    void worker.terminate();
    settle(result);
  };

  const onMessage = (message: WorkerMessage): void => {
    if (message.t === 'transpile') {
      notice.update(message);
      return;
    }
    if (message.t !== 'done') {
      // Whatever arrives, this thread (the process) carries on: a message it cannot take is counted.
      try {
        intake.handle(message);
      } catch (error) {
        problems.hostError('taking telemetry from the guest thread', error);
      }
      return;
    }
    for (const [reason, count] of Object.entries(message.problems)) problems.add(reason as ProblemReason, count, message.suppressed[reason] ?? 0);
    finish({ ...message.outcome, stopped: false });
  };
  port1.on('message', onMessage);

  /** The guest's thread is gone without its outcome: take what it sent, close what it left open. */
  const stopped = (reasonClosed: 'signal' | 'trap', detail: string, hostDetail: string, result: RunOutcome): void => {
    if (finished) return;
    drain(port1, onMessage); // what it sent before it went (its outcome too, if it got that far)
    if (finished) return;
    intake.closeJournaled(readSharedJournal(journal), reasonClosed, detail, hostDetail, sharedJournalOverflow(journal));
    finish({ ...result, stopped: true });
  };

  worker.on('error', (error) => {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    if (interruptedBy !== undefined) {
      const signal_ = signalName(interruptedBy);
      stopped('signal', `span still open when the run was interrupted by ${signal_}`, `interrupted by ${signal_}; the guest's thread failed: ${message}`, {
        exitCode: 128 + interruptedBy,
        error: { code: 'interrupted', message: `${name} was interrupted by ${signal_} (the guest's thread failed while stopping: ${message})` },
      });
      return;
    }
    stopped('trap', `span still open when the guest's thread failed: ${message}`, `the guest's thread failed: ${message}`, {
      exitCode: 1,
      error: { code: 'guest_trap', message: `${name}: the guest's thread failed: ${message}` },
    });
  });
  worker.on('exit', (code) => {
    if (interruptedBy !== undefined) return; // handled by the grace timer or the done message
    stopped('trap', `span still open when the guest's thread exited`, `the guest's thread exited (code ${code})`, {
      exitCode: 1,
      error: { code: 'guest_trap', message: `${name}: the guest's thread exited (code ${code}) before the run ended` },
    });
  });

  // What an early thread did before these listeners were there.
  if (early?.error !== undefined) worker.emit('error', early.error);
  else if (early?.exitCode !== undefined) worker.emit('exit', early.exitCode);

  return {
    outcome,
    undelivered() {
      const unsettled = intake.unsettled();
      // While the run lasts, the spans the guest has open are not on their way yet, and would be lost too.
      if (!finished && channel.tracing) unsettled.spans += intake.stillOpen(readSharedJournal(journal)) + sharedJournalOverflow(journal);
      return unsettled;
    },
    interrupt(signal) {
      if (finished || interruptedBy !== undefined) return;
      const number = constants.signals[signal] ?? 15;
      interruptedBy = number;
      requestInterrupt(control, number);
      const signal_ = signalName(number);
      graceTimer = setTimeout(() => {
        void worker.terminate().then(() =>
          stopped('signal', `span still open when the run was interrupted by ${signal_}`, `interrupted by ${signal_}`, {
            exitCode: 128 + number,
            error: { code: 'interrupted', message: `${name} was interrupted by ${signal_} (the guest made no call into the host within ${options.stopGraceMillis ?? DEFAULT_GRACE_MILLIS} ms: stopped)` },
          }),
        );
      }, options.stopGraceMillis ?? DEFAULT_GRACE_MILLIS);
    },
  };
}

/** The progress line of a slow transpile: a timer per component started, cleared when it is done. */
function transpileNotice(options: WorkerRunOptions['transpileNotice'], doing: string): { update(message: TranspileMessage): void; cancel(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    update({ name, willCache, done }) {
      clearTimeout(timers.get(name));
      timers.delete(name);
      if (done || !options) return;
      const write = (): void => options.write(`wasm-otel: ${doing} ${name} (${willCache ? 'first run; cached for next time' : `no cache: every run ${doing === 'transpiling' ? 'transpiles' : 'does it again'}`}) ...`);
      if (options.afterMillis <= 0) return write();
      const timer = setTimeout(() => {
        timers.delete(name);
        write();
      }, options.afterMillis);
      timers.set(name, timer);
    },
    cancel() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** Every message still queued on the port, synchronously. */
function drain(port: MessagePort, handle: (message: WorkerMessage) => void): void {
  for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
    handle(received.message as WorkerMessage);
  }
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const defined: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) defined[name] = value;
  return defined;
}
