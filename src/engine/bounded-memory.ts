/**
 * Remembers `key` in a Set or Map kept to at most `max` entries: the oldest entry goes first.
 * (Sets and Maps iterate in insertion order.) For a Map, `value` is stored under the key.
 */
export function rememberBounded<K>(store: Set<K>, key: K, max: number): void;
export function rememberBounded<K, V>(store: Map<K, V>, key: K, max: number, value: V): void;
export function rememberBounded<K, V>(store: Set<K> | Map<K, V>, key: K, max: number, value?: V): void {
  if (store instanceof Map) store.set(key, value as V);
  else store.add(key);
  while (store.size > max) {
    const oldest = store.keys().next().value;
    if (oldest === undefined) break;
    store.delete(oldest);
  }
}
