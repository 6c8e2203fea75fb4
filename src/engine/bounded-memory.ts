/**
 * A Map that keeps at most `max` keys: a key stays until it is deleted or `max` newer keys have
 * been added after it (setting a held key again changes its value, not its place; the place of a
 * deleted key is not given to another early, so after deletes it holds fewer). O(1) per operation: a ring
 * of the keys in the order they came, and per key its ring slot (a slot whose key was deleted is
 * skipped when the ring comes round). A plain Map that deletes its first key on every insertion
 * costs V8 a walk over the deleted entries before it, which made it the host's hottest line per
 * span. The ring grows as keys come, up to `max` (at most 2^24 slots: `Infinity` is allowed).
 */
export class BoundedMap<K, V> {
  /** Per key, the ring slot of its latest set; the value sits in that slot. */
  private readonly slotOf = new Map<K, number>();
  private readonly keys: (K | undefined)[];
  private readonly values: (V | undefined)[];
  private next = 0;

  private readonly capacity: number;

  constructor(max: number) {
    this.capacity = Number.isFinite(max) ? Math.max(0, Math.min(Math.floor(max), MAX_SLOTS)) : MAX_SLOTS;
    this.keys = [];
    this.values = [];
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(key: K): boolean {
    return this.slotOf.has(key);
  }

  get(key: K): V | undefined {
    const slot = this.slotOf.get(key);
    return slot === undefined ? undefined : this.values[slot];
  }

  set(key: K, value: V): this {
    const held = this.slotOf.get(key);
    if (held !== undefined) {
      this.values[held] = value;
      return this;
    }
    if (this.capacity === 0) return this;
    const slot = this.next;
    if (slot === this.keys.length) {
      this.keys.push(key);
      this.values.push(value);
    } else {
      const evicted = this.keys[slot];
      if (evicted !== undefined && this.slotOf.get(evicted) === slot) this.slotOf.delete(evicted);
      this.keys[slot] = key;
      this.values[slot] = value;
    }
    this.slotOf.set(key, slot);
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    return this;
  }

  delete(key: K): boolean {
    return this.slotOf.delete(key);
  }

  clear(): void {
    this.slotOf.clear();
    this.keys.length = 0;
    this.values.length = 0;
    this.next = 0;
  }
}

/** The largest ring a BoundedMap makes. */
const MAX_SLOTS = 2 ** 24;

/** A set of at most `max` keys, the oldest first out (see BoundedMap). */
export class BoundedSet<K> {
  private readonly map: BoundedMap<K, true>;

  constructor(max: number) {
    this.map = new BoundedMap(max);
  }

  get size(): number {
    return this.map.size;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  add(key: K): this {
    this.map.set(key, true);
    return this;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
