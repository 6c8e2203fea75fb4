/**
 * A Map that keeps at most `max` keys: setting a key makes it the newest, and past `max` the
 * oldest one goes. O(1) per operation: a ring of the keys in the order they were set, and per key
 * the ring slot of its latest set (a slot whose key was set again later, or deleted, is skipped
 * when the ring comes round). (A plain Map that deletes its first key on every insertion costs
 * V8 a walk over the deleted entries before it, which made it the host's hottest line per span.)
 */
export class BoundedMap<K, V> {
  /** Per key, the ring slot of its latest set; the value sits in that slot. */
  private readonly slotOf = new Map<K, number>();
  private readonly keys: (K | undefined)[];
  private readonly values: (V | undefined)[];
  private next = 0;

  constructor(readonly max: number) {
    this.keys = new Array<K | undefined>(Math.max(1, max));
    this.values = new Array<V | undefined>(Math.max(1, max));
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
    const slot = this.next;
    const evicted = this.keys[slot];
    if (evicted !== undefined && this.slotOf.get(evicted) === slot) this.slotOf.delete(evicted);
    this.keys[slot] = key;
    this.values[slot] = value;
    this.slotOf.set(key, slot);
    this.next = slot + 1 === this.keys.length ? 0 : slot + 1;
    return this;
  }

  delete(key: K): boolean {
    return this.slotOf.delete(key);
  }

  clear(): void {
    this.slotOf.clear();
    this.keys.fill(undefined);
    this.values.fill(undefined);
    this.next = 0;
  }
}

/** A set of at most `max` keys; adding one makes it the newest, past `max` the oldest goes. */
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
