import { HOST_ONLY } from '../host/import-tracing.js';
import { readyPollable } from './body-streams.js';
import type { ErrorCode } from './error-code.js';
import { Fields } from './fields.js';
import { IncomingBody, type Method, type Scheme } from './incoming-request.js';
import { OutgoingBody } from './outgoing-body.js';
import { contentLengthOf } from './outgoing-response.js';

/** `wasi:http/types` `outgoing-request`. */
export class OutgoingRequest {
  static readonly [HOST_ONLY] = ['bodyOf'];

  #method: Method = { tag: 'get' };
  #scheme: Scheme | undefined;
  #pathWithQuery: string | undefined;
  #authority: string | undefined;
  #headers: Fields;
  #body: OutgoingBody;
  #bodyTaken = false;

  constructor(headers: Fields) {
    this.#headers = Fields.lock(headers);
    this.#body = OutgoingBody.create('request', contentLengthOf(headers));
  }

  body(): OutgoingBody {
    if (this.#bodyTaken) throw undefined;
    this.#bodyTaken = true;
    return this.#body;
  }

  method(): Method {
    return this.#method;
  }

  setMethod(method: Method): void {
    if (method.tag === 'other' && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method.val)) throw undefined;
    this.#method = method;
  }

  pathWithQuery(): string | undefined {
    return this.#pathWithQuery;
  }

  setPathWithQuery(path: string | undefined): void {
    if (path !== undefined && !/^[\x21-\x7e]*$/.test(path)) throw undefined;
    this.#pathWithQuery = path;
  }

  scheme(): Scheme | undefined {
    return this.#scheme;
  }

  setScheme(scheme: Scheme | undefined): void {
    if (scheme?.tag === 'other' && !/^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(scheme.val)) throw undefined;
    this.#scheme = scheme;
  }

  authority(): string | undefined {
    return this.#authority;
  }

  setAuthority(authority: string | undefined): void {
    if (authority !== undefined && !/^[\x21-\x7e]*$/.test(authority)) throw undefined;
    this.#authority = authority;
  }

  headers(): Fields {
    return this.#headers;
  }

  /** Host side: the body and whether the guest took it. */
  static bodyOf(request: OutgoingRequest): { body: OutgoingBody; taken: boolean } {
    return { body: request.#body, taken: request.#bodyTaken };
  }
}

/** `wasi:http/types` `request-options`: timeouts in nanoseconds (none: the host's default). */
export class RequestOptions {
  static readonly [HOST_ONLY] = ['millisOf'];

  #connect: bigint | undefined;
  #firstByte: bigint | undefined;
  #betweenBytes: bigint | undefined;

  connectTimeout(): bigint | undefined {
    return this.#connect;
  }

  setConnectTimeout(duration: bigint | undefined): void {
    this.#connect = duration;
  }

  firstByteTimeout(): bigint | undefined {
    return this.#firstByte;
  }

  setFirstByteTimeout(duration: bigint | undefined): void {
    this.#firstByte = duration;
  }

  betweenBytesTimeout(): bigint | undefined {
    return this.#betweenBytes;
  }

  setBetweenBytesTimeout(duration: bigint | undefined): void {
    this.#betweenBytes = duration;
  }

  /** Host side: the longest the guest allows for the whole exchange, in ms (undefined: no limit given). */
  static millisOf(options: RequestOptions | undefined): number | undefined {
    if (!options) return undefined;
    const given = [options.#connect, options.#firstByte].filter((d): d is bigint => d !== undefined);
    if (given.length === 0) return undefined;
    return Math.max(1, Number(given.reduce((a, b) => a + b, 0n) / 1_000_000n));
  }
}

/** `wasi:http/types` `incoming-response`. */
export class IncomingResponse {
  static readonly [HOST_ONLY] = ['of'];

  #status = 0;
  #headers!: Fields;
  #body: Uint8Array | undefined;

  status(): number {
    return this.#status;
  }

  headers(): Fields {
    return this.#headers;
  }

  consume(): IncomingBody {
    if (this.#body === undefined) throw undefined;
    const body = IncomingBody.of(this.#body);
    this.#body = undefined;
    return body;
  }

  static of(status: number, rawHeaders: readonly string[], body: Uint8Array): IncomingResponse {
    const response = new IncomingResponse();
    response.#status = status;
    response.#headers = Fields.fromRaw(rawHeaders);
    response.#body = body;
    return response;
  }
}

type Outcome = { tag: 'ok'; val: IncomingResponse } | { tag: 'err'; val: ErrorCode };

/**
 * `wasi:http/types` `future-incoming-response`. Ready at once to the guest's poll; the request
 * is made when the guest first asks for the answer, if it was not made at `handle` (a body the
 * guest had not finished writing then).
 */
export class FutureIncomingResponse {
  static readonly [HOST_ONLY] = ['of'];

  #outcome: Outcome | undefined;
  #perform: (() => Outcome) | undefined;
  #taken = false;

  subscribe(): unknown {
    return readyPollable();
  }

  get(): { tag: 'ok'; val: Outcome } | { tag: 'err'; val: undefined } {
    if (this.#taken) return { tag: 'err', val: undefined };
    if (this.#outcome === undefined) {
      const perform = this.#perform!;
      this.#perform = undefined;
      this.#outcome = perform();
    }
    this.#taken = true;
    return { tag: 'ok', val: this.#outcome };
  }

  static of(perform: () => Outcome, now: boolean): FutureIncomingResponse {
    const future = new FutureIncomingResponse();
    if (now) future.#outcome = perform();
    else future.#perform = perform;
    return future;
  }
}
