// An in-memory stand-in for Spin's key-value store (`fermyon:spin/key-value@2.0.0`), so that a
// Spin component runs under `wasm-otel serve` / `wasm-otel run` without Spin:
//
//   wasm-otel serve app.wasm --imports ./examples/spin-key-value.mjs
//
// The default export maps unversioned interface names to their implementations, as jco's
// generated code takes them. Stores live as long as the thread that loaded the module (every
// instance on it sees the same data; `wasm-otel serve` loads it once per serving thread, so use
// `--threads 1` for one store across all requests); the labels a guest may open are `default` and those in SPIN_KV_STORES (comma-
// separated). Errors are the WIT's `error` variant, thrown as jco expects of a `result`.

const allowed = new Set(['default', ...(process.env.SPIN_KV_STORES ?? '').split(',').map((label) => label.trim()).filter(Boolean)]);
const stores = new Map();

class Store {
  #data;

  static open(label) {
    if (!allowed.has(label)) throw { tag: 'no-such-store' };
    if (!stores.has(label)) stores.set(label, new Map());
    const store = new Store();
    store.#data = stores.get(label);
    return store;
  }

  get(key) {
    const value = this.#data.get(key);
    return value === undefined ? undefined : value.slice();
  }

  set(key, value) {
    this.#data.set(key, value.slice());
  }

  delete(key) {
    this.#data.delete(key);
  }

  exists(key) {
    return this.#data.has(key);
  }

  getKeys() {
    return [...this.#data.keys()];
  }
}

export default {
  'fermyon:spin/key-value': { Store },
};
