import { diag } from '@opentelemetry/api';

/**
 * Why a piece of guest input was rejected or repaired. Stable strings: they are the keys of the
 * counters the library API exposes, so scripts may rely on them.
 */
export type ProblemReason =
  | 'invalid_trace_id'
  | 'invalid_span_id'
  | 'invalid_parent_span_id'
  | 'invalid_trace_state'
  | 'invalid_time'
  | 'end_before_start'
  | 'invalid_attribute_value'
  | 'invalid_span_kind'
  | 'invalid_status'
  | 'invalid_argument'
  | 'span_end_without_start'
  | 'span_ended_twice'
  | 'span_start_duplicate'
  | 'too_many_open_spans'
  | 'open_spans_closed'
  | 'name_truncated'
  | 'attribute_value_truncated'
  | 'attributes_dropped'
  | 'events_dropped'
  | 'links_dropped'
  | 'invalid_metric'
  | 'invalid_memory_access'
  | 'invalid_utf8'
  | 'invalid_exemplar'
  | 'invalid_severity'
  | 'invalid_log_body'
  | 'metrics_export_failed'
  | 'logs_export_failed'
  | 'invalid_config'
  | 'host_error';

/**
 * Counts bad guest input and reports each case through the OTel `diag` logger.
 * Never throws: it is called from host imports that must not throw into a guest.
 */
export class ProblemCounter {
  private readonly counts = new Map<ProblemReason, number>();

  report(reason: ProblemReason, message: string, amount = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + amount);
    try {
      diag.warn(`wasm-otel: ${reason}: ${message}`);
    } catch {
      // a broken diag logger must not break the host
    }
  }

  /**
   * Counts something the host repaired that the caller already hears of another way (a trap or
   * exit is the call's result); the message goes to `diag` at info level.
   */
  note(reason: ProblemReason, message: string, amount = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + amount);
    try {
      diag.info(`wasm-otel: ${reason}: ${message}`);
    } catch {
      // a broken diag logger must not break the host
    }
  }

  /** Something failed inside the host while serving a guest call (reported, never rethrown). */
  hostError(what: string, error: unknown): void {
    this.report('host_error', `${what} failed inside the host: ${error instanceof Error ? error.message : String(error)}`);
  }

  count(reason: ProblemReason): number {
    return this.counts.get(reason) ?? 0;
  }

  /** A copy of every non-zero counter. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
