import { argsOf, spanKey, SpanTable, threadKey, traceKeyOfId } from './span-table.js';
import type { TraceEvent } from './trace-events-reader.js';

/** A span event as read: its span's trace (when the event names it) and id, its pid, name, absolute time and args. */
export interface CollectedEvent {
  /** `trace <id>` from the event's `otel.trace_id`; undefined in files written before it was added, or by other tools. */
  traceKey: string | undefined;
  pid: string;
  spanId: string;
  name: string;
  ts: number;
  args: Record<string, unknown>;
}

/** What a second read keeps: the chosen spans' indexes and keys, and the first read's pid -> trace. */
export interface WantedSpans {
  indexes: Uint8Array;
  spanKeys: Set<string>;
  traceOfPid: ReadonlyMap<string, string>;
}

/**
 * The key of the span an event belongs to: its own trace id when it says one, else the trace of
 * the first span on its pid (wasm-otel draws each trace as a process of its own), else the pid.
 */
export function eventSpanKey(event: CollectedEvent, traceOfPid: ReadonlyMap<string, string>): string {
  return spanKey(event.traceKey ?? traceOfPid.get(event.pid) ?? `pid ${event.pid}`, event.spanId);
}

/**
 * Reads the events of a trace file, in the file's order, into a SpanTable (every span), the
 * process and thread names, and, for the spans a page will embed, the whole event (`details`)
 * and their span events. The first read keeps the details of every span while there are at most
 * `keepLimit`; past that it drops them, and a second read with `wanted` (the chosen spans'
 * indexes, which are the same in every read of the same file) collects just theirs.
 */
export class TraceCollector {
  readonly table = new SpanTable();
  readonly processNames = new Map<string, string>();
  readonly threadNames = new Map<string, string>();
  /** The trace key of the first span seen on each pid: the trace of span events without `otel.trace_id`. */
  readonly traceOfPid = new Map<string, string>();
  /** Per span index, the event, while kept. */
  details: (TraceEvent | undefined)[] | undefined = [];
  events: CollectedEvent[] = [];
  /** Span events not kept (over `eventLimit`, or before a second read). */
  eventsLeftOut = 0;
  eventCount = 0;
  /** Unmatched `B` events per thread (the Duration Event form of other tools). */
  private readonly open = new Map<string, { event: TraceEvent; ts: number }[]>();

  constructor(
    private readonly keepLimit: number,
    private readonly eventLimit: number,
    /** On a second read: the span indexes whose details and events to keep. */
    private readonly wanted?: WantedSpans,
  ) {}

  /** Whether the details were dropped, so that a second read is needed. */
  get overLimit(): boolean {
    return this.details === undefined;
  }

  add(event: TraceEvent): void {
    switch (event.ph) {
      case 'X': {
        const ts = finite(event.ts);
        if (ts === undefined) return;
        this.addSpan(event, ts, Math.max(0, finite(event.dur) ?? 0));
        return;
      }
      case 'B': {
        const ts = finite(event.ts);
        if (ts === undefined) return;
        const key = threadKey(event);
        let stack = this.open.get(key);
        if (stack === undefined) this.open.set(key, (stack = []));
        stack.push({ event, ts });
        return;
      }
      case 'E': {
        const ts = finite(event.ts);
        const begin = this.open.get(threadKey(event))?.pop();
        if (begin === undefined || ts === undefined) return;
        const args = { ...argsOf(begin.event), ...argsOf(event) };
        this.addSpan({ ...begin.event, args }, begin.ts, Math.max(0, ts - begin.ts));
        return;
      }
      case 'i':
      case 'I':
      case 'n':
        this.addEvent(event);
        return;
      case 'M':
        this.addName(event);
        return;
      default:
        return;
    }
  }

  private addSpan(event: TraceEvent, ts: number, duration: number): void {
    const index = this.table.add(event, ts, duration);
    const pid = String(event.pid ?? 0);
    if (!this.traceOfPid.has(pid)) this.traceOfPid.set(pid, this.table.traces.values[this.table.trace[index]!]!);
    if (this.wanted !== undefined) {
      if (this.wanted.indexes[index] === 1) this.details![index] = event;
      return;
    }
    if (this.details === undefined) return;
    if (this.table.count > this.keepLimit) {
      // Too many to keep: a second read collects the chosen ones.
      this.details = undefined;
      this.eventsLeftOut += this.events.length;
      this.events = [];
      return;
    }
    this.details.push(event);
  }

  private addEvent(event: TraceEvent): void {
    const args = argsOf(event);
    const spanId = args['otel.span_id'];
    const ts = finite(event.ts);
    if (typeof spanId !== 'string' || ts === undefined) return;
    this.eventCount++;
    const collected: CollectedEvent = { traceKey: traceKeyOfId(args['otel.trace_id']), pid: String(event.pid ?? 0), spanId, name: String(event.name ?? ''), ts, args };
    const keep = this.wanted !== undefined ? this.wanted.spanKeys.has(eventSpanKey(collected, this.wanted.traceOfPid)) : this.details !== undefined;
    if (!keep || this.events.length >= this.eventLimit) {
      this.eventsLeftOut++;
      return;
    }
    this.events.push(collected);
  }

  private addName(event: TraceEvent): void {
    const name = argsOf(event).name;
    if (typeof name !== 'string') return;
    if (event.name === 'process_name') this.processNames.set(String(event.pid ?? 0), name);
    else if (event.name === 'thread_name') this.threadNames.set(threadKey(event), name);
  }
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
