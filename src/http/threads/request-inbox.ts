import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { GuestInterrupted, signalName } from '../../runtime/guest-interrupt.js';
import { BodyFailed, type BodySource } from '../body-source.js';
import { SIGNAL_SEQUENCE, type ToThread } from './serving-protocol.js';

/** Body bytes read before the sender is told (it sends at most a window ahead). */
const ACK_BYTES = 64 * 1024;

/** Longest single wait for body bytes (the interrupt flag is looked at again after it). */
const WAIT_SLICE_MILLIS = 50;

/**
 * A serving thread's end of the requests port. Between requests its messages arrive as events;
 * while the guest runs (its calls are synchronous, no event can fire) a body read takes them
 * straight off the port, and waits for more on the shared sequence the sender bumps after each.
 */
export class RequestInbox {
  #body: PortBody | undefined;
  readonly #later: ToThread[] = [];
  #onMessage: ((message: ToThread) => void) | undefined;

  constructor(
    private readonly port: MessagePort,
    /** [SIGNAL_SEQUENCE]: bumped after every message posted to the port. */
    private readonly signal: Int32Array,
    /** The guest's interrupt flag (a timeout sets it): a waiting read gives up. */
    private readonly interrupt: Int32Array,
  ) {}

  /** Takes the port's messages as events; a body's messages go to its PortBody. */
  listen(onMessage: (message: ToThread) => void): void {
    this.#onMessage = onMessage;
    this.port.on('message', (message: ToThread) => this.#route(message));
  }

  /** The body of request `id`, until `closeBody` (`done`: empty and over already). */
  openBody(id: number, ack: (bytes: number) => void, done = false): PortBody {
    this.#body = new PortBody(id, this, ack);
    if (done) this.#body.take({ t: 'body-end', id });
    return this.#body;
  }

  /** Runs before every wait (the answer's outbox is flushed: the main thread may be waiting for it). */
  beforeWait: (() => void) | undefined;

  closeBody(): void {
    this.#body = undefined;
    // What came in while the guest ran and is not a body's (none is expected) is taken now.
    for (const message of this.#later.splice(0)) this.#onMessage?.(message);
  }

  /** Everything on the port now, synchronously. */
  pump(): void {
    for (let received = receiveMessageOnPort(this.port); received !== undefined; received = receiveMessageOnPort(this.port)) {
      const message = received.message as ToThread;
      if (message.t === 'request' || message.t === 'close') this.#later.push(message);
      else this.#route(message);
    }
  }

  /** Waits until something more is posted (or a slice passes); throws when the guest is interrupted. */
  wait(seen: number): void {
    this.checkInterrupt();
    this.beforeWait?.();
    Atomics.wait(this.signal, SIGNAL_SEQUENCE, seen, WAIT_SLICE_MILLIS);
  }

  /** Throws GuestInterrupted once the guest's call is to stop (a timeout): a body call is a host call too. */
  checkInterrupt(): void {
    const flag = Atomics.load(this.interrupt, 0);
    if (flag !== 0) throw new GuestInterrupted(flag, signalName(flag));
  }

  sequence(): number {
    return Atomics.load(this.signal, SIGNAL_SEQUENCE);
  }

  #route(message: ToThread): void {
    if (message.t === 'body' || message.t === 'body-end' || message.t === 'body-failed') {
      // A body's rest that arrives after its request was served is not anyone's.
      if (this.#body?.id === message.id) this.#body.take(message);
      return;
    }
    this.#onMessage?.(message);
  }
}

/** A request body arriving from the main thread, as a BodySource for the guest's input stream. */
export class PortBody implements BodySource {
  readonly #chunks: Uint8Array[] = [];
  #ended = false;
  #failed: string | undefined;
  #arrived = 0;
  #unacked = 0;

  constructor(
    readonly id: number,
    private readonly inbox: RequestInbox,
    private readonly ack: (bytes: number) => void,
  ) {}

  /** Bytes that have arrived on this thread so far (read by the guest or not). */
  arrived(): number {
    this.inbox.pump();
    return this.#arrived;
  }

  take(message: Extract<ToThread, { t: 'body' | 'body-end' | 'body-failed' }>): void {
    if (message.t === 'body') {
      this.#chunks.push(message.chunk);
      this.#arrived += message.chunk.byteLength;
    } else if (message.t === 'body-end') this.#ended = true;
    else this.#failed = message.message;
  }

  read(max: number, wait: boolean): Uint8Array | undefined {
    this.inbox.checkInterrupt();
    for (;;) {
      const seen = this.inbox.sequence();
      this.inbox.pump();
      const first = this.#chunks[0];
      if (first !== undefined) {
        const n = Math.min(max, first.byteLength);
        if (n === first.byteLength) this.#chunks.shift();
        else this.#chunks[0] = first.subarray(n);
        // Told in batches: enough for the sender to go on, or all of it when the guest has caught up.
        this.#unacked += n;
        if (this.#unacked >= ACK_BYTES || this.#chunks.length === 0) {
          this.ack(this.#unacked);
          this.#unacked = 0;
        }
        return first.subarray(0, n);
      }
      if (this.#failed !== undefined) throw new BodyFailed(this.#failed);
      if (this.#ended) return undefined;
      if (!wait || max === 0) return new Uint8Array(0);
      this.inbox.wait(seen);
    }
  }

  ready(): boolean {
    this.inbox.pump();
    return this.#chunks.length > 0 || this.#ended || this.#failed !== undefined;
  }
}
