import { SpanKind, SpanStatusCode, type Attributes, type HrTime, type Link, type SpanContext, type SpanStatus, type TraceState } from '@opentelemetry/api';
import { hrTimeDuration, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** What every span of one batch of function calls shares (one object per batch). */
export interface FunctionSpanShared {
  readonly traceId: string;
  /** The flags the spans are exported with (sampled). */
  readonly traceFlags: number;
  readonly traceState: TraceState | undefined;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  /** The clock anchor the batch is built with: a moment `perf` is at wall + (perf - anchorPerf). */
  readonly wall: HrTime;
  readonly anchorPerf: number;
}


/**
 * A finished function span without memory growth (those have events and attributes, and are
 * GuestReadableSpans), as span processors and exporters see it. Function spans come by the
 * hundred thousand, so one holds only what differs between them: its name, ids and two clock
 * readings. Everything else is the batch's or a constant, and what a processor may never read is
 * computed when read: the times as HrTime, the duration, the parent's context; the span's own
 * context once, on first read.
 */
export class FunctionReadableSpan implements ReadableSpan {
  private context: SpanContext | undefined = undefined;
  // Made on first read, each span its own: a span processor may add to them in onEnd (the SDK's
  // spans let it), and that must not change every other span.
  private ownStatus: SpanStatus | undefined = undefined;
  private ownAttributes: Attributes | undefined = undefined;
  private ownLinks: Link[] | undefined = undefined;
  private ownEvents: TimedEvent[] | undefined = undefined;

  constructor(
    private readonly shared: FunctionSpanShared,
    readonly name: string,
    private readonly spanId: string,
    private readonly parentSpanId: string | undefined,
    private readonly startPerf: number,
    private readonly endPerf: number,
  ) {}

  spanContext(): SpanContext {
    let context = this.context;
    if (context === undefined) {
      const { traceId, traceFlags, traceState } = this.shared;
      context = traceState === undefined ? { traceId, spanId: this.spanId, traceFlags, isRemote: false } : { traceId, spanId: this.spanId, traceFlags, isRemote: false, traceState };
      this.context = context;
    }
    return context;
  }

  get parentSpanContext(): SpanContext | undefined {
    if (this.parentSpanId === undefined) return undefined;
    return { traceId: this.shared.traceId, spanId: this.parentSpanId, traceFlags: this.shared.traceFlags };
  }

  get startTime(): HrTime {
    return hrTimeAt(this.shared, this.startPerf);
  }

  get endTime(): HrTime {
    return hrTimeAt(this.shared, this.endPerf);
  }

  get duration(): HrTime {
    return hrTimeDuration(this.startTime, this.endTime);
  }

  get kind(): SpanKind {
    return SpanKind.INTERNAL;
  }

  get ended(): boolean {
    return true;
  }

  get status(): SpanStatus {
    return (this.ownStatus ??= { code: SpanStatusCode.UNSET });
  }

  get attributes(): Attributes {
    return (this.ownAttributes ??= {});
  }

  get links(): Link[] {
    return (this.ownLinks ??= []);
  }

  get events(): TimedEvent[] {
    return (this.ownEvents ??= []);
  }

  get resource(): Resource {
    return this.shared.resource;
  }

  get instrumentationScope(): InstrumentationScope {
    return this.shared.instrumentationScope;
  }

  get droppedAttributesCount(): number {
    return 0;
  }

  get droppedEventsCount(): number {
    return 0;
  }

  get droppedLinksCount(): number {
    return 0;
  }
}

/**
 * The same arithmetic as AnchoredClock.timeOf (addHrTimes(wall, millisToHrTime(perf - anchor))),
 * without the intermediate array: the same numbers to the nanosecond.
 */
export function hrTimeAt(shared: Pick<FunctionSpanShared, 'wall' | 'anchorPerf'>, perf: number): HrTime {
  const millis = perf - shared.anchorPerf;
  let seconds = shared.wall[0] + Math.trunc(millis / 1000);
  let nanos = shared.wall[1] + Math.round((millis % 1000) * 1e6);
  if (nanos >= 1e9) {
    nanos -= 1e9;
    seconds += 1;
  }
  return [seconds, nanos];
}
