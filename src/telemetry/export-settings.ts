import { getStringFromEnv } from '@opentelemetry/core';
import type { ProblemCounter } from '../engine/index.js';
import { RULES, checkedNumber } from './config-rules.js';

/** How a batch processor (spans or log records) queues and sends. */
export interface BatchSettings {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

/** Every export setting of the standard variables, checked: what the processors, readers and flow control use. */
export interface ExportSettings {
  /** OTEL_BSP_* */
  spans: BatchSettings;
  /** OTEL_BLRP_* */
  logs: BatchSettings;
  /** OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT (the timeout at most the interval). */
  metrics: { exportIntervalMillis: number; exportTimeoutMillis: number };
}

/** The specification's defaults (the SDK's own). */
export const DEFAULT_EXPORT_SETTINGS: Readonly<ExportSettings> = Object.freeze({
  spans: Object.freeze({ maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000 }),
  logs: Object.freeze({ maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 1000, exportTimeoutMillis: 30_000 }),
  metrics: Object.freeze({ exportIntervalMillis: 60_000, exportTimeoutMillis: 30_000 }),
});

/**
 * Reads and checks OTEL_BSP_*, OTEL_BLRP_* and OTEL_METRIC_EXPORT_*, once, for everything that
 * uses them (the SDK's batch processors get the values explicitly rather than reading the
 * variables themselves: a batch size of 0 made the span processor loop forever and a queue of 0
 * drop every span). A value that is not valid is reported (`invalid_config`) and the default used;
 * a batch larger than its queue is cut to the queue.
 */
export function exportSettingsFromEnv(problems: ProblemCounter): ExportSettings {
  const read = (variable: string, rule: 'count' | 'delay' | 'timeout', fallback: number): number => checkedNumber(variable, RULES[rule], fallback, problems);
  const batch = (prefix: 'OTEL_BSP' | 'OTEL_BLRP', defaults: BatchSettings): BatchSettings => {
    const maxQueueSize = read(`${prefix}_MAX_QUEUE_SIZE`, 'count', defaults.maxQueueSize);
    let maxExportBatchSize = read(`${prefix}_MAX_EXPORT_BATCH_SIZE`, 'count', defaults.maxExportBatchSize);
    if (maxExportBatchSize > maxQueueSize) {
      if (getStringFromEnv(`${prefix}_MAX_EXPORT_BATCH_SIZE`) !== undefined) {
        problems.report('invalid_config', `${prefix}_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} is more than ${prefix}_MAX_QUEUE_SIZE=${maxQueueSize}; using ${maxQueueSize}`);
      }
      maxExportBatchSize = maxQueueSize;
    }
    return {
      maxQueueSize,
      maxExportBatchSize,
      scheduledDelayMillis: read(`${prefix}_SCHEDULE_DELAY`, 'delay', defaults.scheduledDelayMillis),
      exportTimeoutMillis: read(`${prefix}_EXPORT_TIMEOUT`, 'timeout', defaults.exportTimeoutMillis),
    };
  };
  const defaults = DEFAULT_EXPORT_SETTINGS;
  const exportIntervalMillis = read('OTEL_METRIC_EXPORT_INTERVAL', 'timeout', defaults.metrics.exportIntervalMillis);
  const exportTimeoutMillis = Math.min(read('OTEL_METRIC_EXPORT_TIMEOUT', 'timeout', defaults.metrics.exportTimeoutMillis), exportIntervalMillis);
  return { spans: batch('OTEL_BSP', defaults.spans), logs: batch('OTEL_BLRP', defaults.logs), metrics: { exportIntervalMillis, exportTimeoutMillis } };
}
