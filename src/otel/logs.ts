import { emitLog, type InstanceSpanState, type LogPipeline } from '../engine/index.js';
import { decodeLogRecord, type LogDecodeContext } from './log-record.js';
import type { WitLogRecord } from './wit-types.js';

/** `wasi:otel/logs` as jco calls it. */
export interface LogsImports {
  onEmit(record: WitLogRecord): void;
}

/**
 * The host side of `wasi:otel/logs` for one guest instance: decode the record and emit it into
 * the log pipeline, with the instance's current span when the record names none. Never throws.
 */
export function createLogsImports(state: InstanceSpanState, pipeline: LogPipeline, cx: LogDecodeContext): LogsImports {
  return {
    onEmit(record) {
      try {
        if (!pipeline.enabled) return;
        emitLog(pipeline, decodeLogRecord(record, cx), state.currentSpanContext(), cx.problems);
      } catch (error) {
        cx.problems.hostError('on-emit', error);
      }
    },
  };
}
