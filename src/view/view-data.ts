/*
 * The data a trace page embeds (as a `<script type="application/json">` block) and its script
 * draws. Times are microseconds; span starts are relative to `startMicros`, the earliest start
 * of the file, so that the page does its arithmetic on small numbers.
 */

/** A span event (an instant event of the file that names its span). */
export interface ViewSpanEvent {
  name: string;
  /** Microseconds after the span's start. */
  offset: number;
  attributes: Record<string, unknown>;
}

/** One embedded span, in tree order (children right after their parent, by start). */
export interface ViewSpan {
  name: string;
  /** Microseconds after `startMicros`. */
  start: number;
  duration: number;
  /** 0 for a root of its trace. */
  depth: number;
  /** Index of the parent in `spans`, or -1. */
  parent: number;
  /** Index in `traces`. */
  trace: number;
  traceId: string | null;
  spanId: string | null;
  parentSpanId: string | null;
  kind: string | null;
  status: string;
  statusMessage: string | null;
  scope: string | null;
  /** The thread's name (the instance label), else `pid/tid`. */
  thread: string;
  /** Every arg but the `otel.*` ones. */
  attributes: Record<string, unknown>;
  events: ViewSpanEvent[];
  links: string[];
}

/** A trace (a trace id, or a process for files without otel ids): its spans are contiguous in `spans`. */
export interface ViewTrace {
  label: string;
  first: number;
  count: number;
}

/**
 * The flame graph: call stacks (span names root -> leaf) merged, over every span of the file
 * (also those not embedded). Nodes in depth-first order, children by total time, largest first.
 */
export interface ViewFlame {
  names: string[];
  /** `[parent node or -1, index in names, total us, self us, count]` per node. */
  nodes: [number, number, number, number, number][];
  /** Nodes not embedded (the smallest), if the graph was cut. */
  nodesLeftOut: number;
}

export interface ViewData {
  title: string;
  producer: string | null;
  /** Set when the file ends inside its event array (a run that crashed): the events read before its end. */
  endsEarlyAfter?: number;
  /** Absolute start of the file in microseconds since the epoch (0 when the file's clock is not the epoch's). */
  startMicros: number;
  /** Spans in the file, and how many of them are not embedded. */
  spanCount: number;
  spansLeftOut: number;
  /** Span events not embedded (over the cap, or of spans not embedded). */
  eventsLeftOut: number;
  traces: ViewTrace[];
  spans: ViewSpan[];
  flame: ViewFlame;
}
