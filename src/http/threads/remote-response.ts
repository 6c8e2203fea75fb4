import type { ResponseTarget } from '../response-exchange.js';
import type { RequestInbox } from './request-inbox.js';
import { SIGNAL_GONE, detachedCopy, type FromThread } from './serving-protocol.js';

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
  /** Bytes posted that the connection has not taken yet. */
  #unwritten = 0;

  constructor(
    private readonly id: number,
    private readonly post: (message: FromThread, transfer?: ArrayBuffer[]) => void,
    private readonly signal: Int32Array,
    private readonly inbox: RequestInbox,
  ) {
    inbox.onWritten(id, (bytes) => (this.#unwritten -= bytes));
  }

  get headersSent(): boolean {
    return this.#headersSent;
  }

  get destroyed(): boolean {
    return this.#destroyed || Atomics.load(this.signal, SIGNAL_GONE) === this.id;
  }

  writeHead(status: number, headers: string[] | Record<string, string | number>): void {
    this.#headersSent = true;
    this.post({ t: 'head', id: this.id, status, headers });
  }

  /**
   * Posts the chunk; while more than a window is on its way (a slow client), waits first for the
   * connection to take some (the guest's write blocks, as a socket's would). Throws
   * GuestInterrupted when the request times out meanwhile.
   */
  write(chunk: Uint8Array): void {
    for (;;) {
      const seen = this.inbox.sequence();
      this.inbox.pump();
      if (this.#unwritten <= WRITE_WINDOW_BYTES || this.destroyed) break;
      this.inbox.wait(seen);
    }
    if (this.destroyed) return;
    const [copy, buffer] = detachedCopy(chunk);
    this.#unwritten += copy.byteLength;
    this.post({ t: 'chunk', id: this.id, chunk: copy }, [buffer]);
  }

  end(text?: string): void {
    this.post({ t: 'end', id: this.id, ...(text !== undefined ? { text } : {}) });
  }

  destroy(): void {
    this.#destroyed = true;
    this.post({ t: 'destroy', id: this.id });
  }
}
