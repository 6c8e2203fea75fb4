import { ProblemCounter } from '../engine/index.js';
import { DEFAULT_HTTP_LIMITS } from '../http/request-handler.js';
import { startServer, type ComponentServer, type ListenAddress } from '../http/server.js';
import { createThreadedRequestHandler, type ThreadedServeOptions } from '../http/threads/threaded-request-handler.js';

export type { ThreadedServeOptions } from '../http/threads/threaded-request-handler.js';

/**
 * Serves a `wasi:http` component file over HTTP on guest threads (as `wasm-otel serve` does):
 * requests run at once on up to `threads` threads, each with its own instances; request bodies
 * reach the guest as they arrive and its answer streams back as it writes it; a request over
 * its time is unwound at the guest's next host call, or its thread is stopped and replaced. The
 * telemetry of every thread goes to this thread's providers (`tracerProvider`, ...). Resolves
 * once one thread has an instance (a component that cannot start fails here); close() stops.
 *
 * Embedder imports cannot cross threads: give a module to load in each (`importsModule`).
 * For imports as live objects, serve on this thread with LoadedComponent.serve.
 */
export async function serveFile(options: ThreadedServeOptions & { listen?: ListenAddress }): Promise<ComponentServer> {
  const problems = options.problemCounter ?? new ProblemCounter();
  const handler = createThreadedRequestHandler({ ...options, problemCounter: problems });
  try {
    await handler.warm();
    return await startServer(handler, {
      ...(options.listen !== undefined ? { listen: options.listen } : {}),
      requestTimeoutMillis: options.limits?.requestTimeoutMillis ?? DEFAULT_HTTP_LIMITS.requestTimeoutMillis,
      problems,
    });
  } catch (error) {
    await handler.close();
    throw error;
  }
}

