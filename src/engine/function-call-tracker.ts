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
import { CallGrowth } from './call-growth.js';
import { BASE, CallBatch, type FinishedCalls } from './call-batch.js';
import type { CallIds } from './function-span-ids.js';

/** What the tracker needs from the instance's span state (implemented by InstanceSpanState). */
export interface FunctionSpanSink {
  /** Builds and exports the finished calls of one batch (`calls` is valid during the call only). */
  exportFunctionSpans(calls: FinishedCalls): void;
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
  /** Where span ids come from until the tracker is settled again (asked once per such period). */
  callIds(): CallIds;
  /** Hook calls that do not pair up. */
  unmatchedExit(func: number): void;
  tooDeep(depth: number): void;
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
/** frameState bits: a child was kept (goes into a span) / a child was built (names this call). */
const KEPT_CHILD = 1;
const NAMED = 2;

// Bound once: a hook pair reads the clock twice, and the lookup of `performance.now` per read
// showed in the cost of a call.
const now: () => number = performance.now.bind(performance);

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
  private frameState = new Uint8Array(INITIAL_FRAMES);
  /** Deepest position `enter` fills without growing (one slot stays free, see growFrames). */
  private frameLimit = INITIAL_FRAMES - 1;
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

  private readonly growth = new CallGrowth();
  /** Ids of this period (until the next settle), chosen when first needed. */
  private ids: CallIds | undefined;
  private readonly batch = new CallBatch();
  private readonly minMs: number;
  private readonly maxDepth: number;
  private readonly maxBuffered: number;
  private readonly maxBufferedMillis: number;
  /** When the oldest buffered finished call ended (performance.now()). */
  private firstDoneEnd = 0;

  constructor(
    private readonly sink: FunctionSpanSink,
    options: FunctionCallTrackerOptions,
  ) {
    this.minMs = options.minDurationMs;
    this.maxDepth = options.maxDepth;
    this.maxBuffered = options.maxBuffered;
    this.maxBufferedMillis = options.maxBufferedMillis;
    if (options.maxBuffered < INITIAL_DONE) this.resizeDone(Math.max(1, options.maxBuffered));
    if (options.maxDepth + 1 < INITIAL_FRAMES) this.resizeFrames(Math.max(1, options.maxDepth) + 1);
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
      this.sink.startRootFunctionSpan(func, now());
      return;
    }
    if (d >= this.frameLimit || this.overflow > 0) {
      if (this.overflow > 0 || d >= this.maxDepth || !this.growFrames()) {
        // Reported once each time calls go past the limit, not once per call.
        if (this.overflow++ === 0) this.sink.tooDeep(d);
        return;
      }
    }
    this.frameFunc[d] = func;
    this.frameCall[d] = this.nextCall++;
    this.frameState[d] = 0;
    this.depth = d + 1;
    this.frameStart[d] = now();
  }

  exit(func: number): void {
    const end = now();
    const d = this.depth - 1;
    if (this.overflow > 0 || d < 0 || this.frameFunc[d] !== func) {
      this.exitSlow(func, end);
      return;
    }
    this.depth = d;
    this.complete(d, end, d - 1);
  }

  /** `memory.grow` is about to run with `pages` pages, inside the innermost light call. */
  memoryGrow(pages: number): boolean {
    if (this.depth === 0) return false;
    this.growth.add(this.frameCall[this.depth - 1]!, now(), pages);
    return true;
  }

  /**
   * Builds every completed call into a span and hands every open call over to the engine (as
   * open spans with the ids their children already name). Afterwards the tracker is empty.
   */
  settle(): void {
    if (this.done > 0) this.buildDone();
    if (this.depth > 0) this.materializeOpen();
    this.growth.count = 0;
    // Nothing refers to an id of this period any more: the next one may take ids elsewhere.
    this.ids?.clear();
    this.ids = undefined;
  }

  /** The calls are over (trap, exit): forget calls past the depth limit that will never exit. */
  forgetUntraced(): void {
    this.overflow = 0;
  }

  // ---- internals --------------------------------------------------------------------------------

  /**
   * The call at stack position `d` (already removed from the stack) ended at `end`; its parent
   * is the call at position `parent` (-1: the base).
   */
  private complete(d: number, end: number, parent: number): void {
    const start = this.frameStart[d]!;
    if (end - start < this.minMs && (this.frameState[d]! & NAMED) === 0 && !(parent < 0 && this.sink.baseIsOutermost())) {
      // Dropped: too short, nothing built so far names it as parent, and some span of the
      // module (a call or a span-enter span) is around it to take its memory growth.
      if (this.growth.count > 0) this.moveGrowth(this.frameCall[d]!, parent, start);
      return;
    }
    let i = this.done;
    if (i === 0) {
      this.firstDoneEnd = end;
    } else if (i === this.doneFunc.length ? !this.growDone() : end - this.firstDoneEnd > this.maxBufferedMillis) {
      // The buffer is full, or its oldest call is old enough: spans leave during a long call too.
      this.buildDone();
      i = 0;
      this.firstDoneEnd = end;
    }
    this.doneFunc[i] = this.frameFunc[d]!;
    this.doneCall[i] = this.frameCall[d]!;
    this.doneStart[i] = start;
    this.doneEnd[i] = end;
    if (parent < 0) {
      this.doneParent[i] = BASE;
    } else {
      this.doneParent[i] = this.frameCall[parent]!;
      this.frameState[parent] |= KEPT_CHILD;
    }
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
      const call = this.frameCall[k]!;
      const start = this.frameStart[k]!;
      const state = this.frameState[k]!;
      this.frameFunc.copyWithin(k, k + 1, this.depth);
      this.frameCall.copyWithin(k, k + 1, this.depth);
      this.frameStart.copyWithin(k, k + 1, this.depth);
      this.frameState.copyWithin(k, k + 1, this.depth);
      this.depth--;
      // Put the removed call just past the stack to reuse complete().
      const scratch = this.depth;
      this.frameFunc[scratch] = func;
      this.frameCall[scratch] = call;
      this.frameStart[scratch] = start;
      this.frameState[scratch] = state;
      this.complete(scratch, end, k - 1);
      return;
    }
    // Not a light call: an engine span (handed over earlier), or no such call at all.
    this.settle();
    if (!this.sink.endOpenFunctionSpan(func, end)) this.sink.unmatchedExit(func);
  }

  private buildDone(): void {
    const count = this.done;
    this.done = 0;
    // Every open call with a child in this batch is named by a built span from now on.
    for (let k = 0; k < this.depth; k++) if ((this.frameState[k]! & KEPT_CHILD) !== 0) this.frameState[k] |= NAMED;
    const growthByCall = this.growth.count > 0 ? this.growth.takeFor(this.doneCall, count) : undefined;
    const batch = this.batch;
    batch.take({ func: this.doneFunc, call: this.doneCall, parent: this.doneParent, start: this.doneStart, end: this.doneEnd }, count, this.idsNow(), growthByCall);
    try {
      this.sink.exportFunctionSpans(batch);
    } finally {
      batch.clear();
    }
  }

  /** Open calls become engine spans, outermost first, keeping the ids their children name. */
  private materializeOpen(): void {
    const growthByCall = this.growth.count > 0 ? this.growth.takeAll() : undefined;
    const ids = this.idsNow();
    let parentSpanId: string | undefined;
    for (let d = 0; d < this.depth; d++) {
      const call = this.frameCall[d]!;
      const spanId = ids.idOf(call);
      ids.release(call);
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
    ids.clear();
  }

  private idsNow(): CallIds {
    return (this.ids ??= this.sink.callIds());
  }

  /** A dropped call's memory growth moves to its parent (a light call, or the base). */
  private moveGrowth(from: number, parent: number, since: number): void {
    const to = parent < 0 ? undefined : this.frameCall[parent]!;
    this.growth.move(from, to, since, (pages, time) => this.sink.baseMemoryGrew(pages, time));
  }

  private growFrames(): boolean {
    // One slot more than the depth limit: exitSlow parks a removed call just past the stack.
    const size = Math.min(this.frameFunc.length * 2, this.maxDepth + 1);
    if (size <= this.frameFunc.length) return false;
    this.resizeFrames(size);
    return true;
  }

  private resizeFrames(size: number): void {
    this.frameFunc = grown(this.frameFunc, size);
    this.frameStart = grown(this.frameStart, size);
    this.frameCall = grown(this.frameCall, size);
    this.frameState = grown(this.frameState, size);
    this.frameLimit = size - 1;
  }

  private growDone(): boolean {
    const size = Math.min(this.doneFunc.length * 2, this.maxBuffered);
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
}

const NO_GROWTH: number[] = [];

function grown<T extends Int32Array | Float64Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(size >= array.length ? array : array.subarray(0, size));
  return next;
}
