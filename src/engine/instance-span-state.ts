import { INVALID_SPAN_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, type AttributeValue, type HrTime, type Span, type SpanContext, type SpanStatus } from '@opentelemetry/api';
import { AnchoredClock } from './anchored-clock.js';
import { spanAttributes } from './attribute-builder.js';
import { BoundedSet } from './bounded-memory.js';
import type { FunctionCallTracker } from './function-call-tracker.js';
import { createFunctionCalls, type FunctionCallOptions } from './function-spans.js';
import type { InstanceRegistry, SpanHolder } from './instance-registry.js';
import type { EngineLimits } from './limits.js';
import { MEMORY_GROW_BYTES, MEMORY_GROW_EVENT, MEMORY_GROW_PAGES, PAGE_BYTES, growthAttributes } from './memory-growth.js';
import { CLOSE_REASON_ATTRIBUTE, noteOpenSpansClosed, type CloseReason } from './open-span-journal.js';
import { HOST_SCOPE_NAME, addManagedEvent, closedGuestReport, managedReport, pushEvent, pushLink, setManagedStatus, type OpenSpan } from './open-span.js';
import type { ProblemCounter } from './problems.js';
import { ScopeCache } from './scope-cache.js';
import type { SpanPipeline } from './span-pipeline.js';
import type { LinkReport, SpanReport } from './span-report.js';
import { SpanOutlet } from './span-outlet.js';
import type { ManagedSpanOptions, StartDetails } from './span-start-options.js';

export type { ManagedSpanOptions, StartDetails } from './span-start-options.js';

export { CLOSE_REASON_ATTRIBUTE, UNENDED_SPAN_NAME, type CloseReason } from './open-span-journal.js';
export { HOST_SCOPE_NAME } from './open-span.js';
export type { FunctionCallOptions } from './function-spans.js';
export { MEMORY_GROW_EVENT, MEMORY_GROW_PAGES, MEMORY_GROW_BYTES, MEMORY_GROWN_PAGES_TOTAL, MEMORY_GROWN_BYTES_TOTAL } from './memory-growth.js';

const NO_ATTRIBUTES: [string, AttributeValue][] = [];
const NO_LINKS: LinkReport[] = [];

/**
 * The span state of ONE guest instance: which spans are open, which span is current, the host
 * span around the current call into the guest, and cleanup of what the guest left open.
 * Front-ends (wasi:otel, wasi:observe, the core-module Observe API) call this; none keeps a stack.
 */
export class InstanceSpanState implements SpanHolder {
  /** Open spans in the order they were entered; the last one is the current span. */
  private readonly open: OpenSpan[] = [];
  /** Host spans of the calls into this guest in progress (innermost last). */
  private readonly hostFrames: SpanContext[] = [];
  /** The host spans themselves, where the caller gave them (memory growth outside guest spans). */
  private readonly hostSpans: (Span | undefined)[] = [];
  /** Function-level tracing, for instrumented core modules. */
  private calls: FunctionCallTracker | undefined;
  /** Instrumentation scope of function spans, once function calls are traced. */
  private functionScope: string | undefined;
  /** Starts refused at the open-span limit, by tag, whose end has not come yet. */
  private readonly refused = new Map<string | number, number>();
  /** Span ids ended recently, oldest first, to detect a span ended twice. */
  private readonly ended: BoundedSet<string>;
  private readonly outlet: SpanOutlet;
  private readonly clock = new AnchoredClock();

  constructor(
    private readonly pipeline: SpanPipeline,
    private readonly limits: EngineLimits,
    private readonly problems: ProblemCounter,
    scopes: ScopeCache = new ScopeCache(),
    private readonly siblings?: InstanceRegistry,
  ) {
    this.outlet = new SpanOutlet(pipeline, limits, problems, scopes);
    this.ended = new BoundedSet(limits.endedSpanMemory);
    siblings?.register(this);
  }

  /** The instance is gone (disposed): its host no longer counts it among the live ones. */
  release(): void {
    this.siblings?.release(this);
  }

  /** True when this instance has a span with this id open. */
  holdsOpen(spanId: string): boolean {
    return this.indexOf(spanId) >= 0;
  }

  // ---- calls into the guest -------------------------------------------------------------------

  /**
   * The host is about to call into the guest; `host` is the span around that call and
   * `hostStart` its start time (times the engine makes up are kept on that span's time line).
   */
  enterCall(host: SpanContext, hostStart?: HrTime, hostSpan?: Span): void {
    this.settleCalls();
    this.hostFrames.push(host);
    this.hostSpans.push(hostSpan);
    if (hostStart) this.clock.anchor(hostStart);
    this.outlet.noteHostTrace(host.traceId);
  }

  /** The call that `enterCall` announced has returned or trapped. */
  leaveCall(): void {
    this.settleCalls();
    this.hostFrames.pop();
    this.hostSpans.pop();
  }

  // ---- queries --------------------------------------------------------------------------------

  /** The host's span around the current call, or an invalid context outside any call. */
  outerSpanContext(): SpanContext {
    return this.hostFrames[this.hostFrames.length - 1] ?? INVALID_SPAN_CONTEXT;
  }

  /**
   * The span around the guest's own spans, as the guest asks for it (`outer-span-context`): the
   * innermost open function span of its instrumented code (the host made it, the guest's code runs
   * inside it), else the host's span. So a root span the guest starts inside a traced function
   * nests under that function: one tree from the host down.
   */
  guestOuterSpanContext(): SpanContext {
    const scope = this.functionScope;
    if (scope === undefined) return this.outerSpanContext();
    this.settleCalls();
    for (let i = this.open.length - 1; i >= 0; i--) {
      const span = this.open[i]!;
      if (span.managed?.scope === scope) return span.context;
    }
    return this.outerSpanContext();
  }

  /** The most recently entered span that is still open, else the host's span. */
  currentSpanContext(): SpanContext {
    this.settleCalls();
    return this.innermostContext();
  }

  /** The current span without settling function calls (their base). */
  private innermostContext(): SpanContext {
    const last = this.open[this.open.length - 1];
    return last ? last.context : this.outerSpanContext();
  }

  /** The context of the most recently entered span still open (what an end usually ends), if any. */
  innermostOpenContext(): SpanContext | undefined {
    this.settleCalls();
    return this.open[this.open.length - 1]?.context;
  }

  /** The context of the open span with this id, if there is one. */
  openSpanContext(spanId: string): SpanContext | undefined {
    this.settleCalls();
    const index = this.indexOf(spanId);
    return index >= 0 ? this.open[index]!.context : undefined;
  }

  /** The host's clock, on the time line of the current call's host span. */
  now(): HrTime {
    return this.clock.now();
  }

  get openSpanCount(): number {
    return this.open.length + (this.calls?.openCalls ?? 0);
  }

  // ---- spans the guest identifies (wasi:otel) ---------------------------------------------------

  /** A guest announced a span it started, with ids it chose. */
  guestSpanStarted(context: SpanContext, details?: StartDetails): void {
    this.settleCalls();
    if (this.indexOf(context.spanId) >= 0) {
      this.problems.report('span_start_duplicate', `span ${context.spanId} started while already open; ignored`);
      return;
    }
    if (this.open.length >= this.limits.maxOpenSpans) {
      this.problems.report('too_many_open_spans', `instance already has ${this.open.length} open spans; span ${context.spanId} is not tracked`);
      return;
    }
    this.outlet.noteNewTrace(context);
    const current = this.currentSpanContext();
    const inferredParent = current.traceId === context.traceId && current.spanId !== context.spanId ? current.spanId : undefined;
    this.ended.delete(context.spanId);
    this.pushOpen({
      context,
      startTime: details?.startTime,
      startAnchor: this.clock.anchorNow,
      startPerf: performance.now(),
      parentSpanId: details?.parentSpanId ?? inferredParent,
      parentGiven: details?.parentSpanId !== undefined,
      name: details?.name,
      kind: details?.kind ?? SpanKind.INTERNAL,
      attributes: details?.attributes ?? NO_ATTRIBUTES,
      managed: undefined,
      journal: -1,
    });
  }

  /** A guest finished a span and sent its complete data. */
  guestSpanEnded(report: SpanReport): void {
    this.settleCalls();
    const spanId = report.spanContext.spanId;
    const index = this.indexOf(spanId);
    let open: OpenSpan | undefined;
    if (index >= 0) {
      open = this.open[index]!;
      // A parent the guest named at start still holds when its end data leaves it out.
      if (report.parentSpanId === undefined && open.parentGiven) report.parentSpanId = open.parentSpanId;
      this.removeOpen(index);
    } else if (this.ended.has(spanId)) {
      this.problems.report('span_ended_twice', `span ${spanId} (${JSON.stringify(report.name)}) was already ended; the second end is dropped`);
      return;
    } else if (this.siblings?.heldElsewhere(spanId, this)) {
      this.problems.report('span_id_conflict', `span ${spanId} (${JSON.stringify(report.name)}) was never started by this instance and is open in another instance; refused`);
      return;
    } else {
      this.problems.report('span_end_without_start', `span ${spanId} (${JSON.stringify(report.name)}) ended but was never started; exported anyway`);
    }
    this.rememberEnded(spanId);
    this.outlet.exportClosing(report, open);
  }

  // ---- spans the engine manages (wasi:observe tracer/span, core-module Observe API) -----------

  /**
   * Starts a span whose ids the engine chooses: a child of the current span (guest or host), or
   * the root of a new trace that the host's sampler decides. Returns its context (invalid when
   * the instance already has too many open spans).
   */
  startManagedSpan(options: ManagedSpanOptions): SpanContext {
    this.settleCalls();
    if (this.open.length >= this.limits.maxOpenSpans) {
      this.problems.report('too_many_open_spans', `instance already has ${this.open.length} open spans; span ${JSON.stringify(options.name)} is not started`);
      if (options.tag !== undefined) this.refused.set(options.tag, (this.refused.get(options.tag) ?? 0) + 1);
      return INVALID_SPAN_CONTEXT;
    }
    const parent = options.root ? INVALID_SPAN_CONTEXT : this.currentSpanContext();
    const hasParent = parent.traceId !== INVALID_SPAN_CONTEXT.traceId;
    const ids = this.pipeline.idGenerator;
    const context: SpanContext = {
      traceId: hasParent ? parent.traceId : ids.generateTraceId(),
      spanId: ids.generateSpanId(),
      traceFlags: hasParent ? parent.traceFlags : TraceFlags.NONE,
      isRemote: false,
      ...(hasParent && parent.traceState ? { traceState: parent.traceState } : {}),
    };
    if (!hasParent) {
      this.outlet.noteNewTrace(context, options);
      if (this.outlet.decidedSampled(context.traceId)) context.traceFlags = TraceFlags.SAMPLED;
    }
    const attributes = spanAttributes(this.limits);
    for (const [key, value] of options.attributes ?? NO_ATTRIBUTES) attributes.add(key, value);
    const links: LinkReport[] = [];
    const managed = { attributes, events: [], links, status: { code: SpanStatusCode.UNSET }, scope: options.scope ?? HOST_SCOPE_NAME, tag: options.tag, grownPages: 0, droppedEvents: 0, droppedLinks: 0, invalidLinks: options.invalidLinks ?? 0, reparentsChildren: options.reparentsChildren === true, startFromGuest: options.startFromGuest === true };
    for (const link of options.links ?? NO_LINKS) pushLink(managed, link, this.limits);
    this.pushOpen({
      context,
      startTime: options.startTime,
      startAnchor: this.clock.anchorNow,
      startPerf: performance.now(),
      parentSpanId: hasParent ? parent.spanId : undefined,
      parentGiven: true,
      name: options.name,
      kind: options.kind ?? SpanKind.INTERNAL,
      attributes: NO_ATTRIBUTES,
      managed,
      journal: -1,
    });
    return context;
  }

  /**
   * Ends the innermost open managed span with this tag (a stack-like API's "exit"). A start of
   * that tag refused at the open-span limit is paired first: its end ends nothing.
   * Returns false when there is neither (the caller reports it).
   */
  endInnermost(tag: string | number, endTime?: HrTime): boolean {
    const refused = this.refused.get(tag) ?? 0;
    if (refused > 0) {
      this.refused.set(tag, refused - 1);
      return true;
    }
    const open = this.findOpen((t) => t === tag);
    return open !== undefined && this.endManagedSpan(open.spanId, endTime);
  }

  /** The innermost open managed span for which `match(tag)` holds, if any. */
  findOpen(match: (tag: string | number | undefined) => boolean): SpanContext | undefined {
    this.settleCalls();
    for (let i = this.open.length - 1; i >= 0; i--) {
      const span = this.open[i]!;
      if (span.managed && match(span.managed.tag)) return span.context;
    }
    return undefined;
  }

  /** Adds or overwrites attributes of an open managed span. False if there is no such span. */
  setAttributes(spanId: string, entries: readonly [string, AttributeValue][]): boolean {
    const span = this.managedSpan(spanId, 'set attributes');
    if (!span) return false;
    for (const [key, value] of entries) span.managed!.attributes.add(key, value);
    return true;
  }

  addEvent(spanId: string, name: string, attributes: readonly [string, AttributeValue][] = [], time?: HrTime): boolean {
    const span = this.managedSpan(spanId, 'add an event');
    if (!span) return false;
    addManagedEvent(span.managed!, name, attributes, time ?? this.clock.now(), this.limits);
    return true;
  }

  /**
   * Sets the status as the OTel API says: `unset` is ignored, and so is anything after `ok`
   * (final). Returns false if there is no such span (reported).
   */
  setStatus(spanId: string, status: SpanStatus): boolean {
    const span = this.managedSpan(spanId, 'set the status');
    if (!span) return false;
    setManagedStatus(span.managed!, status);
    return true;
  }

  /**
   * Adds a link to an open managed span; past the link count limit it is only counted. Undefined:
   * a link the guest gave that could not be decoded (counted as dropped).
   */
  addLink(spanId: string, link: LinkReport | undefined): boolean {
    const span = this.managedSpan(spanId, 'add a link');
    if (!span) return false;
    if (link) pushLink(span.managed!, link, this.limits);
    else span.managed!.invalidLinks++;
    return true;
  }

  /**
   * Whether what is recorded on the open span with this id will be exported: its trace is
   * sampled (the host's flag, or the sampler's decision for a trace the guest side started) and
   * a provider is there to take it. False for a span that is not open.
   */
  isRecording(spanId: string): boolean {
    this.settleCalls();
    const index = this.indexOf(spanId);
    return index >= 0 && this.outlet.wouldExport(this.open[index]!.context);
  }

  updateName(spanId: string, name: string): boolean {
    const span = this.managedSpan(spanId, 'rename');
    if (!span) return false;
    span.name = name;
    return true;
  }

  /**
   * Ends an open managed span and exports it. False (reported) if there is no such span.
   * `endFromGuest`: the end time is the guest's (an end before the start is then reported).
   */
  endManagedSpan(spanId: string, endTime?: HrTime, endFromGuest = false): boolean {
    this.settleCalls();
    const index = this.indexOf(spanId);
    const span = index >= 0 ? this.open[index]! : undefined;
    if (!span?.managed) {
      this.problems.report(this.ended.has(spanId) ? 'span_ended_twice' : 'span_end_without_start', `managed span ${spanId} is not open; end ignored`);
      return false;
    }
    this.removeOpen(index);
    // A child may outlive its parent and keeps it; only the stack-like core-module ABI moves the
    // managed spans still open above an ended span onto its parent (the reference SDK's policy).
    if (span.managed.reparentsChildren) {
      for (let i = index; i < this.open.length; i++) {
        const above = this.open[i]!;
        if (above.managed && above.parentSpanId === spanId) above.parentSpanId = span.parentSpanId;
      }
    }
    this.rememberEnded(spanId);
    const start = this.startOf(span);
    let end = endTime ?? this.clock.now();
    if (end[0] < start[0] || (end[0] === start[0] && end[1] < start[1])) {
      // Both from the host's clock: readings on the time lines of two calls' host spans may
      // cross by a little; only a time the guest gave is its mistake.
      if (endFromGuest || span.managed.startFromGuest) {
        this.problems.report('end_before_start', `span ${spanId} (${JSON.stringify(span.name)}): end time is before start time; end set to start`);
      }
      end = start;
    }
    this.outlet.exportClosing(managedReport(span, start, end, span.managed.status, []), span);
    return true;
  }

  // ---- function calls (instrumented core modules) ------------------------------------------------

  /**
   * Turns on function-level tracing: the returned tracker takes the module's `enter` / `exit`
   * hooks on its hot path; spans are built from them in batches (see FunctionCallTracker).
   */
  enableFunctionCalls(options: FunctionCallOptions): FunctionCallTracker {
    const pipeline = this.pipeline;
    this.functionScope = options.scope;
    this.calls = createFunctionCalls(
      {
        limits: this.limits,
        problems: this.problems,
        clock: this.clock,
        // Read when used: the pipeline may follow a provider that changes between calls.
        get idGenerator() {
          return pipeline.idGenerator;
        },
        innermostContext: () => this.innermostContext(),
        idle: () => this.open.length === 0 && this.hostFrames.length === 0,
        noSpanOpen: () => this.open.length === 0,
        pushOpen: (span) => this.pushOpen(span),
        exportReport: (report) => this.outlet.export(report),
        startManagedSpan: (start) => void this.startManagedSpan(start),
        endInnermost: (tag, endTime) => this.endInnermost(tag, endTime),
        currentMemoryGrew: (pages, time) => this.currentMemoryGrew(pages, time),
      },
      options,
    );
    return this.calls;
  }

  /** `memory.grow` is about to add `pages` pages: an event on the current span, and its total. */
  memoryGrow(pages: number): void {
    if (this.calls?.memoryGrow(pages)) return;
    this.currentMemoryGrew(pages, this.clock.now());
  }

  private currentMemoryGrew(pages: number, time: HrTime): void {
    const last = this.open[this.open.length - 1];
    if (last?.managed) {
      last.managed.grownPages += pages;
      pushEvent(last.managed, { name: MEMORY_GROW_EVENT, time, attributes: growthAttributes(pages, this.limits) }, this.limits);
      return;
    }
    if (last) return; // a guest-identified span (wasi:otel): its events are the guest's own
    const hostSpan = this.hostSpans[this.hostSpans.length - 1];
    hostSpan?.addEvent(MEMORY_GROW_EVENT, { [MEMORY_GROW_PAGES]: pages, [MEMORY_GROW_BYTES]: pages * PAGE_BYTES }, time);
  }

  private settleCalls(): void {
    if (this.calls === undefined || this.calls.settled) return;
    try {
      this.calls.settle();
    } catch (error) {
      this.problems.hostError('building function spans', error);
    }
  }

  // ---- cleanup ----------------------------------------------------------------------------------

  /**
   * Closes every span still open (innermost first) with status error and an attribute naming
   * why, and exports them. Returns how many were closed.
   */
  closeOpenSpans(reason: CloseReason, detail: string): number {
    this.settleCalls();
    this.calls?.forgetUntraced();
    this.refused.clear();
    const now = this.clock.now();
    if (this.open.length > 0) noteOpenSpansClosed(this.problems, this.open.length, detail);
    let closed = 0;
    while (this.open.length > 0) {
      const span = this.open.pop()!;
      this.rememberEnded(span.context.spanId);
      const start = this.startOf(span);
      this.outlet.exportClosing(
        span.managed
          ? managedReport(span, start, now, { code: SpanStatusCode.ERROR, message: detail }, [[CLOSE_REASON_ATTRIBUTE, reason]])
          : closedGuestReport(span, start, now, reason, detail, this.limits),
        span,
      );
      closed++;
    }
    return closed;
  }

  // ---- internals --------------------------------------------------------------------------------

  private managedSpan(spanId: string, what: string): OpenSpan | undefined {
    this.settleCalls();
    const index = this.indexOf(spanId);
    const span = index >= 0 ? this.open[index] : undefined;
    if (!span?.managed) {
      this.problems.report('invalid_argument', `cannot ${what}: managed span ${spanId} is not open`);
      return undefined;
    }
    return span;
  }

  /** When a span started: as the guest said, else when the host saw it start. */
  private startOf(span: OpenSpan): HrTime {
    return span.startTime ?? this.clock.timeOf(span.startAnchor, span.startPerf);
  }

  /** A span opens: it becomes the current one (and is noted in the journal). */
  private pushOpen(span: OpenSpan): void {
    this.open.push(span);
    this.outlet.opened(span, this.startOf(span));
  }

  /** Spans usually end innermost first: pop, and only splice for one ended out of order. */
  private removeOpen(index: number): void {
    if (index === this.open.length - 1) this.open.pop();
    else this.open.splice(index, 1);
  }

  private indexOf(spanId: string): number {
    for (let i = this.open.length - 1; i >= 0; i--) if (this.open[i]!.context.spanId === spanId) return i;
    return -1;
  }

  private rememberEnded(spanId: string): void {
    this.ended.add(spanId);
  }
}
