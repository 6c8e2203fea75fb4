// The thread that makes a guest's outgoing HTTP requests while the guest waits (synckit blocks
// the guest's thread until the answer is here). Node's own client, so the request goes out as the
// guest built it (method, target, headers) plus the trace context the host added.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { runAsWorker } from 'synckit';
import type { FetchAnswer, FetchOrder } from './fetch-order.js';

function fetchOnce(order: FetchOrder): Promise<FetchAnswer> {
  return new Promise((resolve) => {
    const send = order.scheme === 'https' ? httpsRequest : httpRequest;
    let settled = false;
    const done = (answer: FetchAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const timer = setTimeout(() => {
      req.destroy();
      done({ error: { tag: 'HTTP-response-timeout' }, message: `no complete answer within ${order.timeoutMillis} ms` });
    }, order.timeoutMillis);
    // Headers as a list keep the guest's order and repeats, but then Node adds no Host: we do.
    const headers = order.headers.some(([name]) => name.toLowerCase() === 'host') ? order.headers : [['host', order.authority] as [string, string], ...order.headers];
    const req = send(
      { method: order.method, host: order.host, port: order.port, path: order.pathWithQuery, headers: headers.flat() },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > order.maxBodyBytes) {
            req.destroy();
            done({ error: { tag: 'HTTP-response-body-size', val: BigInt(size) }, message: `response body over ${order.maxBodyBytes} bytes` });
          } else chunks.push(chunk);
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: new Uint8Array(Buffer.concat(chunks)) }));
        res.on('error', (error) => done({ error: { tag: 'HTTP-protocol-error' }, message: error.message }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      const tag = error.code === 'ECONNREFUSED' ? 'connection-refused' : error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' ? 'destination-not-found' : error.code === 'ECONNRESET' ? 'connection-terminated' : 'HTTP-protocol-error';
      done({ error: { tag }, message: error.message });
    });
    req.end(Buffer.from(order.body));
  });
}

runAsWorker(fetchOnce);
