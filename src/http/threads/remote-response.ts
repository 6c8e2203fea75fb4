import type { ResponseTarget } from '../response-exchange.js';
import type { RequestInbox } from './request-inbox.js';
import { SIGNAL_GONE, SIGNAL_WRITTEN, detachedCopy, type FromThread, type ServingMessage } from './serving-protocol.js';

/** Telemetry messages held for `served` at most. */
const OUTBOX_MAX = 16;

/** Answer bytes on their way to the connection at once; a guest writing faster waits. */
const WRITE_WINDOW_BYTES = 1024 * 1024;

/**
 * The Node response of request `id`, on the main thread, as a ResponseTarget: what the guest's
 * answer writes is posted there as it comes. `destroyed` once the client went away (the main
 * thread says so in the shared signal array) or the response was cut off.
 */
export class RemoteResponse implements ResponseTarget {
  #headersSent = false;
  #destroyed = false;
  /** Bytes posted (modulo 2^32; the main thread counts those written in SIGNAL_WRITTEN). */
  #posted = 0;
  /** Messages not posted yet, and the buffers they carry: sent together (see flush). */
  #outbox: ServingMessage[] = [];
  /** Once the guest's call is over: telemetry messages wait in the outbox for `served` (one wake-up of the main thread). */
  #collecting = false;
  #transfer: ArrayBuffer[] = [];

  constructor(
    private readonly id: number,
    private readonly post: (message: FromThread, transfer?: ArrayBuffer[]) => void,
    private readonly signal: Int32Array,
    private readonly inbox: RequestInbox,
  ) {
    inbox.beforeWait = () => this.flush();
  }

  /** Takes a telemetry message into the outbox (once the call is over); false: post it yourself. */
  collect(message: ServingMessage, transfer: readonly ArrayBuffer[]): boolean {
    if (!this.#collecting) return false;
    this.#outbox.push(message);
    this.#transfer.push(...transfer);
    // A few at most: what waits here is not yet counted as arrived on the telemetry thread.
    if (this.#outbox.length >= OUTBOX_MAX) this.flush();
    return true;
  }

  /** Posts what is in the outbox, as one message. */
  flush(last?: FromThread): void {
    if (last) this.#outbox.push(last);
    if (this.#outbox.length === 0) return;
    const messages = this.#outbox;
    const transfer = this.#transfer;
    this.#outbox = [];
    this.#transfer = [];
    this.post(messages.length === 1 ? (messages[0]! as FromThread) : { t: 'batch', messages }, transfer);
  }

  /** Bytes posted that the connection has not taken yet. */
  #unwritten(): number {
    return (this.#posted - Atomics.load(this.signal, SIGNAL_WRITTEN)) | 0;
  }

  get headersSent(): boolean {
    return this.#headersSent;
  }

  get destroyed(): boolean {
    return this.#destroyed || Atomics.load(this.signal, SIGNAL_GONE) === this.id;
  }

  /** Goes with the first chunk, the end, or at the next wait (not alone). */
  writeHead(status: number, headers: string[] | Record<string, string | number>): void {
    this.#headersSent = true;
    this.#outbox.push({ t: 'head', id: this.id, status, headers });
  }

  /**
   * Posts the chunk; while more than a window is on its way (a slow client), waits first for the
   * connection to take some (the guest's write blocks, as a socket's would). Throws
   * GuestInterrupted when the request times out meanwhile.
   */
  write(chunk: Uint8Array): void {
    this.inbox.checkInterrupt();
    for (;;) {
      const seen = this.inbox.sequence();
      this.inbox.pump();
      if (this.#unwritten() <= WRITE_WINDOW_BYTES || this.destroyed) break;
      this.inbox.wait(seen);
    }
    if (this.destroyed) return;
    const [copy, buffer] = detachedCopy(chunk);
    this.#posted = (this.#posted + copy.byteLength) | 0;
    this.#transfer.push(buffer);
    // A chunk goes at once (the answer streams); the head, if still here, with it.
    this.flush({ t: 'chunk', id: this.id, chunk: copy });
  }

  /** Goes at once (the client has its whole answer while the guest may still be at work). */
  end(text?: string): void {
    this.flush({ t: 'end', id: this.id, ...(text !== undefined ? { text } : {}) });
  }

  /** The guest's call is over: the spans its end closes go with `served` (flushed right after). */
  startCollecting(): void {
    this.#collecting = true;
  }

  destroy(): void {
    this.#destroyed = true;
    this.flush({ t: 'destroy', id: this.id });
  }
}
