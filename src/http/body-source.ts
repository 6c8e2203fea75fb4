/**
 * Where an incoming body's bytes come from, for BodyInputStream: the whole body at once
 * (WholeBody: a request read before the guest ran, a response to an outgoing request), or bytes
 * still arriving from the network (PortBody, on a serving thread).
 */
export interface BodySource {
  /**
   * Up to `max` bytes: what is there now (an empty array when nothing is yet), or, with `wait`,
   * at least one byte unless the body is over. `undefined`: the body is over (all read).
   * Throws BodyFailed when the body cannot be received whole.
   */
  read(max: number, wait: boolean): Uint8Array | undefined;
  /** True when a read would not come back empty-handed (bytes, the end, or a failure are there). */
  ready(): boolean;
}

/** The body could not be received whole (the client went away, it was over the limit). */
export class BodyFailed extends Error {}

/** A body the host holds whole. */
export class WholeBody implements BodySource {
  #at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  read(max: number): Uint8Array | undefined {
    if (this.#at >= this.bytes.byteLength) return undefined;
    const n = Math.min(max, this.bytes.byteLength - this.#at);
    const chunk = this.bytes.subarray(this.#at, this.#at + n);
    this.#at += n;
    return chunk;
  }

  ready(): boolean {
    return true;
  }
}
