import { HOST_ONLY } from '../host/import-tracing.js';
import { BodyOutputStream } from './body-streams.js';
import type { ErrorCode } from './error-code.js';

/**
 * Where the bytes of an outgoing body go. A response's body is given one when the guest sets the
 * response (bytes written before then wait); a request's body collects its bytes until it is sent.
 */
export interface BodyTarget {
  /** False when the peer is gone: the stream closes. */
  write(chunk: Uint8Array): boolean;
  /** The guest finished the body (after every write). */
  end(): void;
}

/** `wasi:http/types` `outgoing-body`. */
export class OutgoingBody {
  static readonly [HOST_ONLY] = ['create', 'attach', 'written', 'finished'];

  #streamTaken = false;
  #pending: Uint8Array[] = [];
  #target: BodyTarget | undefined;
  #written = 0;
  #finished = false;
  #expectedLength: number | undefined;
  #kind: 'request' | 'response' = 'response';

  write(): BodyOutputStream {
    if (this.#streamTaken) throw undefined;
    this.#streamTaken = true;
    return new BodyOutputStream((chunk) => this.#accept(chunk));
  }

  static finish(body: OutgoingBody, trailers?: unknown): void {
    if (body.#finished) throw { tag: 'internal-error', val: 'outgoing body already finished' } satisfies ErrorCode;
    body.#finished = true;
    if (trailers !== undefined) throw { tag: 'internal-error', val: 'trailers are not supported by this host' } satisfies ErrorCode;
    if (body.#expectedLength !== undefined && body.#written !== body.#expectedLength) {
      const tag = body.#kind === 'request' ? 'HTTP-request-body-size' : 'HTTP-response-body-size';
      throw { tag, val: BigInt(body.#written) } satisfies ErrorCode;
    }
    body.#target?.end();
  }

  #accept(chunk: Uint8Array): boolean {
    if (this.#finished) return false;
    this.#written += chunk.byteLength;
    if (this.#target) return this.#target.write(chunk);
    this.#pending.push(chunk);
    return true;
  }

  /** Host side: a new body; `expectedLength` from the content-length the guest set. */
  static create(kind: 'request' | 'response', expectedLength: number | undefined): OutgoingBody {
    const body = new OutgoingBody();
    body.#kind = kind;
    body.#expectedLength = expectedLength;
    return body;
  }

  /** Host side: sends what was written so far to `target`, and everything after; ends it if already finished. */
  static attach(body: OutgoingBody, target: BodyTarget): void {
    body.#target = target;
    for (const chunk of body.#pending.splice(0)) target.write(chunk);
    if (body.#finished) target.end();
  }

  /** Host side: bytes the guest has written. */
  static written(body: OutgoingBody): number {
    return body.#written;
  }

  /** Host side: whether the guest finished the body. */
  static finished(body: OutgoingBody): boolean {
    return body.#finished;
  }
}
