import type { ResponseTarget } from '../response-exchange.js';
import { SIGNAL_GONE, detachedCopy, type FromThread } from './serving-protocol.js';

/**
 * The Node response of request `id`, on the main thread, as a ResponseTarget: what the guest's
 * answer writes is posted there as it comes. `destroyed` once the client went away (the main
 * thread says so in the shared signal array) or the response was cut off.
 */
export class RemoteResponse implements ResponseTarget {
  #headersSent = false;
  #destroyed = false;

  constructor(
    private readonly id: number,
    private readonly post: (message: FromThread, transfer?: ArrayBuffer[]) => void,
    private readonly signal: Int32Array,
  ) {}

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

  write(chunk: Uint8Array): void {
    const [copy, buffer] = detachedCopy(chunk);
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
