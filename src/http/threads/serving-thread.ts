import type { IncomingMessage, ServerResponse } from 'node:http';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { ProblemCounter, ProblemReason } from '../../engine/index.js';
import { WasmOtelError } from '../../host/errors.js';
import { openGuestChannel, type GuestChannel, type GuestChannelOptions } from '../../host/worker/guest-channel.js';
import { workerScript } from '../../host/worker/worker-script.js';
import type { ChannelIntake } from '../../telemetry/transfer/channel-intake.js';
import type { TransferParent } from '../../telemetry/transfer/context-transfer.js';
import { requestInterrupt } from '../../telemetry/transfer/flow-control.js';
import type { SharedLedgers } from '../../telemetry/transfer/shared-ledgers.js';
import { readSharedJournal, sharedJournalOverflow } from '../../telemetry/transfer/shared-span-journal.js';
import type { RequestHead } from '../request-head.js';
import { TIMEOUT_SIGNAL } from '../serve-request.js';
import { requestAttributes, responseAttributes } from '../server-span.js';
import { SIGNAL_GONE, SIGNAL_SEQUENCE, SIGNAL_SLOTS, SIGNAL_WRITTEN, detachedCopy, isFromThread, type FromThread, type ServingMessage, type ServingThreadData, type ToThread } from './serving-protocol.js';

/** Request body bytes sent ahead of what the guest has read; the client is paused beyond. */
const BODY_WINDOW_BYTES = 1024 * 1024;

/** How long a closing thread has to dispose its instances and send its last metrics. */
const CLOSE_MILLIS = 5000;

/** The interrupt a closing server gives a request still in flight. */
const SIGTERM = 15;

/** `promise`, or after `millis` whatever it is by then. */
async function within(promise: Promise<unknown>, millis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, millis)))]);
  clearTimeout(timer);
}

export interface ServingThreadOptions {
  /** Where the thread's telemetry goes (its problem counter gets the thread's counts); `ledgers` unused. */
  channel: GuestChannelOptions & { problemCounter: ProblemCounter };
  /** The exporters' ledgers, shared with the other threads. */
  ledgers: SharedLedgers;
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
  /** The host answered the client itself (at the timeout): what the thread writes after is dropped. */
  answered: boolean;
  /** Removes the listeners this exchange put on the request and response. */
  detach(): void;
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
  readonly #signal = new Int32Array(new SharedArrayBuffer(SIGNAL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  #settleReady!: (error?: Error) => void;
  #isReady = false;
  #current: Exchange | undefined;
  #nextId = 1;
  #stopped = false;
  #onClosed: (() => void) | undefined;
  /** Told when the request in flight is over (close waits for it). */
  #onIdle: (() => void) | undefined;
  /** Why the thread is being stopped by close(), for the spans of a request it cuts off. */
  #closingWhy: string | undefined;
  #seen: { problems: Record<string, number>; suppressed: Record<string, number> } = { problems: {}, suppressed: {} };

  constructor(
    options: ServingThreadOptions,
    private readonly onStopped: (thread: ServingThread) => void,
  ) {
    this.#options = options;
    let intake: ChannelIntake | undefined;
    const { feeds } = options.ledgers.feeds((stream) => intake?.unsettled()[stream] ?? 0);
    this.#channel = openGuestChannel({ ...options.channel, ledgers: feeds });
    intake = this.#channel.intake;
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
    this.#worker.on('exit', (code) => this.#gone(this.#closingWhy ?? `exited (code ${code})`));
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
      const exchange: Exchange = { id: this.#nextId++, head, req, res, unread: 0, paused: false, timer: undefined, timedOut: false, answered: false, detach: () => {}, done: resolve };
      this.#current = exchange;
      Atomics.store(this.#signal, SIGNAL_WRITTEN, 0);
      // A request without a body (most GETs) is over by now: one message says it all.
      const bodyDone = req.complete && req.readableLength === 0;
      this.#post({ t: 'request', id: exchange.id, head, ...(parent !== undefined ? { parent } : {}), ...(bodyDone ? { bodyDone: true } : {}) });
      const detachBody = bodyDone ? (req.resume(), () => {}) : this.#sendBody(exchange, maxBodyBytes);
      const onClose = (): void => {
        // The client went away before the answer was complete: the guest's writes go nowhere.
        if (!res.writableFinished) Atomics.store(this.#signal, SIGNAL_GONE, exchange.id);
      };
      res.on('close', onClose);
      exchange.detach = () => {
        detachBody();
        res.off('close', onClose);
      };
      exchange.timer = setTimeout(() => this.#timeout(exchange), timeoutMillis);
    });
  }

  /**
   * Disposes the thread's instances, takes its last telemetry, and stops it. A request still in
   * flight is interrupted (its guest unwound at its next host call, else stopped with the thread
   * after the grace time; its open spans closed either way).
   */
  async close(): Promise<void> {
    if (this.#stopped) return;
    const exchange = this.#current;
    if (exchange !== undefined) {
      this.#closingWhy = 'was stopped because the server closed';
      clearTimeout(exchange.timer);
      requestInterrupt(this.#channel.control, SIGTERM);
      await within(new Promise<void>((resolve) => (this.#onIdle = resolve)), this.#options.stopGraceMillis);
    }
    if (this.#isReady && this.#current === undefined && !this.#stopped) {
      const closed = new Promise<void>((resolve) => (this.#onClosed = resolve));
      this.#post({ t: 'close' });
      await within(closed, CLOSE_MILLIS);
    }
    if (this.#stopped) return;
    this.#closingWhy ??= 'was stopped because the server closed';
    // Its exit (below) ends what is left: the request in flight, the channel (see #gone).
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    await this.#worker.terminate();
    await within(exited, CLOSE_MILLIS);
    this.#gone(this.#closingWhy);
  }

  #post(message: ToThread, transfer: ArrayBuffer[] = []): void {
    this.#requests.postMessage(message, transfer);
    Atomics.add(this.#signal, SIGNAL_SEQUENCE, 1);
    Atomics.notify(this.#signal, SIGNAL_SEQUENCE);
  }

  /** Sends the request body as it arrives; returns what removes the listeners. */
  #sendBody(exchange: Exchange, maxBodyBytes: number): () => void {
    const { id, req } = exchange;
    let received = 0;
    let over = false;
    const problems = this.#options.channel.problemCounter;
    const onData = (chunk: Buffer): void => {
      if (over) return;
      received += chunk.byteLength;
      if (received > maxBodyBytes) {
        over = true;
        // The rest is not read: the connection is closed after the answer.
        exchange.res.shouldKeepAlive = false;
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
    };
    const onEnd = (): void => {
      if (!over) this.#post({ t: 'body-end', id });
    };
    const onClose = (): void => {
      if (req.complete || over) return;
      problems.report('http_request_refused', `${exchange.head.method} ${exchange.head.target}: the client went away while sending the request body`);
      this.#post({ t: 'body-failed', id, message: 'the client went away while sending the request body' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    return () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
    };
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
      case 'batch':
        for (const one of message.messages) this.#onMessage(one);
        return;
      case 'ready':
        return this.#settleReady();
      case 'warm-failed':
        return this.#settleReady(new WasmOtelError(message.code, message.message));
      case 'closed':
        this.#addCounts(message);
        this.#onClosed?.();
        return;
      default:
    }
    const exchange = this.#current;
    if (exchange === undefined || exchange.id !== message.id) return;
    const { res } = exchange;
    if (exchange.answered && message.t !== 'served' && message.t !== 'body-read') return;
    switch (message.t) {
      case 'head':
        if (!res.headersSent && !res.destroyed) res.writeHead(message.status, message.headers);
        return;
      case 'chunk': {
        // Acknowledged once the connection took it: the thread keeps at most a window on its way.
        const bytes = message.chunk.byteLength;
        const written = (): void => {
          if (this.#current !== exchange) return;
          Atomics.add(this.#signal, SIGNAL_WRITTEN, bytes);
          Atomics.add(this.#signal, SIGNAL_SEQUENCE, 1);
          Atomics.notify(this.#signal, SIGNAL_SEQUENCE);
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
    // A timeout of this request is over (only this side resets it: the next request starts clean).
    Atomics.store(this.#channel.control, 0, 0);
    exchange.detach();
    const { req } = exchange;
    // What the guest did not read of the body is read and dropped (the connection can be reused).
    if (!req.readableEnded) req.resume();
    exchange.done();
    this.#onIdle?.();
    this.#onIdle = undefined;
  }

  #timeout(exchange: Exchange): void {
    exchange.timedOut = true;
    requestInterrupt(this.#channel.control, TIMEOUT_SIGNAL);
    // The client hears at once (the guest is unwound or its thread stopped meanwhile; the span
    // says the same), unless the guest's answer has begun: then it is cut off when the guest stops.
    this.#drain();
    if (this.#current === exchange && !exchange.res.headersSent && !exchange.res.destroyed) {
      exchange.answered = true;
      const text = `the guest did not answer within ${this.#options.serve.limits.requestTimeoutMillis} ms\n`;
      exchange.res.writeHead(504, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
    }
    exchange.timer = setTimeout(() => {
      // Its answer may be here already, not yet taken.
      this.#drain();
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
        : this.#closingWhy !== undefined
          ? [`span still open when the serving thread ${why}`, `the serving thread ${why}`, 503, 'the server is stopping\n']
          : [`span still open when the serving thread ${why}`, `the serving thread ${why}`, 500, 'the guest failed\n'];
      // The server span as the thread would have settled it: the request, and the answer given here.
      const { head } = exchange;
      const attributes = {
        ...requestAttributes({ ...head, ...(head.contentLength !== undefined ? { bodySize: head.contentLength } : {}) }),
        ...responseAttributes({ status, bodySize: Buffer.byteLength(text), errorType: exchange.timedOut ? 'timeout' : this.#closingWhy !== undefined ? 'server_closed' : 'guest_trap' }),
      };
      intake.closeJournaled(readSharedJournal(journal), exchange.timedOut || this.#closingWhy !== undefined ? 'signal' : 'trap', detail, hostDetail, sharedJournalOverflow(journal), attributes);
      if (!exchange.timedOut) this.#options.channel.problemCounter.report('http_handler_failed', `${this.#options.name}: ${exchange.head.method} ${exchange.head.target}: the serving thread ${why}`);
      const { res } = exchange;
      if (exchange.answered) {
        // answered 504 already
      } else if (!res.headersSent && !res.destroyed) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' }).end(text);
      else res.destroy();
      this.#finish(exchange);
    }
    this.#channel.intake.finish();
    this.#channel.port.close();
    this.#requests.close();
    this.onStopped(this);
  }
}
