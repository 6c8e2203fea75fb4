import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { AggregationTemporality, InstrumentType, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { markReported } from '../engine/reported-errors.js';
import { shortExportError, type DeliveryLedger } from './delivery-ledger.js';

/** Exports one exporter runs at once; the SDK's OTLP exporters refuse more than 30. */
export const EXPORT_CONCURRENCY = 4;

interface QueuedExport<T> {
  items: T;
  count: number;
  done: (result: ExportResult) => void;
}

/**
 * Hands batches to one exporter in order, at most EXPORT_CONCURRENCY at a time, and books what
 * became of each in the ledger. The SDK's batch processors flush a full queue as many exports at
 * once; the OTLP exporters refuse those beyond their concurrency limit ("Concurrent export limit
 * reached"), so a large queue lost everything at exit. Queued here, every batch is sent.
 */
export class ExportQueue<T> {
  private inFlight = 0;
  private readonly waiting: QueuedExport<T>[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly send: (items: T, done: (result: ExportResult) => void) => void,
    readonly ledger: DeliveryLedger,
  ) {}

  push(items: T, count: number, done: (result: ExportResult) => void): void {
    this.ledger.noteHanded(count);
    this.waiting.push({ items, count, done });
    this.pump();
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < EXPORT_CONCURRENCY && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.inFlight++;
      let settled = false;
      const finish = (result: ExportResult): void => {
        if (settled) return;
        settled = true;
        this.inFlight--;
        if (result.code === ExportResultCode.SUCCESS) {
          this.ledger.noteDelivered(next.count);
        } else {
          this.ledger.noteFailed(next.count, shortExportError(result.error));
          // Booked here and reported at exit: the global error handler and the engine only count it.
          markReported(result.error);
        }
        try {
          next.done(result);
        } finally {
          this.pump();
          this.notifyIdle();
        }
      };
      try {
        this.send(next.items, finish);
      } catch (error) {
        finish({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    }
  }

  private notifyIdle(): void {
    if (this.inFlight !== 0 || this.waiting.length !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** What the three exporter interfaces share. */
interface Exporter<T> {
  export(items: T, resultCallback: (result: ExportResult) => void): void;
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

/** An exporter whose exports go through an ExportQueue (in order, counted in its ledger). */
class AccountedExporter<T> {
  private readonly queue: ExportQueue<T>;

  constructor(
    private readonly inner: Exporter<T>,
    ledger: DeliveryLedger,
    private readonly count: (items: T) => number,
  ) {
    this.queue = new ExportQueue((items, done) => inner.export(items, done), ledger);
  }

  get ledger(): DeliveryLedger {
    return this.queue.ledger;
  }

  export(items: T, resultCallback: (result: ExportResult) => void): void {
    this.queue.push(items, this.count(items), resultCallback);
  }

  async forceFlush(): Promise<void> {
    await this.queue.idle();
    await this.inner.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    await this.queue.idle();
    await this.inner.shutdown();
  }
}

export class AccountedSpanExporter extends AccountedExporter<ReadableSpan[]> implements SpanExporter {
  constructor(inner: SpanExporter, ledger: DeliveryLedger) {
    super(inner, ledger, (spans) => spans.length);
  }
}

export class AccountedLogExporter extends AccountedExporter<ReadableLogRecord[]> implements LogRecordExporter {
  constructor(inner: LogRecordExporter, ledger: DeliveryLedger) {
    super(inner, ledger, (logs) => logs.length);
  }
}

/** One metric batch per export; the inner exporter's temporality preference is kept. */
export class AccountedMetricExporter extends AccountedExporter<ResourceMetrics> implements PushMetricExporter {
  readonly selectAggregationTemporality?: (instrumentType: InstrumentType) => AggregationTemporality;

  constructor(inner: PushMetricExporter, ledger: DeliveryLedger) {
    super(inner, ledger, () => 1);
    if (inner.selectAggregationTemporality) this.selectAggregationTemporality = (type) => inner.selectAggregationTemporality!(type);
  }
}
