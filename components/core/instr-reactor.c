/*
 * instr-reactor: WASI reactor (-mexec-model=reactor: `_initialize`, no
 * `_start`), one of the programs of the correctness suite for an
 * instrumenting compiler (enter(IDX) / exit(IDX) around every defined
 * function). Built by components/build.mjs (kind c-module, clang 14 -O2).
 * No dylibso:observe imports; in fact no imports at all (nothing here needs
 * WASI), exports `memory`, `_initialize` and the five functions below.
 *
 * `seed` is 0 in the data segment and set to 0x2545F491 by a constructor,
 * which only `_initialize` (-> __wasm_call_ctors -> init_seed) runs. The
 * table is a xorshift32 sequence from `seed`, values 0..999.
 *
 * Exports (all i32 unless noted), after `wasi.initialize(instance)` on a
 * fresh instance, in this order:
 *   sum_range(0, 100)     -> -1 (no table yet; so is sort_table() -> -1)
 *   table_ptr()           -> 0
 *   init_table(100000)    -> 1123439426  (FNV-1a of the table; mallocs
 *                            400,000 bytes: memory grows from 2 to 8 pages)
 *   table_ptr()           -> 67104; Int32Array(memory.buffer, 67104, 5) =
 *                            546, 435, 196, 286, 47
 *   sum_range(0, 100)     -> 53836   (table[0..100), recursive
 *                            divide-and-conquer dc_sum)
 *   sum_range(0, 100000)  -> 50020823
 *   sum_range(5, 5)       -> 0; sum_range(0, 100001), sum_range(-1, 3) -> -1
 *   sort_table()          -> -2142819588 (qsort with a comparator, i.e.
 *                            call_indirect from libc; FNV-1a after the sort;
 *                            table[0] = 0, table[99999] = 999)
 *   sum_range(0, 100)     -> 2 after the sort (still 50020823 for 0..100000)
 *   multi(7)     -> i64 923678194026      (BigInt in JS)
 *   multi(0)     -> i64 1702398592222
 *   multi(-1)    -> i64 4259477022408
 *   multi(2147483647) -> i64 4611689469028002396
 *   init_table(100000) again -> 1123439426, table_ptr() again 67104
 *   init_table(0) -> -1 (table freed, table_ptr() -> 0)
 * multi(x) does not touch the table: the same value whenever it is called.
 *
 * Without `_initialize` (seed 0): init_table(100000) -> -241060283 (an
 * all-zero table), sum_range(0, 100) -> 0, sort_table() -> -241060283,
 * multi(7) -> -83446182373, multi(0) -> 0; table_ptr() still 67104.
 */
#include <stdint.h>
#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name(name)))

static int *table;
static int table_len;
/* 0 in the data segment; set by the constructor, i.e. only by _initialize.
 * The constructor reads a volatile: a constant store would be evaluated at
 * compile time by LLVM's GlobalOpt (the value lands in the data segment and
 * __wasm_call_ctors is left empty). */
static uint32_t seed;
static volatile uint32_t seed_source = 0x2545F491u;

__attribute__((constructor)) static void init_seed(void) { seed = seed_source; }

static uint32_t checksum(void) {
  uint32_t h = 2166136261u;
  for (int i = 0; i < table_len; i++) h = (h ^ (uint32_t)table[i]) * 16777619u;
  return h;
}

EXPORT("init_table") int init_table(int n) {
  free(table);
  table = NULL;
  table_len = 0;
  if (n <= 0) return -1;
  table = malloc((size_t)n * sizeof *table);
  if (!table) return -1;
  table_len = n;
  uint32_t x = seed;
  for (int i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    table[i] = (int)(x % 1000u);
  }
  return (int)checksum();
}

/* Recursive divide and conquer sum of table[lo, hi). */
__attribute__((noinline)) static int64_t dc_sum(const int *t, int lo, int hi) {
  if (hi - lo <= 4) {
    int64_t s = 0;
    for (int i = lo; i < hi; i++) s += t[i];
    return s;
  }
  int mid = lo + (hi - lo) / 2;
  return dc_sum(t, lo, mid) + dc_sum(t, mid, hi);
}

EXPORT("sum_range") int sum_range(int a, int b) {
  if (!table || a < 0 || b > table_len || a > b) return -1;
  return (int)dc_sum(table, a, b);
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

EXPORT("sort_table") int sort_table(void) {
  if (!table) return -1;
  qsort(table, (size_t)table_len, sizeof *table, cmp_int);
  return (int)checksum();
}

EXPORT("multi") int64_t multi(int x) {
  uint64_t v = (uint64_t)(int64_t)x * 0x9E3779B97F4A7C15ull + seed;
  v ^= v >> 29;
  v *= 0xBF58476D1CE4E5B9ull;
  v = (v << 17) | (v >> 47);
  uint64_t cube = (uint64_t)(int64_t)x * (uint64_t)(int64_t)x * (uint64_t)(int64_t)x;
  return (int64_t)((uint64_t)((int64_t)v / 1000003) + cube); /* wraps, no UB */
}

EXPORT("table_ptr") int table_ptr(void) { return (int)(uintptr_t)table; }
