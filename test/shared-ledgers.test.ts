import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../src/index.js';
import { SharedLedgers } from '../src/telemetry/transfer/shared-ledgers.js';

/*
 * The serving threads share one set of exporters: each settled export is credited to the
 * threads' intakes by what each has on its way, so that together they get exactly what settled.
 */
describe('SharedLedgers', () => {
  it('splits each settled export over the intakes with items on their way, oldest first; all hear of failures', () => {
    const traces = new DeliveryLedger('traces', 'http://127.0.0.1:4318/v1/traces');
    const shared = new SharedLedgers([traces]);
    const outstanding = { a: 3, b: 5 };
    const heard: Record<'a' | 'b', [number, boolean][]> = { a: [], b: [] };
    for (const name of ['a', 'b'] as const) {
      const { feeds } = shared.feeds((stream) => (stream === 'spans' ? outstanding[name] : 0));
      expect(feeds.map((feed) => feed.signal)).toEqual(['traces']);
      feeds[0]!.subscribe((count, delivered) => {
        heard[name].push([count, delivered]);
        outstanding[name] -= count;
      });
    }
    traces.noteDelivered(6);
    expect(heard).toEqual({ a: [[3, true]], b: [[3, true]] });
    traces.noteFailed(2, 'ECONNREFUSED');
    expect(heard).toEqual({ a: [[3, true], [0, false]], b: [[3, true], [2, false]] });
    // More settled than anyone has on its way (items of no intake): nobody is credited for them.
    traces.noteDelivered(4);
    expect(heard.a.at(-1)).toEqual([0, true]);
    expect(heard.b.at(-1)).toEqual([0, true]);
    shared.close();
    traces.noteDelivered(1);
    expect(heard.a).toHaveLength(3);
  });
});
