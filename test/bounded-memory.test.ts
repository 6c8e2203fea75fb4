/**
 * The engine's bounded id memory (recently ended span ids, sampler decisions, host traces): at
 * most `max` keys, the oldest first out, against a plain model over random operations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMap, BoundedSet } from '../src/engine/bounded-memory.js';

type Op = { op: 'set'; key: number; value: number } | { op: 'delete'; key: number } | { op: 'get'; key: number };

/**
 * The model: a key is held from the set that added it until it is deleted or `max` more keys have
 * been added after it (setting a held key again changes its value only; a deleted key's place is
 * not given to another key early).
 */
function model(max: number) {
  const values = new Map<number, number>();
  const added: number[] = []; // every addition, in order
  const addedAt = new Map<number, number>();
  return {
    set(key: number, value: number) {
      if (values.has(key)) {
        values.set(key, value);
        return;
      }
      if (max === 0) return;
      added.push(key);
      addedAt.set(key, added.length - 1);
      values.set(key, value);
      const gone = added.length - 1 - max;
      if (gone >= 0) {
        const old = added[gone]!;
        if (addedAt.get(old) === gone) {
          values.delete(old);
          addedAt.delete(old);
        }
      }
    },
    delete(key: number) {
      addedAt.delete(key);
      return values.delete(key);
    },
    get: (key: number) => values.get(key),
    has: (key: number) => values.has(key),
    get size() {
      return values.size;
    },
  };
}

describe('BoundedMap', () => {
  it('holds at most max keys, each until max newer keys came or it was deleted, over random operations', () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 12 }), value: fc.integer() }),
      fc.record({ op: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ op: fc.constant('get' as const), key: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(op, { maxLength: 80 }), (max, ops) => {
        const bounded = new BoundedMap<number, number>(max);
        const expected = model(max);
        for (const o of ops) {
          if (o.op === 'set') {
            bounded.set(o.key, o.value);
            expected.set(o.key, o.value);
          } else if (o.op === 'delete') {
            expect(bounded.delete(o.key)).toBe(expected.delete(o.key));
          } else {
            expect(bounded.get(o.key)).toBe(expected.get(o.key));
          }
          expect(bounded.size).toBe(expected.size);
          for (let key = 0; key <= 12; key++) expect(bounded.has(key)).toBe(expected.has(key));
        }
      }),
      { numRuns: 2000, seed: 20261202 },
    );
  });

  it('takes any max: Infinity and fractions do not throw; 0 remembers nothing', () => {
    for (const max of [Infinity, 1.5, 2 ** 32, 0]) {
      const set = new BoundedSet<string>(max);
      set.add('a').add('b');
      expect(set.size).toBe(max === 0 ? 0 : max === 1.5 ? 1 : 2);
    }
  });
});
