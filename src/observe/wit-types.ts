/** The JS shapes jco gives host imports of wasi:observe and wasi:logging, from the generated types. */
export type {
  SpanContext as ObserveSpanContext,
  SpanKind as ObserveSpanKind,
  Status as ObserveStatus,
  KeyValue as ObserveKeyValue,
  Value as ObserveValue,
  Link as ObserveLink,
  StartOptions as ObserveStartOptions,
  Datetime as ObserveDatetime,
} from '../../generated/wasi-observe/interfaces/wasi-observe-tracer.js';
export type { Level as LoggingLevel } from '../../generated/wasi-observe/interfaces/wasi-logging-logging.js';
