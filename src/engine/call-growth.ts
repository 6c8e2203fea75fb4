/**
 * Memory growth seen while light function calls are open (see FunctionCallTracker): which call
 * it happened in (by call number), when (performance.now()) and how many pages, in the order it
 * happened. Moved to the parent when a call is dropped, taken when calls are built.
 */
export class CallGrowth {
  /** Entries held. */
  count = 0;
  private owner: Float64Array = new Float64Array(INITIAL_GROWTH);
  private time: Float64Array = new Float64Array(INITIAL_GROWTH);
  private pages: Float64Array = new Float64Array(INITIAL_GROWTH);

  add(owner: number, time: number, pages: number): void {
    const g = this.count;
    if (g === this.owner.length) this.grow();
    this.owner[g] = owner;
    this.time[g] = time;
    this.pages[g] = pages;
    this.count = g + 1;
  }

  /** Growth of the calls `calls[0..count)`, by call, as [perf, pages] pairs; the rest stays. */
  takeFor(calls: Float64Array, count: number): Map<number, number[]> {
    const built = new Set<number>();
    for (let i = 0; i < count; i++) built.add(calls[i]!);
    const byCall = new Map<number, number[]>();
    let kept = 0;
    for (let g = 0; g < this.count; g++) {
      const owner = this.owner[g]!;
      if (built.has(owner)) {
        let list = byCall.get(owner);
        if (!list) byCall.set(owner, (list = []));
        list.push(this.time[g]!, this.pages[g]!);
      } else {
        this.keep(kept++, g);
      }
    }
    this.count = kept;
    return byCall;
  }

  /** All growth, by call; none stays. */
  takeAll(): Map<number, number[]> {
    const byCall = new Map<number, number[]>();
    for (let g = 0; g < this.count; g++) {
      const owner = this.owner[g]!;
      let list = byCall.get(owner);
      if (!list) byCall.set(owner, (list = []));
      list.push(this.time[g]!, this.pages[g]!);
    }
    this.count = 0;
    return byCall;
  }

  /**
   * A dropped call's growth moves to its parent call `to`, keeping the order it happened in; with
   * `to` undefined it goes to `toBase` (the span below the light calls) and leaves here. Its
   * entries are the latest ones, all recorded since it started (`since`).
   */
  move(from: number, to: number | undefined, since: number, toBase: (pages: number, time: number) => void): void {
    let first = this.count;
    while (first > 0 && this.time[first - 1]! >= since) first--;
    if (to !== undefined) {
      for (let g = first; g < this.count; g++) if (this.owner[g] === from) this.owner[g] = to;
      return;
    }
    let kept = first;
    for (let g = first; g < this.count; g++) {
      if (this.owner[g] === from) {
        toBase(this.pages[g]!, this.time[g]!);
        continue;
      }
      this.keep(kept++, g);
    }
    this.count = kept;
  }

  private keep(at: number, g: number): void {
    this.owner[at] = this.owner[g]!;
    this.time[at] = this.time[g]!;
    this.pages[at] = this.pages[g]!;
  }

  private grow(): void {
    const size = this.owner.length * 2;
    this.owner = grown(this.owner, size);
    this.time = grown(this.time, size);
    this.pages = grown(this.pages, size);
  }
}

const INITIAL_GROWTH = 64;

function grown(array: Float64Array, size: number): Float64Array {
  const next = new Float64Array(size);
  next.set(array);
  return next;
}
