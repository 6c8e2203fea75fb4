import { TraceFlags, type Attributes } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { exportMetrics, journaledSpansAsEnded, noteOpenSpansClosed, type CloseReason, type HostCaches, type JournalEntry, type LogPipeline, type ProblemCounter, type SpanPipeline } from '../../engine/index.js';
import { exportSpan } from '../../engine/span-pipeline.js';
import { itemCount, type TelemetrySignal } from '../delivery-ledger.js';
import type { ChannelMessage } from './channel-writer.js';
import { CreditLedger, interruptRequested, type Stream, type StreamLimits } from './flow-control.js';
import { decodeLog } from './log-transfer.js';
import { decodeMetrics } from './metric-transfer.js';
import type { LedgerFeed } from './shared-ledgers.js';
import { JOURNAL_SLOTS } from './shared-span-journal.js';
import { decodeSpan } from './span-transfer.js';

/** Where what arrives from a guest's thread goes on this thread. */
export interface IntakeSinks {
  spans: SpanPipeline;
  logs: LogPipeline;
  metricExporters: readonly PushMetricExporter[];
  /**
   * The OTLP exporters' delivery ledgers: an item counts as settled (room for the guest's thread
   * to send another) once its exporter delivered it or gave up. Without a ledger for a signal,
   * items settle as soon as they are handed on.
   */
  ledgers: readonly LedgerFeed[];
  limits: StreamLimits;
  problems: ProblemCounter;
  caches: HostCaches;
}

const STREAM_OF: Record<TelemetrySignal, Stream> = { traces: 'spans', logs: 'logs', metrics: 'metrics' };

/**
 * The telemetry thread's end of the channel: rebuilds what a guest's thread sent and hands it to
 * this thread's pipelines (span processors, log record processors, metric exporters), settling
 * credit as the exporters finish. What arrives while its stream is over the limit (the guest's
 * thread stopped waiting because the exporter fails) is dropped and counted: spans_dropped,
 * log_records_dropped, metric_batches_dropped; after an interrupt, the guest's last items are
 * taken whatever the limit.
 */
export class ChannelIntake {
  private readonly credit: CreditLedger;
  private readonly received: Record<Stream, number> = { spans: 0, logs: 0, metrics: 0 };
  private readonly dropped: Record<Stream, number> = { spans: 0, logs: 0, metrics: 0 };
  /** Settled by the ledgers of these streams; the others settle on hand-over. */
  private readonly viaLedger = new Set<Stream>();
  /** Span ids that arrived ended (the journal may still list the last of them). */
  private readonly endedIds = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];
  private finished = false;

  constructor(
    private readonly control: Int32Array,
    private readonly sinks: IntakeSinks,
  ) {
    this.credit = new CreditLedger(control);
    for (const ledger of sinks.ledgers) {
      const stream = STREAM_OF[ledger.signal];
      this.viaLedger.add(stream);
      this.unsubscribe.push(
        ledger.subscribe((count, delivered) => {
          this.credit.settle(stream, count);
          this.credit.setFailing(stream, !delivered);
          // After the run the exporters go on settling (the final flush); once all is settled, let go.
          if (this.finished && this.allSettled()) this.stopListening();
        }),
      );
    }
  }

  handle(message: ChannelMessage): void {
    switch (message.t) {
      case 'span':
        return this.span(message);
      case 'log':
        return this.log(message);
      case 'metrics':
        return this.metrics(message);
    }
  }

  private span(message: Extract<ChannelMessage, { t: 'span' }>): void {
    const { spans, caches, problems } = this.sinks;
    this.endedIds.add(message.span.context.spanId);
    if (this.endedIds.size > 65_536) this.endedIds.clear();
    if (!this.admit('spans') || !spans.enabled) return;
    const span = decodeSpan(message.span, spans.resource, caches.scopes);
    // A span the batch processor will not queue (not sampled) settles now.
    if (!this.viaLedger.has('spans') || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) this.credit.settle('spans', 1);
    exportSpan(spans, span, (error) => problems.hostError('span processor', error));
  }

  private log(message: Extract<ChannelMessage, { t: 'log' }>): void {
    const { logs, caches, problems } = this.sinks;
    if (!this.admit('logs') || !logs.enabled) return;
    if (!this.viaLedger.has('logs')) this.credit.settle('logs', 1);
    try {
      logs.processor.onEmit(decodeLog(message.log, logs.resource, caches.resources, caches.scopes, logs.attributeCountLimit));
    } catch (error) {
      problems.hostError('log record processor', error);
    }
  }

  private metrics(message: Extract<ChannelMessage, { t: 'metrics' }>): void {
    if (!this.admit('metrics')) return;
    if (!this.viaLedger.has('metrics')) this.credit.settle('metrics', 1);
    exportMetrics({ exporters: this.sinks.metricExporters }, decodeMetrics(message.metrics, this.sinks.caches.resources), this.sinks.problems);
  }

  /** Counts an arrival; false (dropped and settled) when its stream is over the limit. */
  private admit(stream: Stream): boolean {
    this.received[stream]++;
    // (settled includes what was dropped or settled at once)
    const inFlight = this.received[stream] - this.credit.settled(stream);
    if (inFlight <= this.sinks.limits[stream] || !this.viaLedger.has(stream)) return true;
    // Once the run is interrupted the guest no longer waits, and what still comes are its last
    // items (the spans it had open, closed, and the host span): few, and taken.
    if (interruptRequested(this.control) !== 0) return true;
    this.dropped[stream]++;
    this.credit.settle(stream, 1);
    return false;
  }

  /**
   * Closes the spans a stopped guest thread still had open (from its journal), as the engine
   * would have: status error, close reason attribute, ended now. Returns how many.
   */
  /** How many of a journal's entries are still open (not arrived ended). */
  stillOpen(entries: readonly JournalEntry[]): number {
    return entries.filter((entry) => !this.endedIds.has(entry.context.spanId)).length;
  }

  closeJournaled(entries: readonly JournalEntry[], reason: CloseReason, detail: string, hostDetail: string, unjournaled = 0, hostAttributes: Attributes = {}): number {
    if (unjournaled > 0) {
      this.sinks.problems.report('spans_dropped', `${itemCount('traces', unjournaled)} open beyond what the open-span journal holds (${JOURNAL_SLOTS.toLocaleString('en-US')}) lost when the guest's thread was stopped`, unjournaled);
    }
    const open = entries.filter((entry) => !this.endedIds.has(entry.context.spanId));
    if (open.length === 0 || !this.sinks.spans.enabled) return 0;
    const { spans, problems, caches } = this.sinks;
    for (const span of journaledSpansAsEnded(open, reason, detail, hostDetail, hrTime(), spans.resource, problems, caches.scopes, hostAttributes)) {
      // Counted as arrivals (never refused: they are the last), so what is undelivered stays exact.
      this.received.spans++;
      if (!this.viaLedger.has('spans') || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) this.credit.settle('spans', 1);
      exportSpan(spans, span, (error) => problems.hostError('span processor', error));
    }
    noteOpenSpansClosed(problems, open.length, detail);
    return open.length;
  }

  /**
   * Items that arrived and are not delivered yet (queued in a batch processor or being sent), per
   * stream whose exporter has a ledger; counted on while the final flush runs.
   */
  unsettled(): Record<Stream, number> {
    const count = (stream: Stream): number => (this.viaLedger.has(stream) ? Math.max(0, this.received[stream] - this.credit.settled(stream)) : 0);
    return { spans: count('spans'), logs: count('logs'), metrics: count('metrics') };
  }

  /** Reports what was dropped (once); stops listening to the ledgers once everything is settled. */
  finish(): void {
    this.finished = true;
    if (this.allSettled()) this.stopListening();
    const { problems, limits } = this.sinks;
    if (this.dropped.spans > 0) {
      problems.report('spans_dropped', `${itemCount('traces', this.dropped.spans)} dropped: more than ${limits.spans} (OTEL_BSP_MAX_QUEUE_SIZE) were waiting for an exporter that failed or was too slow`, this.dropped.spans);
    }
    if (this.dropped.logs > 0) {
      problems.report('log_records_dropped', `${itemCount('logs', this.dropped.logs)} dropped: more than ${limits.logs} (OTEL_BLRP_MAX_QUEUE_SIZE) were waiting for an exporter that failed or was too slow`, this.dropped.logs);
    }
    if (this.dropped.metrics > 0) {
      problems.report('metric_batches_dropped', `${itemCount('metrics', this.dropped.metrics)} dropped: more than ${limits.metrics} were waiting for an exporter that failed or was too slow`, this.dropped.metrics);
    }
  }

  private allSettled(): boolean {
    const { spans, logs, metrics } = this.unsettled();
    return spans + logs + metrics === 0;
  }

  private stopListening(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
  }
}
