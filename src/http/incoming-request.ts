import { HOST_ONLY } from '../host/import-tracing.js';
import { WholeBody, type BodySource } from './body-source.js';
import { BodyInputStream, readyPollable } from './body-streams.js';
import { Fields } from './fields.js';

/** `wasi:http/types` `method` as jco passes it. */
export type Method = { tag: 'get' | 'head' | 'post' | 'put' | 'delete' | 'connect' | 'options' | 'trace' | 'patch' } | { tag: 'other'; val: string };
/** `wasi:http/types` `scheme`. */
export type Scheme = { tag: 'HTTP' } | { tag: 'HTTPS' } | { tag: 'other'; val: string };

const KNOWN_METHODS = new Set(['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch']);

/** An HTTP method name as the WIT variant (`GET` -> `{ tag: 'get' }`, others kept as sent). */
export function methodOf(name: string): Method {
  const lower = name.toLowerCase();
  return KNOWN_METHODS.has(lower) && name === name.toUpperCase() ? ({ tag: lower } as Method) : { tag: 'other', val: name };
}

/** The method's name on the wire (`{ tag: 'get' }` -> `GET`). */
export function methodName(method: Method): string {
  return method.tag === 'other' ? method.val : method.tag.toUpperCase();
}

/** What the host knows of a request it hands the guest. */
export interface IncomingRequestData {
  method: string;
  pathWithQuery: string;
  scheme: 'http' | 'https';
  authority: string | undefined;
  /** Node's `rawHeaders`. */
  rawHeaders: readonly string[];
  /** The body: held whole, or still arriving (see BodySource). */
  body: BodySource;
}

/** `wasi:http/types` `incoming-request`. */
export class IncomingRequest {
  static readonly [HOST_ONLY] = ['of'];

  #data!: IncomingRequestData;
  #headers!: Fields;
  #consumed = false;

  method(): Method {
    return methodOf(this.#data.method);
  }

  pathWithQuery(): string | undefined {
    return this.#data.pathWithQuery;
  }

  scheme(): Scheme | undefined {
    return this.#data.scheme === 'https' ? { tag: 'HTTPS' } : { tag: 'HTTP' };
  }

  authority(): string | undefined {
    return this.#data.authority;
  }

  headers(): Fields {
    return this.#headers;
  }

  consume(): IncomingBody {
    if (this.#consumed) throw undefined;
    this.#consumed = true;
    return IncomingBody.of(this.#data.body);
  }

  /** Host side. */
  static of(data: IncomingRequestData): IncomingRequest {
    const request = new IncomingRequest();
    request.#data = data;
    request.#headers = Fields.fromRaw(data.rawHeaders);
    return request;
  }
}

/** `wasi:http/types` `incoming-body` (of a request, or of a response to an outgoing request). */
export class IncomingBody {
  static readonly [HOST_ONLY] = ['of'];

  #source!: BodySource;
  #streamTaken = false;

  stream(): BodyInputStream {
    if (this.#streamTaken) throw undefined;
    this.#streamTaken = true;
    return new BodyInputStream(this.#source);
  }

  static finish(_body: IncomingBody): FutureTrailers {
    return new FutureTrailers();
  }

  /** Host side. */
  static of(source: BodySource | Uint8Array): IncomingBody {
    const body = new IncomingBody();
    body.#source = source instanceof Uint8Array ? new WholeBody(source) : source;
    return body;
  }
}

/** `wasi:http/types` `future-trailers`: the host takes no trailers, so always ready with none. */
export class FutureTrailers {
  #taken = false;

  subscribe(): unknown {
    return readyPollable();
  }

  get(): { tag: 'ok' | 'err'; val?: unknown } {
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    return { tag: 'ok', val: { tag: 'ok', val: undefined } };
  }
}
