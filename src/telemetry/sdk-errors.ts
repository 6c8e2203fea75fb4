import { setGlobalErrorHandler } from '@opentelemetry/core';
import type { ProblemCounter } from '../engine/index.js';
import { isReported } from '../engine/reported-errors.js';

/**
 * Routes the OTel SDK's global error handler (batch processors and readers report failed exports
 * through it, by default as a JSON dump of the error) into the problem counter as one line.
 * Export failures a delivery ledger booked are left to its report at exit; a batch processor's
 * own export timeout ("Timeout") is too: the export it gave up waiting for is still booked.
 */
export function routeSdkErrors(problems: ProblemCounter): void {
  setGlobalErrorHandler((error) => {
    if (isReported(error)) return;
    const message = error instanceof Error ? error.message : typeof error === 'string' ? error : String((error as { message?: unknown })?.message ?? error);
    if (message === 'Timeout') return;
    problems.report('host_error', `telemetry SDK: ${message.split('\n')[0]}`);
  });
}
