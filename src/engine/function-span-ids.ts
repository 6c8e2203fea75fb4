import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

/**
 * Span ids of function calls, by call number (FunctionCallTracker numbers every call it records).
 * A call's id is asked when the call is built or handed over, and by each of its children before
 * that (they name it as parent): it must be the same string every time.
 */
export interface CallIds {
  /**
   * The ids come from a generator that may tell the order it is asked in (a user's): the tracker
   * takes them up front for each batch, in the order it always did. Otherwise only the spans
   * that are built ask for theirs.
   */
  readonly ordered: boolean;
  /** The id of call number `call`; the same each time until `release(call)`. */
  idOf(call: number): string;
  /** The call was built or handed over: its id is not asked again. */
  release(call: number): void;
  /** Nothing is buffered any more: no id handed out so far is asked again. */
  clear(): void;
}

/**
 * Ids from the provider's generator, one `generateSpanId()` per call (a user's generator is
 * honoured, and asked in the same order as always): kept by call number while children name
 * their parent before it is built.
 */
export class GeneratedCallIds implements CallIds {
  readonly ordered = true;
  private readonly ids = new Map<number, string>();

  constructor(readonly generator: IdGenerator) {}

  idOf(call: number): string {
    let id = this.ids.get(call);
    if (id === undefined) {
      id = this.generator.generateSpanId();
      this.ids.set(call, id);
    }
    return id;
  }

  release(call: number): void {
    this.ids.delete(call);
  }

  clear(): void {
    this.ids.clear();
  }
}

const ID_CACHE_SIZE = 1024; // a power of two
const HEX = Uint16Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Call numbers stay below 2^53 (Number.MAX_SAFE_INTEGER): the high half below 2^21. */
const MAX_CALL_HIGH = 2 ** 21;

/**
 * Ids derived from the call number, for a provider that uses the SDK's default RandomIdGenerator
 * (ids that only have to be random and unique): a permutation of 64-bit values, keyed with random
 * bits from crypto.getRandomValues once per tracker (a 4-round Feistel network on 32-bit halves,
 * murmur3's finalizer as round function). A permutation of distinct call numbers gives distinct
 * ids by construction, and needs no map from calls to ids: a child computes its parent's id
 * from the parent's call number. The one input that maps to the all-zero (invalid) id is kept out
 * of reach of call numbers when the key is drawn. A small cache keeps the ids asked recently (a
 * parent is asked by each child, then built itself), so most ids are encoded once.
 */
export class DerivedCallIds implements CallIds {
  readonly ordered = false;
  private readonly keys = new Int32Array(4);
  private cacheCalls: Float64Array | undefined;
  private readonly cacheIds: string[] = [];

  constructor() {
    do {
      crypto.getRandomValues(this.keys);
    } while (this.zeroInputHigh() < MAX_CALL_HIGH);
  }

  idOf(call: number): string {
    const cache = (this.cacheCalls ??= new Float64Array(ID_CACHE_SIZE).fill(-1));
    const slot = call & (ID_CACHE_SIZE - 1);
    if (cache[slot] === call) return this.cacheIds[slot]!;
    const id = this.encode(call);
    cache[slot] = call;
    this.cacheIds[slot] = id;
    return id;
  }

  release(): void {}

  clear(): void {}

  private encode(call: number): string {
    const k = this.keys;
    // (l, r) -> (r, l ^ F(r ^ key)), four times.
    let l = (call / 0x100000000) | 0;
    let r = call | 0;
    let t = l ^ mix(r ^ k[0]!);
    l = r;
    r = t;
    t = l ^ mix(r ^ k[1]!);
    l = r;
    r = t;
    t = l ^ mix(r ^ k[2]!);
    l = r;
    r = t;
    t = l ^ mix(r ^ k[3]!);
    l = r;
    r = t;
    return hex64(l, r);
  }

  /** The high half of the input that encodes to (0, 0) (running the rounds backwards). */
  private zeroInputHigh(): number {
    const k = this.keys;
    let l = 0;
    let r = 0;
    for (let i = 3; i >= 0; i--) {
      const previousR = l;
      l = r ^ mix(l ^ k[i]!);
      r = previousR;
    }
    return l >>> 0;
  }
}

/** murmur3's 32-bit finalizer: every input bit affects every output bit. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** 16 lowercase hex digits; one flat string (concatenating pieces would build a rope). */
function hex64(hi: number, lo: number): string {
  return String.fromCharCode(
    HEX[hi >>> 28]!, HEX[(hi >>> 24) & 15]!, HEX[(hi >>> 20) & 15]!, HEX[(hi >>> 16) & 15]!,
    HEX[(hi >>> 12) & 15]!, HEX[(hi >>> 8) & 15]!, HEX[(hi >>> 4) & 15]!, HEX[hi & 15]!,
    HEX[lo >>> 28]!, HEX[(lo >>> 24) & 15]!, HEX[(lo >>> 20) & 15]!, HEX[(lo >>> 16) & 15]!,
    HEX[(lo >>> 12) & 15]!, HEX[(lo >>> 8) & 15]!, HEX[(lo >>> 4) & 15]!, HEX[lo & 15]!,
  );
}

/**
 * True for the SDK's own RandomIdGenerator, untouched: its ids only promise to be random, so
 * DerivedCallIds may stand in for it. Anything else (a subclass, a replaced method, a user's
 * generator) is asked for every id. A RandomIdGenerator of another copy of the SDK (the app's CJS
 * build next to this ESM one) is recognised by its class name and its generator function's name.
 */
export function isDefaultIdGenerator(generator: IdGenerator): boolean {
  const proto: unknown = Object.getPrototypeOf(generator);
  if (proto !== RandomIdGenerator.prototype && (proto as { constructor?: { name?: unknown } } | null)?.constructor?.name !== 'RandomIdGenerator') return false;
  // The SDK assigns both as instance fields, functions named `generateId`.
  return generator.generateSpanId.name === 'generateId' && Object.getPrototypeOf(Object.getPrototypeOf(generator)) === Object.prototype;
}
