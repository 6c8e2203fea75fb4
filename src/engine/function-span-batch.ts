import { SpanKind, SpanStatusCode, TraceFlags, isSpanContextValid, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ClockAnchor } from './anchored-clock.js';
import { spanAttributes } from './attribute-builder.js';
import type { FinishedCalls } from './call-batch.js';
import { FunctionReadableSpan, type FunctionSpanShared } from './function-readable-span.js';
import type { EngineLimits } from './limits.js';
import { addGrowthTotals, growthEvents } from './memory-growth.js';
import { functionSpanContext } from './open-span.js';
import type { ProblemCounter } from './problems.js';
import { keptName } from './readable-span.js';
import type { ScopeReport, SpanReport } from './span-report.js';

/**
 * Span names of a module's functions, asked once per function (the names are the module's and do
 * not change), with the name as exported: within the name length limit.
 */
export class FunctionSpanNames {
  private readonly names: string[] = [];
  private readonly overLimit = new Set<number>();

  constructor(
    private readonly nameOf: (func: number) => string,
    private readonly maxNameLength: number,
  ) {}

  of(func: number): string {
    let name = this.names[func];
    if (name === undefined) {
      name = this.nameOf(func);
      this.names[func] = name;
      if (name.length > this.maxNameLength) this.overLimit.add(func);
    }
    return name;
  }

  /** The name span `spanId` of `func` is exported with; a name over the limit is cut (and reported, for each span as for any span). */
  exported(func: number, spanId: string, limits: EngineLimits, problems: ProblemCounter): string {
    const name = this.of(func);
    return this.overLimit.size > 0 && this.overLimit.has(func) ? keptName(name, spanId, limits, problems) : name;
  }
}

/**
 * The finished function calls of one batch on their way out: the sink hands it to the span
 * outlet as it would a report. The calls all hang from one base span (the current span below the
 * light calls), so the outlet decides sampling once for a trace the host started, and builds each
 * span straight from the tracker's arrays (spanAt); reportAt gives the general report, for the
 * calls that need the general path (a trace the sampler decides, memory growth).
 */
export class FunctionSpanBatch {
  /** Parent of the calls at the base. */
  private readonly baseParent: string | undefined;

  constructor(
    readonly calls: FinishedCalls,
    /** The span the calls at the base hang from; every span of the batch is on its trace. */
    readonly base: SpanContext,
    private readonly anchor: ClockAnchor,
    private readonly names: FunctionSpanNames,
    private readonly limits: EngineLimits,
    readonly scope: ScopeReport,
    private readonly timeOf: (perf: number) => HrTime,
  ) {
    this.baseParent = isSpanContextValid(base) ? base.spanId : undefined;
  }

  get count(): number {
    return this.calls.count;
  }

  /** Memory grew inside call `i`: its span has events and attributes (the general path). */
  hasGrowth(i: number): boolean {
    return this.calls.memoryGrowth(i).length > 0;
  }

  /** What the spans share once the batch is sampled (exported with the sampled flag). */
  shared(resource: Resource, instrumentationScope: InstrumentationScope): FunctionSpanShared {
    const base = this.base;
    return {
      traceId: base.traceId,
      traceFlags: base.traceFlags | TraceFlags.SAMPLED,
      traceState: base.traceState,
      resource,
      instrumentationScope,
      wall: this.anchor.wall,
      anchorPerf: this.anchor.perf,
    };
  }

  /** Span `i` (no memory growth) of a sampled batch. */
  spanAt(i: number, shared: FunctionSpanShared, problems: ProblemCounter): FunctionReadableSpan {
    const calls = this.calls;
    const spanId = calls.spanId(i);
    const name = this.names.exported(calls.func[i]!, spanId, this.limits, problems);
    return new FunctionReadableSpan(shared, name, spanId, calls.parentSpanId(i) ?? this.baseParent, calls.start[i]!, calls.end[i]!);
  }

  /** Span `i` as a report, as any finished span. */
  reportAt(i: number): SpanReport {
    const { calls, limits, timeOf } = this;
    const growth = growthEvents(calls.memoryGrowth(i), timeOf, limits);
    const attributes = spanAttributes(limits);
    if (growth.pages > 0) addGrowthTotals(attributes, growth.pages);
    return {
      spanContext: functionSpanContext(calls.spanId(i), this.base),
      parentSpanId: calls.parentSpanId(i) ?? this.baseParent,
      name: this.names.of(calls.func[i]!),
      kind: SpanKind.INTERNAL,
      startTime: timeOf(calls.start[i]!),
      endTime: timeOf(calls.end[i]!),
      attributes,
      events: growth.events,
      links: [],
      status: { code: SpanStatusCode.UNSET },
      scope: this.scope,
      droppedEventsCount: growth.dropped,
      droppedLinksCount: 0,
    };
  }
}
