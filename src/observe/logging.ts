import { SeverityNumber } from '@opentelemetry/api-logs';
import { AttributeBuilder, emitLog, type InstanceSpanState, type LogPipeline, type ProblemCounter, type ScopeCache } from '../engine/index.js';
import type { LiftBudget } from '../runtime/lift-budget.js';
import { reportLiftCuts } from '../otel/lift-cuts.js';
import { quoted } from '../otel/messages.js';
import type { LoggingLevel } from './wit-types.js';

/** Instrumentation scope of the records a guest logs through `wasi:logging/logging`. */
export const LOGGING_SCOPE = 'wasi:logging/logging';
/** The attribute that carries a record's (non-empty) context string. */
export const LOGGING_CONTEXT_ATTRIBUTE = 'wasi.logging.context';

/** Each wasi:logging level as the OTel log data model's severity number and text. */
export const LOGGING_SEVERITIES: Readonly<Record<LoggingLevel, readonly [SeverityNumber, string]>> = Object.freeze({
  trace: [SeverityNumber.TRACE, 'TRACE'],
  debug: [SeverityNumber.DEBUG, 'DEBUG'],
  info: [SeverityNumber.INFO, 'INFO'],
  warn: [SeverityNumber.WARN, 'WARN'],
  error: [SeverityNumber.ERROR, 'ERROR'],
  critical: [SeverityNumber.FATAL, 'FATAL'],
});

/** `wasi:logging/logging` as jco calls it. */
export interface LoggingImports {
  log(level: LoggingLevel, context: string, message: string): void;
}

export interface LoggingContext {
  state: InstanceSpanState;
  logs: LogPipeline;
  problems: ProblemCounter;
  scopes: ScopeCache;
  lift?: LiftBudget;
}

const NO_ATTRIBUTES = new AttributeBuilder(0, 0);
const SCOPE = { name: LOGGING_SCOPE, version: undefined, schemaUrl: undefined, attributes: NO_ATTRIBUTES };

/**
 * The host side of `wasi:logging/logging` for one guest instance: each `log` is one OTel log
 * record (severity from the level, body = message, `wasi.logging.context` = the context when it
 * is not empty) correlated with the instance's current span (any front-end's, else the host
 * span around the call). Served to components that import wasi:logging alone, too. Never throws.
 */
export function createLoggingImports(cx: LoggingContext): LoggingImports {
  const { state, logs, problems } = cx;
  return {
    log(level, context, message) {
      try {
        if (cx.lift) reportLiftCuts(cx.lift, () => `logging.log ${quoted(level)}`, problems);
        if (!logs.enabled) return;
        const severity = Object.hasOwn(LOGGING_SEVERITIES, level) ? LOGGING_SEVERITIES[level] : undefined;
        if (!severity) problems.report('invalid_severity', `logging.log: level ${quoted(level)} is unknown; the record has no severity`);
        const attributes = new AttributeBuilder(logs.attributeCountLimit, logs.attributeValueLengthLimit);
        if (typeof context === 'string' && context !== '') attributes.add(LOGGING_CONTEXT_ATTRIBUTE, context);
        emitLog(
          logs,
          {
            timestamp: state.now(),
            observedTimestamp: undefined,
            severityText: severity?.[1],
            severityNumber: severity?.[0],
            body: typeof message === 'string' ? message : String(message),
            attributes,
            eventName: undefined,
            resource: undefined,
            scope: SCOPE,
            spanContext: undefined,
          },
          state.currentSpanContext(),
          problems,
          cx.scopes,
        );
      } catch (error) {
        problems.hostError('logging.log', error);
      }
    },
  };
}
