import type { TraceEvent } from './trace-events-reader.js';

/**
 * Every span of a trace file in columns: what the tree, the selection and the flame graph need
 * of each span (start, duration, name, thread, trace, ids), and nothing else, so that a file of a
 * million spans fits in a bounded amount of memory. The rest of a span (its args) is kept only for
 * the spans a page embeds (see TraceCollector).
 */
export class SpanTable {
  count = 0;
  start = new Float64Array(1024);
  duration = new Float64Array(1024);
  /** Index in `names`. */
  name = new Int32Array(1024);
  /** Index in `threads` (`pid/tid`). */
  thread = new Int32Array(1024);
  /** Index in `traces` (a trace id, or a process for events without one). */
  trace = new Int32Array(1024);
  /** Filled by resolveParents: index of the parent span, or -1. */
  parent = new Int32Array(0);
  spanIds: (string | undefined)[] = [];
  parentSpanIds: (string | undefined)[] = [];
  readonly names = new Interned();
  /** `pid/tid` keys. */
  readonly threads = new Interned();
  /** Trace keys: `trace <id>`, or `pid <pid>`. */
  readonly traces = new Interned();

  /** Adds a complete span (`ph: "X"`, or a matched `B`/`E` pair); returns its index. */
  add(event: TraceEvent, start: number, duration: number): number {
    if (this.count === this.start.length) this.grow();
    const i = this.count++;
    const args = argsOf(event);
    this.start[i] = start;
    this.duration[i] = duration;
    this.name[i] = this.names.id(typeof event.name === 'string' ? event.name : String(event.name ?? '(unnamed)'));
    this.thread[i] = this.threads.id(threadKey(event));
    this.trace[i] = this.traces.id(traceKeyOfId(args['otel.trace_id']) ?? `pid ${String(event.pid ?? 0)}`);
    this.spanIds.push(stringOr(args['otel.span_id']));
    this.parentSpanIds.push(stringOr(args['otel.parent_span_id']));
    return i;
  }

  /** The key of span `i` (see spanKey), or undefined for a span without an id. */
  keyOf(i: number): string | undefined {
    const id = this.spanIds[i];
    return id !== undefined ? spanKey(this.traces.values[this.trace[i]!]!, id) : undefined;
  }

  private grow(): void {
    const size = this.start.length * 2;
    const wider = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.start = wider(this.start, (n) => new Float64Array(n));
    this.duration = wider(this.duration, (n) => new Float64Array(n));
    this.name = wider(this.name, (n) => new Int32Array(n));
    this.thread = wider(this.thread, (n) => new Int32Array(n));
    this.trace = wider(this.trace, (n) => new Int32Array(n));
  }
}

/**
 * A span's key across the file: its trace's key (`trace <id>`, or `pid <pid>`) and its span id.
 * A span id alone is not one: guests fix their ids, so every trace of a run can reuse them.
 */
export function spanKey(traceKey: string, spanId: string): string {
  return `${traceKey}\n${spanId}`;
}

/** The trace key of an event's `otel.trace_id` (`trace <id>`), if it has one. */
export function traceKeyOfId(traceId: unknown): string | undefined {
  const id = stringOr(traceId);
  return id !== undefined ? `trace ${id}` : undefined;
}

/** Strings numbered in the order first seen. */
export class Interned {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}

/** An event's args as an object ({} when absent or not an object). */
export function argsOf(event: TraceEvent): Record<string, unknown> {
  const args = event.args;
  return args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
}

export function threadKey(event: TraceEvent): string {
  return `${String(event.pid ?? 0)}/${String(event.tid ?? 0)}`;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
