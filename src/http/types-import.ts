import { Fields } from './fields.js';
import { FutureTrailers, IncomingBody, IncomingRequest } from './incoming-request.js';
import { OutgoingBody } from './outgoing-body.js';
import { OutgoingResponse, ResponseOutparam } from './outgoing-response.js';
import { FutureIncomingResponse, IncomingResponse, OutgoingRequest, RequestOptions } from './outgoing-request.js';

/**
 * `wasi:http/types`, served by the host itself (not by preview2-shim, whose requests and bodies
 * live on its I/O thread, out of reach of the server span and of trace-context injection).
 * Streams and pollables are the shim's `wasi:io` classes (see body-streams.ts).
 */
export function httpTypesImport(): Record<string, unknown> {
  return {
    Fields,
    IncomingRequest,
    IncomingBody,
    FutureTrailers,
    OutgoingResponse,
    OutgoingBody,
    ResponseOutparam,
    OutgoingRequest,
    RequestOptions,
    IncomingResponse,
    FutureIncomingResponse,
    // No wasi:io error this host makes carries an HTTP error code.
    httpErrorCode: (): undefined => undefined,
  };
}
