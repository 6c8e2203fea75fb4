import { monotonicClock } from '@bytecodealliance/preview2-shim/clocks';
import { error as ioError, streams } from '@bytecodealliance/preview2-shim/io';
import { BodyFailed, type BodySource } from './body-source.js';

/** `wasi:io/streams` `stream-error` `closed`, thrown (jco's convention for a `result` import). */
const CLOSED = { tag: 'closed' } as const;

/** How long a pollable of a body still arriving waits before the guest looks again (it cannot be woken). */
const ARRIVING_POLL_NANOS = 1_000_000n;

/** Most bytes one `check-write` permits. */
export const WRITE_PERMIT = 1 << 20;

/**
 * A pollable that is ready at once: a body the host holds whole is always readable, a body that
 * goes to a Node response always writable. It is the shim's own (a zero-length clock wait), so
 * `wasi:io/poll` can mix it with the shim's other pollables (timers, stdin).
 */
export function readyPollable(): unknown {
  return pollableAfter(0n);
}

function pollableAfter(nanos: bigint): unknown {
  return (monotonicClock as { subscribeDuration(duration: bigint): unknown }).subscribeDuration(nanos);
}

type ShimInputStream = new () => object;
/** The shim's `wasi:io/error` `error` resource (jco checks `instanceof` when lowering it). */
const ShimIoError = (ioError as unknown as { Error: new (message: string) => object }).Error;
type ShimOutputStream = new () => object;

/**
 * An incoming body (see BodySource) as a `wasi:io/streams` `input-stream`. A subclass of the
 * shim's class, so that the guest's one `input-stream` type covers both (jco checks
 * `instanceof`); every method is ours. A body that could not be received whole ends in
 * `last-operation-failed` (jco gives the guest an error resource for it).
 */
export class BodyInputStream extends (streams.InputStream as unknown as ShimInputStream) {
  #source: BodySource;
  #onDrop: (() => void) | undefined;

  constructor(source: BodySource, onDrop?: () => void) {
    super();
    this.#source = source;
    this.#onDrop = onDrop;
  }

  read(len: bigint): Uint8Array {
    return this.#take(len, false);
  }

  blockingRead(len: bigint): Uint8Array {
    return this.#take(len, true);
  }

  #take(len: bigint, wait: boolean): Uint8Array {
    const max = Number(len > BigInt(WRITE_PERMIT) ? BigInt(WRITE_PERMIT) : len);
    let chunk: Uint8Array | undefined;
    try {
      chunk = this.#source.read(max, wait);
    } catch (error) {
      if (error instanceof BodyFailed) throw { tag: 'last-operation-failed', val: new ShimIoError(error.message) };
      throw error;
    }
    if (chunk === undefined) throw CLOSED;
    return chunk;
  }

  skip(len: bigint): bigint {
    return BigInt(this.read(len).byteLength);
  }

  blockingSkip(len: bigint): bigint {
    return this.skip(len);
  }

  subscribe(): unknown {
    // Bytes still arriving cannot wake a shim pollable: the guest looks again after a millisecond.
    return this.#source.ready() ? readyPollable() : pollableAfter(ARRIVING_POLL_NANOS);
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
