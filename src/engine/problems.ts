import { diag } from '@opentelemetry/api';

/**
 * Why a piece of guest input was rejected or repaired, or what the host could not deliver.
 * Stable strings: they are the keys of the counters the library API exposes, so scripts may
 * rely on them.
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
  | 'span_already_ended'
  | 'unknown_span_handle'
  | 'attribute_value_rounded'
  | 'span_start_duplicate'
  | 'span_id_conflict'
  | 'parent_cycle'
  | 'too_many_open_spans'
  | 'open_spans_closed'
  | 'name_truncated'
  | 'attribute_value_truncated'
  | 'attributes_dropped'
  | 'events_dropped'
  | 'links_dropped'
  | 'record_too_large'
  | 'invalid_metric'
  | 'invalid_memory_access'
  | 'invalid_utf8'
  | 'invalid_exemplar'
  | 'invalid_severity'
  | 'invalid_log_body'
  | 'spans_dropped'
  | 'log_records_dropped'
  | 'metric_batches_dropped'
  | 'traces_export_failed'
  | 'metrics_export_failed'
  | 'logs_export_failed'
  | 'invalid_config'
  /** A request's `traceparent` header is not a W3C traceparent: ignored, the request starts a new trace. */
  | 'invalid_traceparent'
  /** An HTTP request the server refused before the guest saw it (body too large, client gone, bad header). */
  | 'http_request_refused'
  /** A guest's HTTP handler did not answer properly (no response, an error response, an unfinished body, a timeout). */
  | 'http_handler_failed'
  /** An outgoing HTTP request of a guest failed (refused by the host, or the peer did not answer). */
  | 'http_outgoing_failed'
  | 'host_error';

/** How many lines one reason may print at once, and how fast that allowance comes back. */
export interface ReportRateLimit {
  /** Lines a reason may print in a burst. */
  burst: number;
  /** Milliseconds after which a reason may print one more line. */
  refillMillis: number;
}

export const DEFAULT_REPORT_RATE_LIMIT: Readonly<ReportRateLimit> = Object.freeze({ burst: 10, refillMillis: 1000 });

interface ReasonState {
  count: number;
  /** Lines this reason may still print now. */
  tokens: number;
  lastRefill: number;
  /** Reports not printed since the last printed line, and in all. */
  pendingSuppressed: number;
  suppressed: number;
}

/**
 * Counts bad guest input (and what could not be delivered) and reports each case through the
 * OTel `diag` logger, one line per case, at most `burst` lines per reason at once and then one
 * line per `refillMillis`: a guest that sends a million bad values gets its count, not a million
 * lines. The next printed line says how many were not shown; `summary()` lists them all.
 * Never throws: it is called from host imports that must not throw into a guest.
 */
export class ProblemCounter {
  private readonly reasons = new Map<ProblemReason, ReasonState>();

  constructor(
    private readonly rateLimit: ReportRateLimit = DEFAULT_REPORT_RATE_LIMIT,
    private readonly clock: () => number = Date.now,
  ) {}

  report(reason: ProblemReason, message: string, amount = 1): void {
    this.emit(reason, message, amount, 'warn');
  }

  /**
   * Counts something the host repaired that the caller already hears of another way (a trap or
   * exit is the call's result); the message goes to `diag` at info level.
   */
  note(reason: ProblemReason, message: string, amount = 1): void {
    this.emit(reason, message, amount, 'info');
  }

  /** Something failed inside the host while serving a guest call (reported, never rethrown). */
  hostError(what: string, error: unknown): void {
    this.report('host_error', `${what} failed inside the host: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** Counts without printing: for counts merged in from elsewhere (e.g. another thread's counter). */
  add(reason: ProblemReason, amount: number, suppressed = 0): void {
    const state = this.stateOf(reason);
    state.count += amount;
    state.suppressed += suppressed;
  }

  count(reason: ProblemReason): number {
    return this.reasons.get(reason)?.count ?? 0;
  }

  /** A copy of every non-zero counter. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [reason, state] of this.reasons) if (state.count > 0) out[reason] = state.count;
    return out;
  }

  /** Per reason, how many reports were counted but not printed (rate limit). */
  suppressed(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [reason, state] of this.reasons) if (state.suppressed > 0) out[reason] = state.suppressed;
    return out;
  }

  /**
   * One line with every count, when the rate limit kept some reports off stderr (else
   * undefined): `wasm-otel: problems: invalid_attribute_value 1,000,000 (999,988 not shown), ...`.
   */
  summary(): string | undefined {
    let anySuppressed = false;
    const parts: string[] = [];
    for (const [reason, state] of this.reasons) {
      if (state.count === 0) continue;
      if (state.suppressed > 0) anySuppressed = true;
      parts.push(`${reason} ${state.count.toLocaleString('en-US')}${state.suppressed > 0 ? ` (${state.suppressed.toLocaleString('en-US')} not shown)` : ''}`);
    }
    return anySuppressed ? `wasm-otel: problems: ${parts.join(', ')}` : undefined;
  }

  private stateOf(reason: ProblemReason): ReasonState {
    let state = this.reasons.get(reason);
    if (state === undefined) {
      state = { count: 0, tokens: this.rateLimit.burst, lastRefill: this.clock(), pendingSuppressed: 0, suppressed: 0 };
      this.reasons.set(reason, state);
    }
    return state;
  }

  private emit(reason: ProblemReason, message: string, amount: number, level: 'warn' | 'info'): void {
    const state = this.stateOf(reason);
    state.count += amount;
    if (!this.take(state)) {
      state.pendingSuppressed++;
      state.suppressed++;
      return;
    }
    const skipped = state.pendingSuppressed;
    state.pendingSuppressed = 0;
    const line = `wasm-otel: ${reason}: ${message}${skipped > 0 ? ` (${skipped.toLocaleString('en-US')} more not shown)` : ''}`;
    try {
      if (level === 'warn') diag.warn(line);
      else diag.info(line);
    } catch {
      // a broken diag logger must not break the host
    }
  }

  /** Token bucket: `burst` lines at once, one more per `refillMillis`. */
  private take(state: ReasonState): boolean {
    const { burst, refillMillis } = this.rateLimit;
    if (state.tokens < burst) {
      const now = this.clock();
      const earned = Math.floor((now - state.lastRefill) / refillMillis);
      if (earned > 0) {
        state.tokens = Math.min(burst, state.tokens + earned);
        state.lastRefill = now;
      }
    }
    if (state.tokens <= 0) return false;
    if (state.tokens === burst) state.lastRefill = this.clock();
    state.tokens--;
    return true;
  }
}
