import { SpanKind, type Context } from '@opentelemetry/api';
import type { ProblemCounter } from '../engine/index.js';
import type { WasmOtelError } from '../host/errors.js';
import type { GuestInstance } from '../host/guest-instance.js';
import type { BodySource } from './body-source.js';
import { IncomingRequest } from './incoming-request.js';
import { ResponseOutparam } from './outgoing-response.js';
import type { RequestHead } from './request-head.js';
import { ResponseExchange, type HostAnswer, type ResponseTarget } from './response-exchange.js';
import { requestAttributes, serverSpanName, settleServerSpan } from './server-span.js';

import { INCOMING_HANDLER } from './incoming-handler.js';

export { INCOMING_HANDLER };

/** The interrupt value a timed-out request leaves in the instance's flag (SIGALRM's number). */
export const TIMEOUT_SIGNAL = 14;

/** One request for serveOnInstance. */
export interface ServedRequest {
  head: RequestHead;
  body: BodySource;
  /** The request body's size when known before the guest runs (a body held whole). */
  bodySize?: number;
  /** After the call: the bytes of a body still arriving that were received (for the span). */
  receivedBodySize?: () => number;
  parent: Context;
  target: ResponseTarget;
}

export interface ServingParts {
  name: string;
  problems: ProblemCounter;
  /** The instance's interrupt flag: a timeout leaves TIMEOUT_SIGNAL in it. */
  interrupt: Int32Array;
  timeoutMillis: number;
  /** Called when the guest's call is over, before the server span is settled and ended. */
  onCallEnd?: () => void;
}

/**
 * Serves one request on `instance`: the guest's `handle` in a server span (kind server, HTTP
 * conventions, parent from the request), its answer written to the target as it comes; a guest
 * that failed, timed out or did not answer gets the host's answer. Returns whether the instance
 * may serve again (false after a trap, a timeout or an exit). Never throws.
 */
export function serveOnInstance(instance: GuestInstance, request: ServedRequest, parts: ServingParts): boolean {
  const { head } = request;
  const incoming = IncomingRequest.of({ method: head.method, pathWithQuery: head.target, scheme: head.scheme, authority: head.host, rawHeaders: head.rawHeaders, body: request.body });
  const exchange = new ResponseExchange(request.target);
  const outparam = ResponseOutparam.create((result) => exchange.set(result));
  try {
    instance.callInterface(INCOMING_HANDLER, 'handle', [incoming, outparam], {
      spanName: serverSpanName(head.method),
      kind: SpanKind.SERVER,
      parentContext: request.parent,
      attributes: requestAttributes({ ...head, ...(request.bodySize !== undefined ? { bodySize: request.bodySize } : {}) }),
      closeLeftOpen: 'span still open when the request ended',
      interruptedDetail: (signal) => (signal === TIMEOUT_SIGNAL ? `span still open when the request timed out (${parts.timeoutMillis} ms)` : 'span still open when the server stopped'),
      settle: (span, failure) => {
        parts.onCallEnd?.();
        const answer = failure ? hostAnswer(failure, parts.interrupt, parts.timeoutMillis) : undefined;
        const { facts, failure: why } = exchange.conclude(answer);
        if (why !== undefined) parts.problems.report('http_handler_failed', `${parts.name}: ${head.method} ${head.target}: ${why}`);
        const received = request.receivedBodySize?.();
        settleServerSpan(span, { ...facts, ...(received !== undefined ? { requestBodySize: received } : {}) });
      },
    });
    return true;
  } catch {
    // Reported and answered in settle; an instance that trapped or was unwound is not reused.
    return false;
  }
}

/** The host's reply for a call that failed. */
function hostAnswer(failure: WasmOtelError, flag: Int32Array, timeoutMillis: number): HostAnswer {
  if (failure.code === 'interrupted' && Atomics.load(flag, 0) === TIMEOUT_SIGNAL) {
    return { status: 504, errorType: 'timeout', message: `the guest did not answer within ${timeoutMillis} ms` };
  }
  if (failure.code === 'interrupted') return { status: 503, errorType: 'server_closed', message: 'the request was interrupted because the server is stopping', publicText: 'the server is stopping' };
  return { status: 500, errorType: failure.code, message: failure.message, publicText: failure.code === 'guest_exit' ? 'the guest exited' : 'the guest failed' };
}
