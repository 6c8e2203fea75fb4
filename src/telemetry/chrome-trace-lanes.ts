/**
 * Which process and thread of a Chrome trace a span is drawn on. Perfetto and chrome://tracing
 * draw the complete events of one thread as a strict stack, so spans that overlap without one
 * containing the other (a child that outlives its parent, requests at once on one trace) must be
 * on different threads: each trace (a process, pid 1, 2, ... in first-seen order) has lanes
 * (threads, tid 1, 2, ...), and a span goes to the first lane where it nests or stands apart.
 *
 * Streaming: no span is kept. A lane keeps only its top-level intervals so far (those no later
 * span contained), at most LANE_MEMORY of them; older ones are folded into one forgotten block,
 * which a new span must contain or come after. Spans arrive as they end, so a parent comes after
 * its children and contains them, and a lane's intervals stay few. Where a lane cannot tell (a
 * span inside one whose insides it no longer knows, one that arrives before its children) the
 * span goes to another lane: never a wrong stack, at worst one lane more.
 */

/** Top-level intervals a lane remembers before folding the oldest into its forgotten block. */
const LANE_MEMORY = 1024;
/** Lanes per trace at most; past it, spans share the last lane (a viewer may then draw them oddly). */
export const MAX_LANES_PER_TRACE = 256;
/**
 * Traces remembered at once; past it, the one least recently given a span is forgotten (it gets a
 * new pid if it comes back), so that a long-lived trace in `serve` keeps its pid however many
 * short ones come and go around it.
 */
export const MAX_TRACES = 4096;

/** The intervals (microseconds, as the file's reader holds them) one thread of a trace holds. */
class Lane {
  /** Top-level intervals, sorted and disjoint (one may end where the next starts). */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** The span of the intervals folded away (all before starts[0]), if any. */
  private forgottenStart = Number.NaN;
  private forgottenEnd = Number.NaN;

  /** Takes [start, end] if it nests in or stands apart from what the lane holds; false if not. */
  take(start: number, end: number): boolean {
    const { starts, ends } = this;
    const n = starts.length;
    // The usual case: after everything (a sibling) or containing the last few (their parent).
    let lo = n;
    while (lo > 0 && ends[lo - 1]! > start) lo--;
    // Entries lo.. overlap or come after; those that start at or after `end` stand apart.
    let hi = lo;
    while (hi < n && starts[hi]! < end) hi++;
    for (let i = lo; i < hi; i++) if (starts[i]! < start || ends[i]! > end) return false;
    if (!Number.isNaN(this.forgottenStart) && this.forgottenEnd > start) {
      if (this.forgottenStart < start || this.forgottenEnd > end) return false;
      // It contains everything that was forgotten: the forgotten block is inside it now.
      this.forgottenStart = Number.NaN;
      this.forgottenEnd = Number.NaN;
    }
    starts.splice(lo, hi - lo, start);
    ends.splice(lo, hi - lo, end);
    if (starts.length > LANE_MEMORY) this.forgetOldest(LANE_MEMORY / 2);
    return true;
  }

  private forgetOldest(count: number): void {
    const start = this.starts[0]!;
    const end = this.ends[count - 1]!;
    this.forgottenStart = Number.isNaN(this.forgottenStart) ? start : Math.min(this.forgottenStart, start);
    this.forgottenEnd = Number.isNaN(this.forgottenEnd) ? end : Math.max(this.forgottenEnd, end);
    this.starts.splice(0, count);
    this.ends.splice(0, count);
  }
}

/** The lanes of one trace. */
interface TraceLanes {
  pid: number;
  lanes: Lane[];
}

/** Where a span goes, and the metadata events to write first for a process or thread seen first. */
export interface LanePlacement {
  pid: number;
  tid: number;
  /** The trace was seen first: write its process_name. */
  newProcess: boolean;
  /** The lane is new: write its thread_name. */
  newThread: boolean;
}

export class ChromeTraceLanes {
  private readonly traces = new Map<string, TraceLanes>();
  private nextPid = 1;

  /** Places a span of trace `traceId` that ran over [start, end] (any unit, one time line). */
  place(traceId: string, start: number, end: number): LanePlacement {
    let trace = this.traces.get(traceId);
    const newProcess = trace === undefined;
    if (trace === undefined) {
      // A Map iterates in insertion order, and every use re-inserts: the first key is the least recently used.
      if (this.traces.size >= MAX_TRACES) this.traces.delete(this.traces.keys().next().value!);
      trace = { pid: this.nextPid++, lanes: [] };
    } else this.traces.delete(traceId);
    this.traces.set(traceId, trace);
    const { lanes } = trace;
    for (let i = 0; i < lanes.length; i++) {
      if (lanes[i]!.take(start, end)) return { pid: trace.pid, tid: i + 1, newProcess, newThread: false };
    }
    if (lanes.length >= MAX_LANES_PER_TRACE) return { pid: trace.pid, tid: lanes.length, newProcess, newThread: false };
    const lane = new Lane();
    lane.take(start, end);
    lanes.push(lane);
    return { pid: trace.pid, tid: lanes.length, newProcess, newThread: true };
  }
}
