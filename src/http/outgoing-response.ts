import { HOST_ONLY } from '../host/import-tracing.js';
import { Fields } from './fields.js';
import { OutgoingBody } from './outgoing-body.js';

/** The content-length the guest set on a request or response, if it is one number. */
export function contentLengthOf(headers: Fields): number | undefined {
  const values = headers.get('content-length');
  if (values.length !== 1) return undefined;
  const text = new TextDecoder().decode(values[0]);
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/** `wasi:http/types` `outgoing-response`. */
export class OutgoingResponse {
  static readonly [HOST_ONLY] = ['bodyOf'];

  #status = 200;
  #headers: Fields;
  #body: OutgoingBody | undefined;

  constructor(headers: Fields) {
    this.#headers = Fields.lock(headers);
  }

  statusCode(): number {
    return this.#status;
  }

  setStatusCode(status: number): void {
    if (!Number.isInteger(status) || status < 100 || status > 599) throw undefined;
    this.#status = status;
  }

  headers(): Fields {
    return this.#headers;
  }

  body(): OutgoingBody {
    if (this.#body) throw undefined;
    this.#body = OutgoingBody.create('response', contentLengthOf(this.#headers));
    return this.#body;
  }

  /** Host side: the body, made now if the guest never asked for it (an empty body). */
  static bodyOf(response: OutgoingResponse): OutgoingBody {
    if (!response.#body) {
      response.#body = OutgoingBody.create('response', undefined);
      OutgoingBody.finish(response.#body);
    }
    return response.#body;
  }
}

/** What the guest answered through its `response-outparam`. */
export type ResponseResult = { tag: 'ok'; val: OutgoingResponse } | { tag: 'err'; val: unknown };

/** `wasi:http/types` `response-outparam`. */
export class ResponseOutparam {
  static readonly [HOST_ONLY] = ['create'];

  #onSet: ((result: ResponseResult) => void) | undefined;

  static set(param: ResponseOutparam, result: ResponseResult): void {
    const onSet = param.#onSet;
    param.#onSet = undefined;
    onSet?.(result);
  }

  /** Host side: `onSet` is called on the first `set`; later ones are ignored. */
  static create(onSet: (result: ResponseResult) => void): ResponseOutparam {
    const param = new ResponseOutparam();
    param.#onSet = onSet;
    return param;
  }
}
