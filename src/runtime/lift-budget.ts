/** Where the glue finds the budget in the import object (see glue-transform's `lift-budget`). */
export const LIFT_BUDGET = Symbol.for('wasm-otel.lift-budget');

/** What a lift cut to stay within the budget, and how many strings were not valid UTF-8. */
export interface LiftCuts {
  /** Bytes of guest data the record pointed at. */
  bytes: number;
  stringsCut: number;
  entriesDropped: number;
  invalidUtf8: number;
}

/**
 * The byte budget of ONE record a guest passes to a telemetry import (a span, a log record, a
 * metrics batch), charged while jco's glue lifts it out of guest memory: every string by its
 * bytes, every list by its entries' size. Past the budget, strings are cut (to a character
 * boundary; strings of up to 32 bytes, such as ids, are kept whole) and list entries are not lifted
 * at all, so a guest whose many attributes all point at one large string costs the host the
 * budget, not the product. `begin()` runs at the start of each budgeted import call (in the glue);
 * the import reads `cuts()` afterwards.
 */
export class LiftBudget {
  /** Bytes left in the current record (may go below zero by the short strings always kept). */
  left = 0;
  private charged = 0;
  private stringsCut = 0;
  private entriesDropped = 0;
  private invalidUtf8 = 0;
  private cutBytes = 0;
  /** Entries not lifted, by the size of a list entry (which tells the list: 32-byte events, ...). */
  private readonly droppedBySize = new Map<number, number>();

  constructor(readonly limit: number) {}

  begin(): void {
    this.left = this.limit;
    this.charged = 0;
    this.stringsCut = 0;
    this.entriesDropped = 0;
    this.invalidUtf8 = 0;
    this.cutBytes = 0;
    if (this.droppedBySize.size > 0) this.droppedBySize.clear();
  }

  /** A string of `len` bytes: how many of them to lift. */
  string(len: number): number {
    this.charged += len;
    let keep = len;
    if (len > this.left && len > ALWAYS_KEPT) {
      keep = this.left > ALWAYS_KEPT ? this.left : ALWAYS_KEPT;
      this.stringsCut++;
      this.cutBytes += len - keep;
    }
    this.left -= keep;
    return keep;
  }

  /** A list of `len` entries of `size` bytes each: how many entries to lift. */
  list(len: number, size: number): number {
    const cost = len * size;
    this.charged += cost;
    if (cost <= this.left) {
      this.left -= cost;
      return len;
    }
    const keep = this.left > 0 ? Math.floor(this.left / size) : 0;
    this.left -= keep * size;
    this.entriesDropped += len - keep;
    this.cutBytes += (len - keep) * size;
    this.droppedBySize.set(size, (this.droppedBySize.get(size) ?? 0) + len - keep);
    return keep;
  }

  /** List entries of `size` bytes the last lift did not lift. */
  droppedEntries(size: number): number {
    return this.droppedBySize.get(size) ?? 0;
  }

  noteInvalidUtf8(): void {
    this.invalidUtf8++;
  }

  /** What the last lift cut, or undefined when it cut nothing and every string was valid UTF-8. */
  cuts(): LiftCuts | undefined {
    if (this.stringsCut === 0 && this.entriesDropped === 0 && this.invalidUtf8 === 0) return undefined;
    return { bytes: this.charged, stringsCut: this.stringsCut, entriesDropped: this.entriesDropped, invalidUtf8: this.invalidUtf8 };
  }
}

/** Strings this short are always lifted whole (ids are 16 and 32 bytes). */
export const ALWAYS_KEPT = 32;
