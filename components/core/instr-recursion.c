/*
 * instr-recursion: plain WASI command (`_start`; imports only
 * wasi_snapshot_preview1, no dylibso:observe), one of the programs of the
 * correctness suite for an instrumenting compiler (a rewrite that calls
 * enter(IDX) / exit(IDX) around every defined function). Built by
 * components/build.mjs (kind c-module, clang 14 -O2).
 *
 * Deep and mutual recursion that survives -O2: every function is noinline,
 * the inputs are volatile globals (no constant folding), and each recursive
 * function updates a depth tracker after its recursive calls, which keeps
 * LLVM's tail-recursion elimination from turning it into a loop. So every
 * call counted below is a real wasm `call` (the comparators: a
 * `call_indirect`): an instrumented build must run exactly that many
 * enter/exit pairs for the function, and print the same bytes.
 *
 * Run: `_start`, no arguments needed (arguments and environment are ignored;
 * no clock, no random). Exit code 0. stdout, exactly these 8 lines:
 *   fib(20) = 6765 calls 21891 depth 20
 *   ack(2,3) = 9 calls 44 depth 10
 *   is_even(777) = 0 is_odd(777) = 1 calls 778+778 depth 778
 *   deep(300) = 3871189713 calls 301 depth 301
 *   tree(10) nodes 1023 sum 1504638928 freed 1023 calls 2047/2047/2047 depth 11
 *   data 4013ec57
 *   sort desc first 498 last -499 data 5a45dc67 calls 173 cmp 2095 depth 15
 *   sort asc first -499 last 498 data 4298680f calls 133 cmp 1433 depth 8
 *
 * "calls" = invocations of the function(s) of that line, "depth" = most of
 * their frames live at once (main's frame not counted).
 *   fib      memo-free fib(20).
 *   ack      Ackermann(2,3); all three `ack` call sites stay calls.
 *   is_even  mutual recursion: is_even(777), then is_odd(777); "778+778" =
 *            is_even + is_odd invocations over both, depth = frames of both.
 *   deep     deep(300, 1): a 16-byte volatile array per frame, so each level
 *            moves the shadow stack (__stack_pointer).
 *   tree     complete binary tree of depth 10 from malloc (values 0..1022
 *            in preorder), sum = value + 2 * left + 3 * right, then freed;
 *            calls of build / tree_sum / tree_free count the NULL children.
 *   data     FNV-1a (32 bit, hex) of the global int g_data[200] after an LCG
 *            fill (values -500..499).
 *   sort     g_data sorted in place by a recursive quicksort that calls its
 *            comparator through a function pointer (cmp_desc, then cmp_asc):
 *            first/last element, FNV-1a of g_data after the sort, quicksort
 *            calls, comparator calls (call_indirect), quicksort depth.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NOINLINE __attribute__((noinline))
#define N_DATA 200

/* Inputs are volatile so clang cannot constant-fold the results. */
static volatile int v_fib_n = 20;
static volatile int v_ack_m = 2, v_ack_n = 3;
static volatile unsigned v_parity_n = 777;
static volatile int v_deep_n = 300;
static volatile int v_tree_depth = 10;
static volatile int v_order[2] = {1, 0}; /* descending first, then ascending */

int g_data[N_DATA];

/* Call counters (one per function) and a recursion-depth tracker. The
 * depth_up() after each recursive call also keeps LLVM's tail-recursion
 * elimination from turning the recursion into a loop, so every logical call
 * is a real wasm `call`. */
static unsigned n_fib, n_ack, n_even, n_odd, n_deep, n_build, n_sum, n_free, n_qsort, n_cmp;
static unsigned depth_now, depth_max;
static inline void depth_down(void) {
  if (++depth_now > depth_max) depth_max = depth_now;
}
static inline void depth_up(void) { depth_now--; }
static void depth_reset(void) { depth_now = depth_max = 0; }

NOINLINE static int fib(int n) {
  n_fib++;
  depth_down();
  int r = n < 2 ? n : fib(n - 1) + fib(n - 2);
  depth_up();
  return r;
}

NOINLINE static int ack(int m, int n) {
  n_ack++;
  depth_down();
  int r;
  if (m == 0) r = n + 1;
  else if (n == 0) r = ack(m - 1, 1);
  else r = ack(m - 1, ack(m, n - 1));
  depth_up();
  return r;
}

NOINLINE static int is_odd(unsigned n);
NOINLINE static int is_even(unsigned n) {
  n_even++;
  depth_down();
  int r = n == 0 ? 1 : is_odd(n - 1);
  depth_up();
  return r;
}
NOINLINE static int is_odd(unsigned n) {
  n_odd++;
  depth_down();
  int r = n == 0 ? 0 : is_even(n - 1);
  depth_up();
  return r;
}

/* Deep recursion with a frame on the shadow stack (__stack_pointer). */
NOINLINE static uint32_t deep(int n, uint32_t acc) {
  volatile unsigned char buf[16];
  n_deep++;
  for (int i = 0; i < 16; i++) buf[i] = (unsigned char)(n * 7 + i);
  depth_down();
  uint32_t r = n == 0 ? acc : deep(n - 1, acc * 31u + buf[n % 16]) ^ buf[0];
  depth_up();
  return r;
}

struct node {
  int value;
  struct node *left, *right;
};

NOINLINE static struct node *build(int depth, int *next) {
  n_build++;
  depth_down();
  struct node *t = NULL;
  if (depth > 0) {
    if (!(t = malloc(sizeof *t))) {
      puts("malloc failed");
      exit(1);
    }
    t->value = (*next)++;
    t->left = build(depth - 1, next);
    t->right = build(depth - 1, next);
  }
  depth_up();
  return t;
}

NOINLINE static long long tree_sum(const struct node *t) {
  n_sum++;
  depth_down();
  long long s = t ? t->value + 2 * tree_sum(t->left) + 3 * tree_sum(t->right) : 0;
  depth_up();
  return s;
}

NOINLINE static int tree_free(struct node *t) {
  n_free++;
  depth_down();
  int k = 0;
  if (t) {
    k = 1 + tree_free(t->left) + tree_free(t->right);
    free(t);
  }
  depth_up();
  return k;
}

typedef int (*cmp_fn)(int, int);
NOINLINE static int cmp_asc(int a, int b) {
  n_cmp++;
  return (a > b) - (a < b);
}
NOINLINE static int cmp_desc(int a, int b) {
  n_cmp++;
  return (a < b) - (a > b);
}
static cmp_fn const comparators[2] = {cmp_asc, cmp_desc};

/* Recursive quicksort; the comparator is called through a pointer. */
NOINLINE static void quicksort(int *a, int lo, int hi, cmp_fn cmp) {
  n_qsort++;
  depth_down();
  int i = lo, j = hi;
  if (lo < hi) {
    int p = a[lo + (hi - lo) / 2];
    while (i <= j) {
      while (cmp(a[i], p) < 0) i++;
      while (cmp(a[j], p) > 0) j--;
      if (i <= j) {
        int t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (lo < j) quicksort(a, lo, j, cmp);
    if (i < hi) quicksort(a, i, hi, cmp);
  }
  depth_up();
}

static uint32_t checksum(const int *a, int n) {
  uint32_t h = 2166136261u;
  for (int i = 0; i < n; i++) h = (h ^ (uint32_t)a[i]) * 16777619u;
  return h;
}

int main(void) {
  depth_reset();
  int f = fib(v_fib_n);
  printf("fib(20) = %d calls %u depth %u\n", f, n_fib, depth_max);

  depth_reset();
  int a = ack(v_ack_m, v_ack_n);
  printf("ack(2,3) = %d calls %u depth %u\n", a, n_ack, depth_max);

  depth_reset();
  int e = is_even(v_parity_n), o = is_odd(v_parity_n);
  printf("is_even(777) = %d is_odd(777) = %d calls %u+%u depth %u\n", e, o, n_even, n_odd, depth_max);

  depth_reset();
  uint32_t d = deep(v_deep_n, 1);
  printf("deep(300) = %u calls %u depth %u\n", (unsigned)d, n_deep, depth_max);

  depth_reset();
  int next = 0;
  struct node *t = build(v_tree_depth, &next);
  long long s = tree_sum(t);
  int freed = tree_free(t);
  printf("tree(10) nodes %d sum %lld freed %d calls %u/%u/%u depth %u\n", next, s, freed, n_build,
         n_sum, n_free, depth_max);

  uint32_t x = 12345u;
  for (int i = 0; i < N_DATA; i++) {
    x = x * 1103515245u + 12345u;
    g_data[i] = (int)((x >> 16) % 1000u) - 500;
  }
  printf("data %08x\n", (unsigned)checksum(g_data, N_DATA));
  for (int k = 0; k < 2; k++) {
    depth_reset();
    n_qsort = n_cmp = 0;
    int desc = v_order[k];
    quicksort(g_data, 0, N_DATA - 1, comparators[desc]);
    printf("sort %s first %d last %d data %08x calls %u cmp %u depth %u\n", desc ? "desc" : "asc",
           g_data[0], g_data[N_DATA - 1], (unsigned)checksum(g_data, N_DATA), n_qsort, n_cmp,
           depth_max);
  }
  return 0;
}
