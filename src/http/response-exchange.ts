import { errorCodeText } from './error-code.js';
import { Fields } from './fields.js';
import { OutgoingBody } from './outgoing-body.js';
import { OutgoingResponse, type ResponseResult } from './outgoing-response.js';
import type { ResponseFacts } from './server-span.js';

/** Where an answer goes: a Node `ServerResponse`, or a serving thread's proxy of one. */
export interface ResponseTarget {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  writeHead(status: number, headers: string[] | Record<string, string | number>): unknown;
  write(chunk: Uint8Array): unknown;
  end(text?: string): unknown;
  destroy(): unknown;
}

/** Why the host answered in the guest's place. */
export interface HostAnswer {
  status: number;
  errorType: string;
  /** For the span and the problem counter. */
  message: string;
  /** The answer's body, for the client (default: `message`); no guest internals in it. */
  publicText?: string;
}

/**
 * One request's answer on its way to the Node response: what the guest sets through its
 * `response-outparam` is written as it comes (head at `set`, body chunks as they are written);
 * when the guest's call is over, `conclude` answers for a guest that did not, or cuts off an
 * unfinished body, and says how the exchange ended.
 */
export class ResponseExchange {
  #body: OutgoingBody | undefined;
  #bytes = 0;
  #ended = false;
  #status = 0;
  #guestError: string | undefined;

  constructor(private readonly res: ResponseTarget) {}

  /** The guest's `response-outparam.set`. */
  set(result: ResponseResult): void {
    if (result.tag === 'err') {
      this.#guestError = errorCodeText(result.val);
      return;
    }
    const response = result.val;
    this.#status = response.statusCode();
    const flat = Fields.textPairs(response.headers()).flat();
    if (!this.res.headersSent && !this.res.destroyed) this.res.writeHead(this.#status, flat);
    this.#body = OutgoingResponse.bodyOf(response);
    OutgoingBody.attach(this.#body, {
      write: (chunk) => {
        if (this.res.destroyed) return false;
        this.#bytes += chunk.byteLength;
        this.res.write(chunk);
        return true;
      },
      end: () => {
        this.#ended = true;
        this.res.end();
      },
    });
  }

  /**
   * After the guest's call: `answer` is the host's reply if the guest gave none (a trap, a
   * timeout); returns the facts for the server span and, when the guest did not answer
   * properly, why (for the problem counter).
   */
  conclude(answer: HostAnswer | undefined): { facts: ResponseFacts; failure?: string } {
    if (this.#body && this.#ended) {
      return { facts: { status: this.#status, bodySize: this.#bytes, ...(answer ? { errorType: answer.errorType, errorMessage: answer.message } : {}) } };
    }
    if (this.#body) {
      // The head (and maybe part of the body) is out: the only way left to say "incomplete".
      this.res.destroy();
      const why = answer?.message ?? 'the guest returned without finishing the response body';
      return { facts: { status: this.#status, bodySize: this.#bytes, errorType: answer?.errorType ?? 'body_unfinished', errorMessage: why }, failure: why };
    }
    const reply: HostAnswer = answer ??
      (this.#guestError !== undefined
        ? { status: 500, errorType: 'guest_error_response', message: `the guest answered with error ${this.#guestError}` }
        : { status: 500, errorType: 'no_response', message: 'the guest returned without setting a response' });
    const text = `${reply.publicText ?? reply.message}\n`;
    if (!this.res.headersSent && !this.res.destroyed) {
      this.res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      this.res.end(text);
    } else this.res.destroy();
    return { facts: { status: reply.status, bodySize: Buffer.byteLength(text), errorType: reply.errorType, errorMessage: reply.message }, failure: reply.message };
  }
}
