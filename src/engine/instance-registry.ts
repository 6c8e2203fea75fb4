/** What the registry needs of an instance's span state. */
export interface SpanHolder {
  /** True when this instance holds a span with this id open. */
  holdsOpen(spanId: string): boolean;
}

/** Registrations between two sweeps of instances that went away without being released. */
const SWEEP_EVERY = 256;

/**
 * The live instances of one host, so that one instance cannot end a span another still holds
 * open (a guest ending a span id it never started that a sibling instance has open is refused:
 * `span_id_conflict`). Asked only on that rare path. Instances leave when they are disposed
 * (`release`); those nobody disposed are held weakly and swept out now and then.
 */
export class InstanceRegistry {
  private readonly live = new Set<WeakRef<SpanHolder>>();
  private readonly refs = new WeakMap<SpanHolder, WeakRef<SpanHolder>>();
  private sinceSweep = 0;

  register(holder: SpanHolder): void {
    const ref = new WeakRef(holder);
    this.refs.set(holder, ref);
    this.live.add(ref);
    if (++this.sinceSweep >= SWEEP_EVERY) {
      this.sinceSweep = 0;
      for (const entry of this.live) if (entry.deref() === undefined) this.live.delete(entry);
    }
  }

  release(holder: SpanHolder): void {
    const ref = this.refs.get(holder);
    if (ref === undefined) return;
    this.live.delete(ref);
    this.refs.delete(holder);
  }

  get size(): number {
    return this.live.size;
  }

  /** True when an instance other than `asking` holds `spanId` open. */
  heldElsewhere(spanId: string, asking: SpanHolder): boolean {
    for (const ref of this.live) {
      const holder = ref.deref();
      if (holder === undefined) {
        this.live.delete(ref);
        continue;
      }
      if (holder !== asking && holder.holdsOpen(spanId)) return true;
    }
    return false;
  }
}
