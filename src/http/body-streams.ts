import { monotonicClock } from '@bytecodealliance/preview2-shim/clocks';
import { streams } from '@bytecodealliance/preview2-shim/io';

/** `wasi:io/streams` `stream-error` `closed`, thrown (jco's convention for a `result` import). */
const CLOSED = { tag: 'closed' } as const;

/** Most bytes one `check-write` permits. */
export const WRITE_PERMIT = 1 << 20;

/**
 * A pollable that is ready at once: a body the host holds whole is always readable, a body that
 * goes to a Node response always writable. It is the shim's own (a zero-length clock wait), so
 * `wasi:io/poll` can mix it with the shim's other pollables (timers, stdin).
 */
export function readyPollable(): unknown {
  return (monotonicClock as { subscribeDuration(duration: bigint): unknown }).subscribeDuration(0n);
}

type ShimInputStream = new () => object;
type ShimOutputStream = new () => object;

/**
 * A body the host received whole, as a `wasi:io/streams` `input-stream`. A subclass of the shim's
 * class, so that the guest's one `input-stream` type covers both (jco checks `instanceof`); every
 * method is ours.
 */
export class BodyInputStream extends (streams.InputStream as unknown as ShimInputStream) {
  #bytes: Uint8Array;
  #at = 0;
  #onDrop: (() => void) | undefined;

  constructor(bytes: Uint8Array, onDrop?: () => void) {
    super();
    this.#bytes = bytes;
    this.#onDrop = onDrop;
  }

  read(len: bigint): Uint8Array {
    if (this.#at >= this.#bytes.byteLength) throw CLOSED;
    const n = Math.min(Number(len > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : len), this.#bytes.byteLength - this.#at);
    const chunk = this.#bytes.subarray(this.#at, this.#at + n);
    this.#at += n;
    return chunk;
  }

  blockingRead(len: bigint): Uint8Array {
    return this.read(len);
  }

  skip(len: bigint): bigint {
    return BigInt(this.read(len).byteLength);
  }

  blockingSkip(len: bigint): bigint {
    return this.skip(len);
  }

  subscribe(): unknown {
    return readyPollable();
  }

  [Symbol.dispose](): void {
    this.#onDrop?.();
    this.#onDrop = undefined;
  }
}

/** Where an output stream's bytes go; false once the other side is gone (the stream is closed). */
export type ByteSink = (chunk: Uint8Array) => boolean;

/** A body the guest writes, as a `wasi:io/streams` `output-stream` (see BodyInputStream). */
export class BodyOutputStream extends (streams.OutputStream as unknown as ShimOutputStream) {
  #sink: ByteSink;
  #closed = false;
  #onDrop: (() => void) | undefined;

  constructor(sink: ByteSink, onDrop?: () => void) {
    super();
    this.#sink = sink;
    this.#onDrop = onDrop;
  }

  checkWrite(): bigint {
    if (this.#closed) throw CLOSED;
    return BigInt(WRITE_PERMIT);
  }

  write(contents: Uint8Array): void {
    if (this.#closed) throw CLOSED;
    // Copied: jco hands a view of guest memory, which the guest reuses after the call.
    if (!this.#sink(contents.slice())) {
      this.#closed = true;
      throw CLOSED;
    }
  }

  blockingWriteAndFlush(contents: Uint8Array): void {
    this.write(contents);
  }

  flush(): void {
    if (this.#closed) throw CLOSED;
  }

  blockingFlush(): void {
    this.flush();
  }

  writeZeroes(len: bigint): void {
    // Within the permit check-write gives (a huge length would otherwise throw a RangeError
    // into the guest, a trap); a guest that asks for more gets the stream's `closed`.
    if (len > BigInt(WRITE_PERMIT)) throw CLOSED;
    this.write(new Uint8Array(Number(len)));
  }

  blockingWriteZeroesAndFlush(len: bigint): void {
    this.writeZeroes(len);
  }

  splice(src: { read(len: bigint): Uint8Array }, len: bigint): bigint {
    const bytes = src.read(len < BigInt(WRITE_PERMIT) ? len : BigInt(WRITE_PERMIT));
    this.write(bytes);
    return BigInt(bytes.byteLength);
  }

  blockingSplice(src: { read(len: bigint): Uint8Array }, len: bigint): bigint {
    return this.splice(src, len);
  }

  subscribe(): unknown {
    return readyPollable();
  }

  [Symbol.dispose](): void {
    this.#onDrop?.();
    this.#onDrop = undefined;
  }
}
