import type { CallIds } from './function-span-ids.js';

/** Base of the light stack (the current engine span) as a parent call number. */
export const BASE = -1;

/** The finished calls of one batch, children before parents (read them while the sink builds). */
export interface FinishedCalls {
  readonly count: number;
  /** Per call: function index, performance.now() at enter and at exit. */
  readonly func: Int32Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  spanId(i: number): string;
  /** Span id of the parent call; undefined: the base (the span current below the light calls). */
  parentSpanId(i: number): string | undefined;
  /** Memory growth inside the call (its own and that of dropped children): [perf, pages] pairs. */
  memoryGrowth(i: number): readonly number[];
}

/** The tracker's buffer of completed calls, one array per field (see FunctionCallTracker). */
export interface DoneCalls {
  func: Int32Array;
  call: Float64Array;
  /** Call number of the parent, or BASE. */
  parent: Float64Array;
  start: Float64Array;
  end: Float64Array;
}

const EMPTY_INT = new Int32Array(0);
const EMPTY_FLOAT = new Float64Array(0);
const NO_GROWTH: readonly number[] = [];

/**
 * The tracker's view of one batch for the sink (one object, reused: no object per call until a
 * span is built). Ids from a generator are taken up front, in the order they always were (each
 * call, then its parent unless named already); derived ids are computed only for the spans the
 * sink builds (a trace that is not sampled needs none).
 */
export class CallBatch implements FinishedCalls {
  count = 0;
  func: Int32Array = EMPTY_INT;
  start: Float64Array = EMPTY_FLOAT;
  end: Float64Array = EMPTY_FLOAT;
  private call: Float64Array = EMPTY_FLOAT;
  private parent: Float64Array = EMPTY_FLOAT;
  private growthByCall: Map<number, number[]> | undefined;
  private ids: CallIds | undefined;
  private ordered = false;
  private readonly spanIds: string[] = [];
  private readonly parentIds: (string | undefined)[] = [];

  /** The first `count` calls of `done` make the batch. */
  take(done: DoneCalls, count: number, ids: CallIds, growthByCall: Map<number, number[]> | undefined): void {
    this.count = count;
    this.func = done.func;
    this.call = done.call;
    this.parent = done.parent;
    this.start = done.start;
    this.end = done.end;
    this.growthByCall = growthByCall;
    this.ids = ids;
    this.ordered = ids.ordered;
    if (!this.ordered) return;
    for (let i = 0; i < count; i++) {
      const call = this.call[i]!;
      this.spanIds[i] = ids.idOf(call);
      ids.release(call);
      const parent = this.parent[i]!;
      this.parentIds[i] = parent === BASE ? undefined : ids.idOf(parent);
    }
  }

  spanId(i: number): string {
    return this.ordered ? this.spanIds[i]! : this.ids!.idOf(this.call[i]!);
  }

  parentSpanId(i: number): string | undefined {
    if (this.ordered) return this.parentIds[i];
    const parent = this.parent[i]!;
    return parent === BASE ? undefined : this.ids!.idOf(parent);
  }

  memoryGrowth(i: number): readonly number[] {
    return this.growthByCall?.get(this.call[i]!) ?? NO_GROWTH;
  }

  /** Lets go of the batch (the tracker reuses its arrays for the next one). */
  clear(): void {
    this.count = 0;
    this.func = EMPTY_INT;
    this.call = this.parent = this.start = this.end = EMPTY_FLOAT;
    this.growthByCall = undefined;
    this.ids = undefined;
    this.spanIds.length = 0;
    this.parentIds.length = 0;
  }
}
