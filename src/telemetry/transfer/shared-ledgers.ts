import type { DeliveryLedger, TelemetrySignal } from '../delivery-ledger.js';
import type { Stream } from './flow-control.js';

/** What a ChannelIntake needs of a delivery ledger: its signal, and to hear of settled exports. */
export type LedgerFeed = Pick<DeliveryLedger, 'signal' | 'subscribe'>;

type Listener = (count: number, delivered: boolean) => void;

interface Consumer {
  outstanding(stream: Stream): number;
  listeners: Map<TelemetrySignal, Set<Listener>>;
}

const STREAM_OF: Record<TelemetrySignal, Stream> = { traces: 'spans', logs: 'logs', metrics: 'metrics' };

/**
 * One set of exporters' ledgers shared by several guest threads' intakes (the serving threads):
 * each settled export is credited to the intakes that have items on their way, oldest first, so
 * that together they are credited exactly what was settled (each intake's own ledger
 * subscription would credit every intake with every export, and no guest would ever wait).
 */
export class SharedLedgers {
  readonly #consumers = new Set<Consumer>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(ledgers: readonly LedgerFeed[]) {
    for (const ledger of ledgers) {
      this.#unsubscribe.push(ledger.subscribe((count, delivered) => this.#settle(ledger.signal, count, delivered)));
    }
    this.signals = ledgers.map((ledger) => ledger.signal);
  }

  readonly signals: readonly TelemetrySignal[];

  /**
   * Feeds for one intake; `outstanding` says how many of its items of a stream are not settled yet
   * (ChannelIntake.unsettled). Call the returned `release` when the intake is done.
   */
  feeds(outstanding: (stream: Stream) => number): { feeds: LedgerFeed[]; release(): void } {
    const consumer: Consumer = { outstanding, listeners: new Map() };
    this.#consumers.add(consumer);
    const feeds = this.signals.map(
      (signal): LedgerFeed => ({
        signal,
        subscribe: (listener) => {
          let set = consumer.listeners.get(signal);
          if (!set) consumer.listeners.set(signal, (set = new Set()));
          set.add(listener);
          return () => set.delete(listener);
        },
      }),
    );
    return { feeds, release: () => this.#consumers.delete(consumer) };
  }

  /** Stops listening to the ledgers. */
  close(): void {
    for (const stop of this.#unsubscribe.splice(0)) stop();
    this.#consumers.clear();
  }

  #settle(signal: TelemetrySignal, count: number, delivered: boolean): void {
    let left = count;
    for (const consumer of [...this.#consumers]) {
      const take = Math.min(left, Math.max(0, consumer.outstanding(STREAM_OF[signal])));
      left -= take;
      // Everyone hears whether exports fail (a zero count settles nothing and only says that).
      for (const listener of consumer.listeners.get(signal) ?? []) listener(take, delivered);
    }
  }
}
