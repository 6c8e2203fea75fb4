import { emitLog, type InstanceSpanState, type LogPipeline } from '../engine/index.js';
import type { LiftBudget } from '../runtime/lift-budget.js';
import { reportLiftCuts, unliftedEntries } from './lift-cuts.js';
import { decodeLogRecord, type LogDecodeContext } from './log-record.js';
import { READ_LOG_RECORD, createLogRecordReader, type LogRecordReader } from './log-record-reader.js';
import type { WitLogRecord } from './wit-types.js';

/** `wasi:otel/logs` as jco calls it. */
export interface LogsImports {
  onEmit(record: WitLogRecord): void;
}

/**
 * The host side of `wasi:otel/logs` for one guest instance: decode the record and emit it into
 * the log pipeline, with the instance's current span when the record names none. Never throws.
 */
export function createLogsImports(state: InstanceSpanState, pipeline: LogPipeline, lift: LiftBudget | undefined, cx: LogDecodeContext): LogsImports {
  const imports: LogsImports = {
    onEmit(record) {
      try {
        const cut = reportLiftCuts(lift, () => 'log record', cx.problems);
        if (!pipeline.enabled) return;
        const report = decodeLogRecord(record, cut ? { ...cx, recordCut: true } : cx);
        if (cut) report.attributes.reject(unliftedEntries(lift).attributes);
        emitLog(pipeline, report, state.currentSpanContext(), cx.problems, cx.caches.scopes);
      } catch (error) {
        cx.problems.hostError('on-emit', error);
      }
    },
  };
  // The glue reads the record straight from guest memory with this, where its lift is the one
  // the reader replaces (see log-record-reader.ts); anything it does not take comes through onEmit.
  // Made on the first record: an instance that sends no logs pays nothing for it.
  let reader: LogRecordReader | undefined;
  const read: LogRecordReader = (bytes, view, ptr) => (reader ??= createLogRecordReader({ state, pipeline, lift, cx }))(bytes, view, ptr);
  Object.defineProperty(imports.onEmit, READ_LOG_RECORD, { value: read });
  return imports;
}
