// The small HTTP guest of the serve benchmark, built with componentize-js into
// components/http-hello.wasm (world `http-hello` in wit/guests/http/guests.wit). It implements
// `wasi:http/incoming-handler` itself (no fetch event), so one instance answers any number of
// requests. It imports no wasi:otel, so plain `jco serve` runs it too (the benchmark compares):
// its telemetry is what the host sees. Every request: 200 with body `hello` (content-type
// text/plain, content-length 5); except path `/trap`, where the handler throws before answering
// (an exception out of an export: the instance traps); `POST /stream-echo`, where each piece of
// the request body is written back as soon as it is read (200, application/octet-stream, no
// content-length: the answer streams while the request still arrives); and `/compute`, a loop
// that never calls the host (only a thread that can be stopped ends it).

import { Fields, IncomingBody, OutgoingBody, OutgoingResponse, ResponseOutparam } from 'wasi:http/types@0.2.3';

const BODY = new TextEncoder().encode('hello');
const HEADERS = [
  ['content-type', new TextEncoder().encode('text/plain')],
  ['content-length', new TextEncoder().encode(String(BODY.byteLength))],
];

export const incomingHandler = {
  handle(request, responseOut) {
    const path = request.pathWithQuery();
    if (path === '/trap') throw new Error('deliberate trap in /trap');
    if (path === '/compute') for (let i = 0; ; i = (i + 1) | 0);
    if (path === '/stream-echo') return streamEcho(request, responseOut);
    const response = new OutgoingResponse(Fields.fromList(HEADERS));
    const body = response.body();
    ResponseOutparam.set(responseOut, { tag: 'ok', val: response });
    const stream = body.write();
    stream.blockingWriteAndFlush(BODY);
    stream[Symbol.dispose]();
    OutgoingBody.finish(body, undefined);
  },
};

function streamEcho(request, responseOut) {
  const response = new OutgoingResponse(Fields.fromList([['content-type', new TextEncoder().encode('application/octet-stream')]]));
  const body = response.body();
  ResponseOutparam.set(responseOut, { tag: 'ok', val: response });
  const out = body.write();
  const incoming = request.consume();
  const input = incoming.stream();
  for (;;) {
    let chunk;
    try {
      chunk = input.blockingRead(65536n);
    } catch (error) {
      // componentize-js throws the stream-error as a ComponentError with it as `payload`.
      if ((error?.payload ?? error)?.tag === 'closed') break;
      throw error;
    }
    if (chunk.byteLength > 0) out.blockingWriteAndFlush(chunk);
  }
  input[Symbol.dispose]();
  IncomingBody.finish(incoming);
  out[Symbol.dispose]();
  OutgoingBody.finish(body, undefined);
}
