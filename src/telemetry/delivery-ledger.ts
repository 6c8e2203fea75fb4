import type { ProblemReason } from '../engine/index.js';

export type TelemetrySignal = 'traces' | 'metrics' | 'logs';

const UNITS: Record<TelemetrySignal, [string, string]> = {
  traces: ['span', 'spans'],
  logs: ['log record', 'log records'],
  metrics: ['metric batch', 'metric batches'],
};

/** `1 span`, `2,048 spans`, `1 metric batch`: a count of a signal's items. */
export function itemCount(signal: TelemetrySignal, count: number): string {
  const [one, many] = UNITS[signal];
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

const FAILURE_REASONS: Record<TelemetrySignal, ProblemReason> = {
  traces: 'traces_export_failed',
  logs: 'logs_export_failed',
  metrics: 'metrics_export_failed',
};

/**
 * What became of the items one exporter was handed: delivered, failed (with why), or still on
 * the way. One per exporter that can fail (OTLP); read at exit for the one-line report of what
 * was not delivered.
 */
export class DeliveryLedger {
  handed = 0;
  delivered = 0;
  failed = 0;
  /** Why items failed, most frequent first when reported; keyed by the short reason. */
  private readonly reasons = new Map<string, number>();
  private readonly listeners = new Set<(count: number, delivered: boolean) => void>();

  constructor(
    readonly signal: TelemetrySignal,
    /** Where the exporter sends (an OTLP URL), for messages. */
    readonly destination: string,
  ) {}

  get problemReason(): ProblemReason {
    return FAILURE_REASONS[this.signal];
  }

  /** Items handed over and not settled yet. */
  get pending(): number {
    return Math.max(0, this.handed - this.delivered - this.failed);
  }

  noteHanded(count: number): void {
    this.handed += count;
  }

  noteDelivered(count: number): void {
    this.delivered += count;
    this.tell(count, true);
  }

  noteFailed(count: number, reason: string): void {
    this.failed += count;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + count);
    this.tell(count, false);
  }

  /** Hears of every settled export (how many items, and whether they were delivered); returns the unsubscribe. */
  subscribe(listener: (count: number, delivered: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(count: number, delivered: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener(count, delivered);
      } catch {
        // a listener must not break the export path
      }
    }
  }

  /** How many items were not delivered: failed, and still pending (counted as undelivered at exit). */
  get undelivered(): number {
    return this.failed + this.pending;
  }

  /**
   * `6 spans not delivered to http://127.0.0.1:4318/v1/traces (ECONNREFUSED)` (reported under
   * `problemReason`), or undefined when everything handed over was delivered.
   */
  describeUndelivered(): string | undefined {
    const total = this.undelivered;
    if (total === 0) return undefined;
    const reasons = [...this.reasons.entries()].sort((a, b) => b[1] - a[1]).map(([reason]) => reason);
    if (this.pending > 0) reasons.push(`${this.pending.toLocaleString('en-US')} still being sent at exit`);
    return `${itemCount(this.signal, total)} not delivered to ${this.destination} (${reasons.join('; ')})`;
  }
}

/** A failed export's error in a few words: the network error code, the HTTP or gRPC status, or the message. */
export function shortExportError(error: unknown): string {
  if (error === undefined || error === null) return 'export failed';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  if (typeof code === 'number' && code >= 100 && code < 600) return `HTTP ${code}`;
  const grpc = grpcStatusOf(error);
  if (grpc !== undefined) return grpc;
  const message = error instanceof Error ? error.message : String(error);
  if (/timed? ?out/i.test(message)) return 'timed out';
  if (/retryable status/i.test(message)) return 'retryable HTTP status (429, 502, 503 or 504) until the retries ran out';
  const errno = /\b(E[A-Z]{3,})\b/.exec(message);
  if (errno) return errno[1]!;
  const line = message.split('\n')[0]!.trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line || 'export failed';
}

/** The message of a gRPC client error (`@grpc/grpc-js`): `14 UNAVAILABLE: <details>`. */
const GRPC_ERROR_MESSAGE = /^(\d{1,2}) ([A-Z_]+): ?(.*)$/s;
/** What grpc-js says failed when no connection could be made. */
const GRPC_LAST_ERROR = /Last error: (?:[A-Za-z]*Error: )?(.*?)(?:\. Resolution note:.*)?$/s;

/**
 * A failed gRPC call in a few words: `gRPC UNAVAILABLE: ECONNREFUSED` (the status, and the
 * network error, why the connection failed (`self-signed certificate`) or the collector's own
 * details in one short line), `gRPC DEADLINE_EXCEEDED` (its details are timings). Undefined for anything that is not a gRPC status error.
 */
function grpcStatusOf(error: unknown): string | undefined {
  const { code, details, message } = error as { code?: unknown; details?: unknown; message?: unknown };
  if (typeof code !== 'number' || typeof details !== 'string' || typeof message !== 'string') return undefined;
  const match = GRPC_ERROR_MESSAGE.exec(message);
  if (!match || Number(match[1]) !== code) return undefined;
  const status = `gRPC ${match[2]}`;
  if (match[2] === 'DEADLINE_EXCEEDED') return status;
  // `No connection established. Last error: Error: connect ECONNREFUSED ... Resolution note: ...`
  const cause = GRPC_LAST_ERROR.exec(details)?.[1] ?? details;
  const errno = /\b(E[A-Z]{3,})\b/.exec(cause);
  if (errno) return `${status}: ${errno[1]}`;
  // `804C2219527F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:<file>:<line>:`
  const openssl = /^[0-9A-F]+:error:[0-9A-F]+:([^:]+):[^:]*:([^:]+)/.exec(cause);
  if (openssl) return `${status}: ${openssl[1]}: ${openssl[2]}`;
  const line = cause.split('\n')[0]!.replace(/\s+/g, ' ').trim();
  if (line === '') return status;
  return `${status}: ${line.length > 80 ? `${line.slice(0, 77)}...` : line}`;
}
