/**
 * The guest's thread of a run on a worker (see worker-run.ts): a host whose telemetry goes to the
 * telemetry thread through the channel (see worker-host.ts), runs the file, and posts the outcome last.
 */
import { workerData } from 'node:worker_threads';
import { decodeParent } from '../../telemetry/transfer/context-transfer.js';
import { runFile } from '../run-file.js';
import type { DoneMessage, WorkerRunData } from './protocol.js';
import { workerHost } from './worker-host.js';

const data = workerData as WorkerRunData;
const { host, problems, flushMetrics } = workerHost(data);
const outcome = await runFile(host, { ...data.run, ...(data.parent !== undefined ? { parentContext: decodeParent(data.parent) } : {}) });
await flushMetrics();
const done: DoneMessage = { t: 'done', outcome, problems: problems.snapshot(), suppressed: problems.suppressed() };
data.port.postMessage(done);
