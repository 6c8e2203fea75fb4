/**
 * The guest's thread of a run on a worker (see worker-run.ts): a host whose telemetry goes to the
 * telemetry thread through the channel (see worker-host.ts), runs the file, and posts the outcome last.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeParent } from '../../telemetry/transfer/context-transfer.js';
import { runFile } from '../run-file.js';
import type { DoneMessage, WorkerRunData } from './protocol.js';
import { workerHost } from './worker-host.js';

// Started early (EarlyWorker), the thread has loaded the host by now and gets its job as a message.
const data = (workerData as WorkerRunData | null) ?? (await new Promise<WorkerRunData>((resolve) => parentPort!.once('message', resolve)));
if (data.processEnv !== undefined) sameEnvironment(data.processEnv);
const { host, problems, flushMetrics } = workerHost(data);
const outcome = await runFile(host, { ...data.run, ...(data.parent !== undefined ? { parentContext: decodeParent(data.parent) } : {}) });
await flushMetrics();
const done: DoneMessage = { t: 'done', outcome, problems: problems.snapshot(), suppressed: problems.suppressed() };
data.port.postMessage(done);

/** Makes this thread's process.env exactly `env`. */
function sameEnvironment(env: Record<string, string>): void {
  for (const name of Object.keys(process.env)) if (!Object.hasOwn(env, name)) delete process.env[name];
  Object.assign(process.env, env);
}
