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

/** A span exporter whose exports go through an ExportQueue (in order, counted). */
export class AccountedSpanExporter implements SpanExporter {
  private readonly queue: ExportQueue<ReadableSpan[]>;

  constructor(
    private readonly inner: SpanExporter,
    ledger: DeliveryLedger,
  ) {
    this.queue = new ExportQueue((spans, done) => inner.export(spans, done), ledger);
  }

  get ledger(): DeliveryLedger {
    return this.queue.ledger;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.queue.push(spans, spans.length, resultCallback);
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

/** A log record exporter whose exports go through an ExportQueue (in order, counted). */
export class AccountedLogExporter implements LogRecordExporter {
  private readonly queue: ExportQueue<ReadableLogRecord[]>;

  constructor(
    private readonly inner: LogRecordExporter,
    ledger: DeliveryLedger,
  ) {
    this.queue = new ExportQueue((logs, done) => inner.export(logs, done), ledger);
  }

  get ledger(): DeliveryLedger {
    return this.queue.ledger;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this.queue.push(logs, logs.length, resultCallback);
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

/** A push metric exporter whose exports go through an ExportQueue (one batch per export, counted). */
export class AccountedMetricExporter implements PushMetricExporter {
  private readonly queue: ExportQueue<ResourceMetrics>;
  readonly selectAggregationTemporality?: (instrumentType: InstrumentType) => AggregationTemporality;

  constructor(
    private readonly inner: PushMetricExporter,
    ledger: DeliveryLedger,
  ) {
    this.queue = new ExportQueue((metrics, done) => inner.export(metrics, done), ledger);
    if (inner.selectAggregationTemporality) this.selectAggregationTemporality = (type) => inner.selectAggregationTemporality!(type);
  }

  get ledger(): DeliveryLedger {
    return this.queue.ledger;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.queue.push(metrics, 1, resultCallback);
  }

  async forceFlush(): Promise<void> {
    await this.queue.idle();
    await this.inner.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.queue.idle();
    await this.inner.shutdown();
  }
}
