/**
 * A serving thread (see serving-thread.ts): loads the component once, keeps its instances (see
 * InstancePool), and serves the requests the main thread sends it, one at a time: the body is
 * read as it arrives, the answer posted as it is written, the telemetry sent through the channel.
 */
import { basename } from 'node:path';
import { workerData } from 'node:worker_threads';
import type { ProblemCounter } from '../../engine/index.js';
import { WasmOtelError, oneLine, type WasmOtelErrorCode } from '../../host/errors.js';
import { importsFrom } from '../../host/imports-module.js';
import type { LoadedComponent } from '../../host/loaded-component.js';
import { workerHost } from '../../host/worker/worker-host.js';
import { propagatorOf } from '../../telemetry/env-propagation.js';
import { decodeParent } from '../../telemetry/transfer/context-transfer.js';
import { InstancePool } from '../instance-pool.js';
import { serveOnInstance } from '../serve-request.js';
import { RemoteResponse } from './remote-response.js';
import { RequestInbox } from './request-inbox.js';
import type { FromThread, ServingMessage, ServingThreadData, ToThread } from './serving-protocol.js';

const data = workerData as ServingThreadData;
const { serve } = data;
const propagator = data.signals.traces ? propagatorOf(serve.propagators) : undefined;
/** The answer of the request being served: after its end, the request's last spans go with `served`. */
let answering: RemoteResponse | undefined;
const telemetryPort = {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void {
    if (answering?.collect(message as ServingMessage, transfer ?? [])) return;
    data.port.postMessage(message, transfer ?? []);
  },
};
const { host, problems, control, flushMetrics } = workerHost(data, { ...(propagator ? { propagator } : {}), port: telemetryPort });
const signal = new Int32Array(data.signal);
const post = (message: FromThread, transfer?: ArrayBuffer[]): void => data.port.postMessage(message, transfer ?? []);
const inbox = new RequestInbox(data.requests, signal, control);

const started = await start();
if ('code' in started) {
  post({ t: 'warm-failed', ...started });
} else {
  const { component, pool } = started;
  post({ t: 'ready' });
  let queue = Promise.resolve();
  inbox.listen((message) => {
    // One request at a time (the main thread sends the next one once this one is served).
    queue = queue.then(() => (message.t === 'request' ? serveRequest(component, pool, message) : closeThread(pool)));
  });
}

/** Why the thread cannot serve. */
interface StartFailure {
  code: WasmOtelErrorCode;
  message: string;
}

async function start(): Promise<{ component: LoadedComponent; pool: InstancePool } | StartFailure> {
  let imports: Record<string, unknown> | undefined;
  if (serve.importsModule !== undefined) {
    const loaded = await importsFrom(serve.importsModule);
    if (typeof loaded === 'string') return { code: 'invalid_arguments', message: loaded };
    imports = loaded;
  }
  let component: LoadedComponent;
  try {
    component = await host.load(serve.file);
  } catch (error) {
    const code: WasmOtelErrorCode = error instanceof WasmOtelError ? error.code : 'transpile_failed';
    if (code === 'core_module') return { code, message: `${basename(serve.file)} is a core WebAssembly module, not a component: only a component that exports wasi:http/incoming-handler can be served` };
    return { code, message: oneLine(error) };
  }
  if (!component.servesHttp) return { code: 'unknown_export', message: `${component.name} does not export wasi:http/incoming-handler, so it cannot be served` };
  const instantiate = () =>
    component.instantiate({
      preopens: serve.preopens,
      env: serve.env,
      ...(imports ? { imports } : {}),
      ...(serve.traceImports ? { traceImports: true } : {}),
      interrupt: control,
    });
  const pool = new InstancePool(instantiate, serve.reuseInstances === true, (error) => problems.report('http_handler_failed', `${component.name} cannot be instantiated: ${oneLine(error)}`));
  try {
    await pool.warm();
  } catch (error) {
    return { code: error instanceof WasmOtelError ? error.code : 'guest_trap', message: oneLine(error) };
  }
  return { component, pool };
}

async function serveRequest(component: LoadedComponent, pool: InstancePool, request: Extract<ToThread, { t: 'request' }>): Promise<void> {
  const { id, head } = request;
  const target = new RemoteResponse(id, post, signal, inbox);
  answering = target;
  const body = inbox.openBody(id, (bytes) => post({ t: 'body-read', id, bytes }), request.bodyDone === true);
  try {
    let instance;
    try {
      instance = await pool.acquire();
    } catch (error) {
      problems.report('http_handler_failed', `${component.name} cannot be instantiated for ${head.method} ${head.target}: ${oneLine(error)}`);
      target.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      target.end('the component could not be instantiated\n');
      return;
    }
    const reusable = serveOnInstance(
      instance,
      {
        head,
        body,
        ...(head.contentLength !== undefined ? { bodySize: head.contentLength } : { receivedBodySize: () => body.arrived() }),
        parent: decodeParent(request.parent ?? {}),
        target,
      },
      { name: component.name, problems, interrupt: control, timeoutMillis: serve.limits.requestTimeoutMillis, onCallEnd: () => target.startCollecting() },
    );
    pool.release(instance, reusable);
  } catch (error) {
    problems.hostError(`serving ${head.method} ${head.target}`, error);
    if (!target.headersSent) {
      target.writeHead(500, {});
      target.end();
    } else target.destroy();
  } finally {
    inbox.closeBody();
    inbox.beforeWait = undefined;
    answering = undefined;
    target.flush({ t: 'served', id, ...counts(problems) });
  }
}

async function closeThread(pool: InstancePool): Promise<void> {
  await pool.dispose();
  await flushMetrics();
  post({ t: 'closed', ...counts(problems) });
}

function counts(counter: ProblemCounter): { problems: Record<string, number>; suppressed: Record<string, number> } {
  return { problems: counter.snapshot(), suppressed: counter.suppressed() };
}
