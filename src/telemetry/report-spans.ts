import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** How much of a run the console report keeps to draw its trees. */
export interface ReportLimits {
  /** Spans kept per trace. */
  spansPerTrace: number;
  /** Traces kept (the spans of later traces are only counted). */
  traces: number;
  /** Names counted per trace for what was left out (the rest: "other"). */
  namesCounted: number;
}

export const DEFAULT_REPORT_LIMITS: Readonly<ReportLimits> = Object.freeze({ spansPerTrace: 500, traces: 50, namesCounted: 1000 });

/** Scope of the spans of instrumented functions: given up first when a trace has more than fit. */
const FUNCTION_SCOPE = 'dylibso:observe/instrument';
const isFunctionSpan = (span: ReadableSpan): boolean => span.instrumentationScope.name === FUNCTION_SCOPE;

/** What a trace's tree leaves out: how many spans, by name. */
export interface LeftOut {
  count: number;
  byName: Map<string, number>;
}

/** The spans kept of one trace, and what was left out. */
export interface ReportTrace {
  traceId: string;
  spans: ReadableSpan[];
  leftOut: LeftOut;
}

class TraceStore {
  readonly kept = new Map<string, ReadableSpan>();
  /** Kept spans per parent id (the parent itself may not have arrived yet). */
  private readonly keptChildren = new Map<string, number>();
  /** Kept spans with no kept child, oldest first: the ones given up for an ancestor. */
  private readonly leaves = new Set<string>();
  readonly leftOut: LeftOut = { count: 0, byName: new Map() };

  constructor(private readonly limits: ReportLimits) {}

  add(span: ReadableSpan): void {
    const id = span.spanContext().spanId;
    if (this.kept.has(id)) return;
    if (this.kept.size >= this.limits.spansPerTrace) {
      // Full: only an ancestor of kept spans (spans end children first, so the parents and the
      // root come last), a failed span or a span that is not a function call's (the guest's own,
      // the host's) gets in, in place of the oldest kept leaf (a function call's first).
      const wanted = this.keptChildren.has(id) || span.status.code === SpanStatusCode.ERROR || !isFunctionSpan(span);
      if (!wanted || !this.evictLeaf(id, !this.keptChildren.has(id) && span.status.code !== SpanStatusCode.ERROR)) {
        this.leave(span);
        return;
      }
    }
    this.kept.set(id, span);
    const parent = span.parentSpanContext?.spanId;
    if (parent !== undefined) {
      this.keptChildren.set(parent, (this.keptChildren.get(parent) ?? 0) + 1);
      this.leaves.delete(parent);
    }
    if (!this.keptChildren.has(id)) this.leaves.add(id);
  }

  /**
   * Gives up the oldest kept leaf, one that is not a child of `ancestor` if there is one; a
   * function call's leaf first, and only such a leaf when `functionLeafOnly`.
   */
  private evictLeaf(ancestor: string, functionLeafOnly = false): boolean {
    let chosen: string | undefined;
    let chosenIsFunction = false;
    for (const leaf of this.leaves) {
      const span = this.kept.get(leaf)!;
      const fn = isFunctionSpan(span);
      if (functionLeafOnly && !fn) continue;
      const better = chosen === undefined || (fn && !chosenIsFunction);
      if (better) {
        chosen = leaf;
        chosenIsFunction = fn;
      }
      if (fn && span.parentSpanContext?.spanId !== ancestor) {
        chosen = leaf;
        break;
      }
    }
    if (chosen === undefined) return false;
    const span = this.kept.get(chosen)!;
    this.leaves.delete(chosen);
    this.kept.delete(chosen);
    this.leave(span);
    const parent = span.parentSpanContext?.spanId;
    if (parent !== undefined) {
      const left = (this.keptChildren.get(parent) ?? 1) - 1;
      if (left > 0) {
        this.keptChildren.set(parent, left);
      } else {
        this.keptChildren.delete(parent);
        if (this.kept.has(parent)) this.leaves.add(parent);
      }
    }
    return true;
  }

  private leave(span: ReadableSpan): void {
    this.leftOut.count++;
    const names = this.leftOut.byName;
    const name = names.has(span.name) || names.size < this.limits.namesCounted ? span.name : '(other names)';
    names.set(name, (names.get(name) ?? 0) + 1);
  }
}

/**
 * The spans a console report draws, in bounded memory for any number of spans: per trace at most
 * `spansPerTrace` (the first ones, always with the ancestors of those kept, so every tree has its
 * root, and failed spans before others), at most
 * `traces` traces; everything else is counted by name and said below the tree.
 */
export class ReportSpans {
  private readonly traces = new Map<string, TraceStore>();
  /** Spans of traces past the trace limit. */
  readonly tracesLeftOut = { traces: 0, spans: 0 };
  private readonly seenLeftOut = new Set<string>();

  constructor(private readonly limits: ReportLimits = DEFAULT_REPORT_LIMITS) {}

  add(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    let trace = this.traces.get(traceId);
    if (trace === undefined) {
      if (this.traces.size >= this.limits.traces) {
        this.tracesLeftOut.spans++;
        if (this.seenLeftOut.size < 100_000 && !this.seenLeftOut.has(traceId)) {
          this.seenLeftOut.add(traceId);
          this.tracesLeftOut.traces++;
        }
        return;
      }
      trace = new TraceStore(this.limits);
      this.traces.set(traceId, trace);
    }
    trace.add(span);
  }

  get size(): number {
    let kept = 0;
    for (const trace of this.traces.values()) kept += trace.kept.size;
    return kept;
  }

  /** True when a span with this id is kept. */
  has(traceId: string, spanId: string): boolean {
    return this.traces.get(traceId)?.kept.has(spanId) ?? false;
  }

  list(): ReportTrace[] {
    return [...this.traces].map(([traceId, trace]) => ({ traceId, spans: [...trace.kept.values()], leftOut: trace.leftOut }));
  }

  clear(): void {
    this.traces.clear();
    this.seenLeftOut.clear();
    this.tracesLeftOut.traces = 0;
    this.tracesLeftOut.spans = 0;
  }
}
