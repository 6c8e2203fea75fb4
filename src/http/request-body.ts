import type { IncomingMessage } from 'node:http';

/** Why a request body could not be taken. */
export class BodyRefused extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The whole request body (a guest reads its body synchronously, so the host has it before the
 * guest runs), at most `maxBytes`: more is refused (413) without reading the rest; a client that
 * goes away before the end is refused (400, nobody will read the answer).
 */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new BodyRefused(413, `request body of ${declared} bytes is over the limit of ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (error: BodyRefused): void => {
      if (done) return;
      done = true;
      req.removeAllListeners('data');
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        fail(new BodyRefused(413, `request body is over the limit of ${maxBytes} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', (error) => fail(new BodyRefused(400, `the client went away while sending the request body (${error.message})`)));
    req.on('close', () => {
      if (!req.complete) fail(new BodyRefused(400, 'the client went away while sending the request body'));
    });
  });
}
