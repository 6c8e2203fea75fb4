// The small HTTP guest of the serve benchmark, built with componentize-js into
// components/http-hello.wasm (world `http-hello` in wit/guests/http/guests.wit). It implements
// `wasi:http/incoming-handler` itself (no fetch event), so one instance answers any number of
// requests. It imports no wasi:otel, so plain `jco serve` runs it too (the benchmark compares):
// its telemetry is what the host sees. Every request: 200 with body `hello` (content-type
// text/plain, content-length 5); except path `/trap`, where the handler throws before answering
// (an exception out of an export: the instance traps).

import { Fields, OutgoingBody, OutgoingResponse, ResponseOutparam } from 'wasi:http/types@0.2.3';

const BODY = new TextEncoder().encode('hello');
const HEADERS = [
  ['content-type', new TextEncoder().encode('text/plain')],
  ['content-length', new TextEncoder().encode(String(BODY.byteLength))],
];

export const incomingHandler = {
  handle(request, responseOut) {
    if (request.pathWithQuery() === '/trap') throw new Error('deliberate trap in /trap');
    const response = new OutgoingResponse(Fields.fromList(HEADERS));
    const body = response.body();
    ResponseOutparam.set(responseOut, { tag: 'ok', val: response });
    const stream = body.write();
    stream.blockingWriteAndFlush(BODY);
    stream[Symbol.dispose]();
    OutgoingBody.finish(body, undefined);
  },
};
