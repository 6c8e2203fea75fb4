import type { IncomingMessage, ServerResponse } from 'node:http';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { ProblemCounter, ProblemReason } from '../../engine/index.js';
import { WasmOtelError } from '../../host/errors.js';
import { openGuestChannel, workerScript, type GuestChannel, type GuestChannelOptions } from '../../host/worker/guest-channel.js';
import type { TransferParent } from '../../telemetry/transfer/context-transfer.js';
import { requestInterrupt } from '../../telemetry/transfer/flow-control.js';
import { readSharedJournal, sharedJournalOverflow } from '../../telemetry/transfer/shared-span-journal.js';
import type { RequestHead } from '../request-head.js';
import { TIMEOUT_SIGNAL } from '../serve-request.js';
import { requestAttributes, responseAttributes } from '../server-span.js';
import { SIGNAL_GONE, SIGNAL_SEQUENCE, detachedCopy, isFromThread, type FromThread, type ServingMessage, type ServingThreadData, type ToThread } from './serving-protocol.js';

/** Request body bytes sent ahead of what the guest has read; the client is paused beyond. */
const BODY_WINDOW_BYTES = 1024 * 1024;

/** How long a closing thread has to dispose its instances and send its last metrics. */
const CLOSE_MILLIS = 5000;

export interface ServingThreadOptions {
  /** Where the thread's telemetry goes (its problem counter gets the thread's counts). */
  channel: GuestChannelOptions & { problemCounter: ProblemCounter };
  serve: ServingThreadData['serve'];
  /** The component's file name, for messages. */
  name: string;
  /** After a timeout, how long the guest has to reach a host call before its thread is stopped. */
  stopGraceMillis: number;
}

/** One request on its way through the thread. */
interface Exchange {
  id: number;
  head: RequestHead;
  req: IncomingMessage;
  res: ServerResponse;
  /** Body bytes sent that the guest has not read. */
  unread: number;
  paused: boolean;
  timer: NodeJS.Timeout | undefined;
  timedOut: boolean;
  done(): void;
}

/**
 * A worker thread that serves a `wasi:http` component one request at a time (see
 * serving-thread-entry.ts): the request's body is sent as it arrives (at most a window ahead of
 * what the guest has read), the guest's answer is written to the response as it comes, the
 * thread's telemetry is exported on this thread. A request over its time gets the guest unwound
 * at its next host call; a guest that makes none (a loop) has its thread stopped, its open spans
 * closed from the journal, and `onStopped` is told, so that a new thread takes its place.
 */
export class ServingThread {
  /** Resolves once the component is loaded and an instance made; rejects with why it cannot serve. */
  readonly ready: Promise<void>;
  readonly #options: ServingThreadOptions;
  readonly #channel: GuestChannel;
  readonly #worker: Worker;
  readonly #requests: MessagePort;
  readonly #signal = new Int32Array(new SharedArrayBuffer(8));
  #settleReady!: (error?: Error) => void;
  #isReady = false;
  #current: Exchange | undefined;
  #nextId = 1;
  #stopped = false;
  #onClosed: (() => void) | undefined;
  #seen: { problems: Record<string, number>; suppressed: Record<string, number> } = { problems: {}, suppressed: {} };

  constructor(
    options: ServingThreadOptions,
    private readonly onStopped: (thread: ServingThread) => void,
  ) {
    this.#options = options;
    this.#channel = openGuestChannel(options.channel);
    const { port1, port2 } = new MessageChannel();
    this.#requests = port1;
    const data: ServingThreadData = { ...this.#channel.data, requests: port2, signal: this.#signal.buffer as SharedArrayBuffer, serve: options.serve };
    this.ready = new Promise<void>((resolve, reject) => {
      this.#settleReady = (error) => {
        if (error) reject(error);
        else {
          this.#isReady = true;
          resolve();
        }
      };
    });
    this.ready.catch(() => {}); // the pool looks at it; an unobserved failure is not a crash
    this.#worker = new Worker(workerScript('http/threads/serving-thread-entry.js'), { workerData: data, transferList: [data.port, port2] });
    this.#channel.port.on('message', (message: ServingMessage) => this.#onMessage(message));
    this.#worker.on('error', (error) => this.#gone(`failed: ${error instanceof Error ? error.message.split('\n')[0]! : String(error)}`));
    this.#worker.on('exit', (code) => this.#gone(`exited (code ${code})`));
  }

  get busy(): boolean {
    return this.#current !== undefined;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Serves one request (the thread must be ready and not busy); resolves when it is answered. */
  serve(req: IncomingMessage, res: ServerResponse, head: RequestHead, parent: TransferParent | undefined, timeoutMillis: number, maxBodyBytes: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const exchange: Exchange = { id: this.#nextId++, head, req, res, unread: 0, paused: false, timer: undefined, timedOut: false, done: resolve };
      this.#current = exchange;
      this.#post({ t: 'request', id: exchange.id, head, ...(parent !== undefined ? { parent } : {}) });
      this.#sendBody(exchange, maxBodyBytes);
      res.on('close', () => {
        // The client went away before the answer was complete: the guest's writes go nowhere.
        if (!res.writableFinished) Atomics.store(this.#signal, SIGNAL_GONE, exchange.id);
      });
      exchange.timer = setTimeout(() => this.#timeout(exchange), timeoutMillis);
    });
  }

  /** Disposes the thread's instances, takes its last telemetry, and stops it. */
  async close(): Promise<void> {
    if (this.#stopped) return;
    if (this.#isReady) {
      const closed = new Promise<void>((resolve) => (this.#onClosed = resolve));
      this.#post({ t: 'close' });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_MILLIS)))]);
      clearTimeout(timer);
    }
    this.#stopped = true;
    this.#drain();
    this.#channel.intake.finish();
    this.#channel.port.close();
    this.#requests.close();
    await this.#worker.terminate();
  }

  #post(message: ToThread, transfer: ArrayBuffer[] = []): void {
    this.#requests.postMessage(message, transfer);
    Atomics.add(this.#signal, SIGNAL_SEQUENCE, 1);
    Atomics.notify(this.#signal, SIGNAL_SEQUENCE);
  }

  #sendBody(exchange: Exchange, maxBodyBytes: number): void {
    const { id, req } = exchange;
    let received = 0;
    let over = false;
    const problems = this.#options.channel.problemCounter;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      received += chunk.byteLength;
      if (received > maxBodyBytes) {
        over = true;
        problems.report('http_request_refused', `${exchange.head.method} ${exchange.head.target}: request body is over the limit of ${maxBodyBytes} bytes; the guest's read of it fails`);
        this.#post({ t: 'body-failed', id, message: `the request body is over the limit of ${maxBodyBytes} bytes` });
        return;
      }
      const [copy, buffer] = detachedCopy(chunk);
      this.#post({ t: 'body', id, chunk: copy }, [buffer]);
      exchange.unread += chunk.byteLength;
      if (exchange.unread > BODY_WINDOW_BYTES && !exchange.paused) {
        exchange.paused = true;
        req.pause();
      }
    });
    req.on('end', () => {
      if (!over) this.#post({ t: 'body-end', id });
    });
    req.on('close', () => {
      if (req.complete || over) return;
      problems.report('http_request_refused', `${exchange.head.method} ${exchange.head.target}: the client went away while sending the request body`);
      this.#post({ t: 'body-failed', id, message: 'the client went away while sending the request body' });
    });
  }

  #onMessage(message: ServingMessage): void {
    if (!isFromThread(message)) {
      try {
        this.#channel.intake.handle(message);
      } catch (error) {
        this.#options.channel.problemCounter.hostError('taking telemetry from a serving thread', error);
      }
      return;
    }
    this.#fromThread(message);
  }

  #fromThread(message: FromThread): void {
    switch (message.t) {
      case 'ready':
        return this.#settleReady();
      case 'warm-failed':
        return this.#settleReady(new WasmOtelError('guest_trap', message.message));
      case 'closed':
        this.#addCounts(message);
        this.#onClosed?.();
        return;
      default:
    }
    const exchange = this.#current;
    if (exchange === undefined || exchange.id !== message.id) return;
    const { res } = exchange;
    switch (message.t) {
      case 'head':
        if (!res.headersSent && !res.destroyed) res.writeHead(message.status, message.headers);
        return;
      case 'chunk': {
        // Acknowledged once the connection took it: the thread keeps at most a window on its way.
        const bytes = message.chunk.byteLength;
        const written = (): void => {
          if (this.#current === exchange) this.#post({ t: 'written', id: exchange.id, bytes });
        };
        if (res.destroyed) written();
        else res.write(message.chunk, written);
        return;
      }
      case 'end':
        if (!res.destroyed) res.end(message.text);
        return;
      case 'destroy':
        res.destroy();
        return;
      case 'body-read':
        exchange.unread -= message.bytes;
        if (exchange.paused && exchange.unread <= BODY_WINDOW_BYTES / 2) {
          exchange.paused = false;
          exchange.req.resume();
        }
        return;
      case 'served':
        this.#addCounts(message);
        this.#finish(exchange);
        return;
    }
  }

  /** The thread's problem counts since it last said, added to this thread's counter. */
  #addCounts(counts: { problems: Record<string, number>; suppressed: Record<string, number> }): void {
    const problems = this.#options.channel.problemCounter;
    for (const [reason, count] of Object.entries(counts.problems)) {
      const added = count - (this.#seen.problems[reason] ?? 0);
      const suppressed = (counts.suppressed[reason] ?? 0) - (this.#seen.suppressed[reason] ?? 0);
      if (added > 0 || suppressed > 0) problems.add(reason as ProblemReason, added, suppressed);
    }
    this.#seen = counts;
  }

  #finish(exchange: Exchange): void {
    clearTimeout(exchange.timer);
    this.#current = undefined;
    const { req } = exchange;
    // What the guest did not read of the body is read and dropped (the connection can be reused).
    if (!req.complete) {
      req.removeAllListeners('data');
      req.resume();
    }
    exchange.done();
  }

  #timeout(exchange: Exchange): void {
    exchange.timedOut = true;
    requestInterrupt(this.#channel.control, TIMEOUT_SIGNAL);
    exchange.timer = setTimeout(() => {
      if (this.#current !== exchange) return;
      this.#options.channel.problemCounter.report(
        'http_handler_failed',
        `${this.#options.name}: ${exchange.head.method} ${exchange.head.target}: the guest did not answer within ${this.#options.serve.limits.requestTimeoutMillis} ms and made no call into the host for ${this.#options.stopGraceMillis} ms more: its thread was stopped`,
      );
      void this.#worker.terminate();
    }, this.#options.stopGraceMillis);
  }

  /** Every message the thread sent before it went, synchronously. */
  #drain(): void {
    for (let received = receiveMessageOnPort(this.#channel.port); received !== undefined; received = receiveMessageOnPort(this.#channel.port)) {
      this.#onMessage(received.message as ServingMessage);
    }
  }

  /** The thread is gone (stopped after a timeout, failed, or exited): its request is answered here. */
  #gone(why: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#drain();
    this.#settleReady(new WasmOtelError('guest_trap', `${this.#options.name}: its serving thread ${why}`));
    const exchange = this.#current;
    if (exchange !== undefined) {
      const { journal, intake } = this.#channel;
      const limit = this.#options.serve.limits.requestTimeoutMillis;
      const [detail, hostDetail, status, text] = exchange.timedOut
        ? ['span still open when the request timed out', `the guest did not answer within ${limit} ms; its thread was stopped`, 504, `the guest did not answer within ${limit} ms\n`]
        : [`span still open when the serving thread ${why}`, `the serving thread ${why}`, 500, 'the guest failed\n'];
      // The server span as the thread would have settled it: the request, and the answer given here.
      const { head } = exchange;
      const attributes = {
        ...requestAttributes({ ...head, ...(head.contentLength !== undefined ? { bodySize: head.contentLength } : {}) }),
        ...responseAttributes({ status, bodySize: Buffer.byteLength(text), errorType: exchange.timedOut ? 'timeout' : 'guest_trap' }),
      };
      intake.closeJournaled(readSharedJournal(journal), exchange.timedOut ? 'signal' : 'trap', detail, hostDetail, sharedJournalOverflow(journal), attributes);
      if (!exchange.timedOut) this.#options.channel.problemCounter.report('http_handler_failed', `${this.#options.name}: ${exchange.head.method} ${exchange.head.target}: the serving thread ${why}`);
      const { res } = exchange;
      if (!res.headersSent && !res.destroyed) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' }).end(text);
      else res.destroy();
      this.#finish(exchange);
    }
    this.#channel.intake.finish();
    this.#channel.port.close();
    this.#requests.close();
    this.onStopped(this);
  }
}
