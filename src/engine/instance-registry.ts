/** What the registry needs of an instance's span state. */
export interface SpanHolder {
  /** True when this instance holds a span with this id open. */
  holdsOpen(spanId: string): boolean;
}

/**
 * The live instances of one host, so that one instance cannot end a span another still holds
 * open (a guest ending a span id it never started that a sibling instance has open is refused:
 * `span_id_conflict`). Asked only on that rare path; instances are held weakly, so an instance
 * nobody disposed still goes away with its guest.
 */
export class InstanceRegistry {
  private readonly live = new Set<WeakRef<SpanHolder>>();

  register(holder: SpanHolder): void {
    this.live.add(new WeakRef(holder));
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
