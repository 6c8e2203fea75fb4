/**
 * Function-level tracing on the hot path: every `enter(func)` / `exit(func)` hook of an
 * instrumented core module lands here. Calls are recorded into preallocated typed arrays (no
 * object per call); spans are built from them later, in batches (when the call into the guest
 * returns, when something needs the ids of open calls, or when the buffer is full).
 *
 * Calls tracked here are "light": they sit above every span the engine's open list holds (they
 * started after its last change). Whenever that list is about to change or be read, the owner
 * calls `settle()`: completed calls are built into spans and open calls are handed over as
 * ordinary open spans ("materialized"), so the open list is again the whole truth.
 */

/** What the tracker needs from the instance's span state (implemented by InstanceSpanState). */
export interface FunctionSpanSink {
  /** Builds and exports one finished function span. `parent` is a span id or undefined (base). */
  exportFunctionSpan(span: FinishedFunctionCall): void;
  /** Hands over a call still open: it becomes an open span of the engine with this id. */
  openFunctionSpan(call: OpenFunctionCall): void;
  /** A call with no parent is about to be recorded and the instance has no current span. */
  needsBase(): boolean;
  /** Starts a call as an engine span right away (a root call, see `needsBase`). */
  startRootFunctionSpan(func: number, startPerf: number): void;
  /** Ends the innermost open engine span of function `func`; false if there is none. */
  endOpenFunctionSpan(func: number, endPerf: number): boolean;
  /**
   * No span of the module is open below the light calls: a call at the base is an outermost
   * traced call of this call into the module, which the minimum-duration filter never drops.
   */
  baseIsOutermost(): boolean;
  /** Memory growth of a dropped call moves to the base (the current span below the light calls). */
  baseMemoryGrew(pages: number, perf: number): void;
  /** A new span id (the provider's id generator). */
  newSpanId(): string;
  /** Hook calls that do not pair up. */
  unmatchedExit(func: number): void;
  tooDeep(depth: number): void;
}

/** A finished call, as handed to the sink (one object per built span, off the hot path). */
export interface FinishedFunctionCall {
  func: number;
  spanId: string;
  /** Span id of the parent call; undefined: the base (the span current below the light calls). */
  parentSpanId: string | undefined;
  startPerf: number;
  endPerf: number;
  /** Memory growth inside the call (its own and that of dropped children): [perf, pages] pairs. */
  memoryGrowth: number[];
}

/** A call still open when the tracker settles. */
export interface OpenFunctionCall {
  func: number;
  spanId: string;
  parentSpanId: string | undefined;
  startPerf: number;
  memoryGrowth: number[];
}

const INITIAL_FRAMES = 256;
const INITIAL_DONE = 4096;
const INITIAL_GROWTH = 64;
/** Base of the light stack (the current engine span) as a parent call number. */
const BASE = -1;

export interface FunctionCallTrackerOptions {
  /**
   * Calls shorter than this (milliseconds) are dropped unless something inside needed them or
   * they are outermost (nothing of the module traced around them: the root of what the call
   * into the module did, which the reference Observe SDKs always keep).
   */
  minDurationMs: number;
  /** Open calls beyond this depth are not traced (reported each time the depth is reached). */
  maxDepth: number;
  /** Completed calls buffered before a batch is built mid-call. */
  maxBuffered: number;
  /** Finished calls wait at most this long (ms, by the calls' own clock) before they are built into spans. */
  maxBufferedMillis: number;
}

export class FunctionCallTracker {
  // Open calls (a stack). `frameCall` numbers each call; parents are referred to by number.
  private depth = 0;
  private frameFunc = new Int32Array(INITIAL_FRAMES);
  private frameStart = new Float64Array(INITIAL_FRAMES);
  private frameCall = new Float64Array(INITIAL_FRAMES);
  /** Calls deeper than maxDepth: their enters and exits are only counted. */
  private overflow = 0;
  private nextCall = 0;

  // Completed calls, children before parents (post-order).
  private done = 0;
  private doneFunc = new Int32Array(INITIAL_DONE);
  private doneCall = new Float64Array(INITIAL_DONE);
  private doneParent = new Float64Array(INITIAL_DONE);
  private doneStart = new Float64Array(INITIAL_DONE);
  private doneEnd = new Float64Array(INITIAL_DONE);

  // Memory growth seen while light calls are open: owner call number, time, pages.
  private growth = 0;
  private growthOwner = new Float64Array(INITIAL_GROWTH);
  private growthTime = new Float64Array(INITIAL_GROWTH);
  private growthPages = new Float64Array(INITIAL_GROWTH);

  /** Span ids handed out for calls referred to before they were built (parents of built calls). */
  private readonly ids = new Map<number, string>();
  private readonly minMs: number;
  /** When the oldest buffered finished call ended (performance.now()). */
  private firstDoneEnd = 0;

  constructor(
    private readonly sink: FunctionSpanSink,
    private readonly options: FunctionCallTrackerOptions,
  ) {
    this.minMs = options.minDurationMs;
    if (options.maxBuffered < INITIAL_DONE) this.resizeDone(Math.max(1, options.maxBuffered));
    if (options.maxDepth + 1 < INITIAL_FRAMES) {
      const size = Math.max(1, options.maxDepth) + 1;
      this.frameFunc = grown(this.frameFunc, size);
      this.frameStart = grown(this.frameStart, size);
      this.frameCall = grown(this.frameCall, size);
    }
  }

  /** True when nothing is buffered: the engine's open list is the whole truth. */
  get settled(): boolean {
    return this.depth === 0 && this.done === 0;
  }

  /** Light calls open right now. */
  get openCalls(): number {
    return this.depth;
  }

  enter(func: number): void {
    const d = this.depth;
    if (d === 0 && this.sink.needsBase()) {
      this.sink.startRootFunctionSpan(func, performance.now());
      return;
    }
    if (d >= this.frameFunc.length - 1 || this.overflow > 0) {
      if (this.overflow > 0 || d >= this.options.maxDepth || !this.growFrames()) {
        // Reported once each time calls go past the limit, not once per call.
        if (this.overflow++ === 0) this.sink.tooDeep(d);
        return;
      }
    }
    this.frameFunc[d] = func;
    this.frameCall[d] = this.nextCall++;
    this.depth = d + 1;
    this.frameStart[d] = performance.now();
  }

  exit(func: number): void {
    const end = performance.now();
    const d = this.depth - 1;
    if (this.overflow > 0 || d < 0 || this.frameFunc[d] !== func) {
      this.exitSlow(func, end);
      return;
    }
    this.depth = d;
    this.complete(d, end, d > 0 ? this.frameCall[d - 1]! : BASE);
  }

  /** `memory.grow` is about to run with `pages` pages, inside the innermost light call. */
  memoryGrow(pages: number): boolean {
    if (this.depth === 0) return false;
    const g = this.growth;
    if (g === this.growthOwner.length) this.growGrowth();
    this.growthOwner[g] = this.frameCall[this.depth - 1]!;
    this.growthTime[g] = performance.now();
    this.growthPages[g] = pages;
    this.growth = g + 1;
    return true;
  }

  /**
   * Builds every completed call into a span and hands every open call over to the engine (as
   * open spans with the ids their children already name). Afterwards the tracker is empty.
   */
  settle(): void {
    if (this.done > 0) this.buildDone();
    if (this.depth > 0) this.materializeOpen();
    this.growth = 0;
  }

  /** The calls are over (trap, exit): forget calls past the depth limit that will never exit. */
  forgetUntraced(): void {
    this.overflow = 0;
  }

  // ---- internals --------------------------------------------------------------------------------

  /** The call at stack position `d` (already removed from the stack) ended at `end`. */
  private complete(d: number, end: number, parentCall: number): void {
    const call = this.frameCall[d]!;
    const start = this.frameStart[d]!;
    if (end - start < this.minMs && !this.ids.has(call) && !(parentCall === BASE && this.sink.baseIsOutermost())) {
      // Dropped: too short, nothing built so far names it as parent, and some span of the
      // module (a call or a span-enter span) is around it to take its memory growth.
      if (this.growth > 0) this.moveGrowth(call, parentCall, start);
      return;
    }
    let i = this.done;
    if (i === 0) {
      this.firstDoneEnd = end;
    } else if (i === this.doneFunc.length ? !this.growDone() : end - this.firstDoneEnd > this.options.maxBufferedMillis) {
      // The buffer is full, or its oldest call is old enough: spans leave during a long call too.
      this.buildDone();
      i = 0;
      this.firstDoneEnd = end;
    }
    this.doneFunc[i] = this.frameFunc[d]!;
    this.doneCall[i] = call;
    this.doneParent[i] = parentCall;
    this.doneStart[i] = start;
    this.doneEnd[i] = end;
    this.done = i + 1;
  }

  /** An exit that is not the innermost light call: the nearest open call of `func` ends. */
  private exitSlow(func: number, end: number): void {
    if (this.overflow > 0) {
      this.overflow--;
      return;
    }
    for (let k = this.depth - 1; k >= 0; k--) {
      if (this.frameFunc[k] !== func) continue;
      // Calls above k stay open and are re-parented to k's parent (they now sit on it).
      const parentCall = k > 0 ? this.frameCall[k - 1]! : BASE;
      const func_ = this.frameFunc[k]!;
      const call = this.frameCall[k]!;
      const start = this.frameStart[k]!;
      this.frameFunc.copyWithin(k, k + 1, this.depth);
      this.frameCall.copyWithin(k, k + 1, this.depth);
      this.frameStart.copyWithin(k, k + 1, this.depth);
      this.depth--;
      // Put the removed call just past the stack to reuse complete().
      const scratch = this.depth;
      this.frameFunc[scratch] = func_;
      this.frameCall[scratch] = call;
      this.frameStart[scratch] = start;
      this.complete(scratch, end, parentCall);
      return;
    }
    // Not a light call: an engine span (handed over earlier), or no such call at all.
    this.settle();
    if (!this.sink.endOpenFunctionSpan(func, end)) this.sink.unmatchedExit(func);
  }

  private buildDone(): void {
    const count = this.done;
    this.done = 0;
    const ids = this.ids;
    const sink = this.sink;
    const growthByCall = this.growth > 0 ? this.takeGrowth(count) : undefined;
    for (let i = 0; i < count; i++) {
      const call = this.doneCall[i]!;
      let spanId = ids.get(call);
      if (spanId === undefined) spanId = sink.newSpanId();
      else ids.delete(call);
      const parentCall = this.doneParent[i]!;
      let parentSpanId: string | undefined;
      if (parentCall !== BASE) {
        parentSpanId = ids.get(parentCall);
        if (parentSpanId === undefined) {
          parentSpanId = sink.newSpanId();
          ids.set(parentCall, parentSpanId);
        }
      }
      sink.exportFunctionSpan({
        func: this.doneFunc[i]!,
        spanId,
        parentSpanId,
        startPerf: this.doneStart[i]!,
        endPerf: this.doneEnd[i]!,
        memoryGrowth: growthByCall?.get(call) ?? NO_GROWTH,
      });
    }
  }

  /** Open calls become engine spans, outermost first, keeping the ids their children name. */
  private materializeOpen(): void {
    const growthByCall = this.growth > 0 ? this.takeAllGrowth() : undefined;
    let parentSpanId: string | undefined;
    for (let d = 0; d < this.depth; d++) {
      const call = this.frameCall[d]!;
      const spanId = this.ids.get(call) ?? this.sink.newSpanId();
      this.ids.delete(call);
      this.sink.openFunctionSpan({
        func: this.frameFunc[d]!,
        spanId,
        parentSpanId,
        startPerf: this.frameStart[d]!,
        memoryGrowth: growthByCall?.get(call) ?? NO_GROWTH,
      });
      parentSpanId = spanId;
    }
    this.depth = 0;
    this.ids.clear();
  }

  /** Growth of the first `count` completed calls, by call; the rest stays buffered. */
  private takeGrowth(count: number): Map<number, number[]> {
    const built = new Set<number>();
    for (let i = 0; i < count; i++) built.add(this.doneCall[i]!);
    const byCall = new Map<number, number[]>();
    let kept = 0;
    for (let g = 0; g < this.growth; g++) {
      const owner = this.growthOwner[g]!;
      if (built.has(owner)) {
        let list = byCall.get(owner);
        if (!list) byCall.set(owner, (list = []));
        list.push(this.growthTime[g]!, this.growthPages[g]!);
      } else {
        this.growthOwner[kept] = owner;
        this.growthTime[kept] = this.growthTime[g]!;
        this.growthPages[kept] = this.growthPages[g]!;
        kept++;
      }
    }
    this.growth = kept;
    return byCall;
  }

  private takeAllGrowth(): Map<number, number[]> {
    const byCall = new Map<number, number[]>();
    for (let g = 0; g < this.growth; g++) {
      const owner = this.growthOwner[g]!;
      let list = byCall.get(owner);
      if (!list) byCall.set(owner, (list = []));
      list.push(this.growthTime[g]!, this.growthPages[g]!);
    }
    this.growth = 0;
    return byCall;
  }

  /**
   * A dropped call's memory growth moves to its parent (a light call, or the base), keeping the
   * order it happened in. Its entries are the latest ones, all recorded since it started.
   */
  private moveGrowth(from: number, to: number, since: number): void {
    let first = this.growth;
    while (first > 0 && this.growthTime[first - 1]! >= since) first--;
    if (to !== BASE) {
      for (let g = first; g < this.growth; g++) if (this.growthOwner[g] === from) this.growthOwner[g] = to;
      return;
    }
    let kept = first;
    for (let g = first; g < this.growth; g++) {
      if (this.growthOwner[g] === from) {
        this.sink.baseMemoryGrew(this.growthPages[g]!, this.growthTime[g]!);
        continue;
      }
      this.growthOwner[kept] = this.growthOwner[g]!;
      this.growthTime[kept] = this.growthTime[g]!;
      this.growthPages[kept] = this.growthPages[g]!;
      kept++;
    }
    this.growth = kept;
  }

  private growFrames(): boolean {
    // One slot more than the depth limit: exitSlow parks a removed call just past the stack.
    const size = Math.min(this.frameFunc.length * 2, this.options.maxDepth + 1);
    if (size <= this.frameFunc.length) return false;
    this.frameFunc = grown(this.frameFunc, size);
    this.frameStart = grown(this.frameStart, size);
    this.frameCall = grown(this.frameCall, size);
    return true;
  }

  private growDone(): boolean {
    const size = Math.min(this.doneFunc.length * 2, this.options.maxBuffered);
    if (size <= this.doneFunc.length) return false;
    this.resizeDone(size);
    return true;
  }

  private resizeDone(size: number): void {
    this.doneFunc = grown(this.doneFunc, size);
    this.doneCall = grown(this.doneCall, size);
    this.doneParent = grown(this.doneParent, size);
    this.doneStart = grown(this.doneStart, size);
    this.doneEnd = grown(this.doneEnd, size);
  }

  private growGrowth(): void {
    const size = this.growthOwner.length * 2;
    this.growthOwner = grown(this.growthOwner, size);
    this.growthTime = grown(this.growthTime, size);
    this.growthPages = grown(this.growthPages, size);
  }
}

const NO_GROWTH: number[] = [];

function grown<T extends Int32Array | Float64Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(size >= array.length ? array : array.subarray(0, size));
  return next;
}
