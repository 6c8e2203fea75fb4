/*
 * instr-errors: plain WASI command (`_start`; imports only
 * wasi_snapshot_preview1, no dylibso:observe), one of the programs of the
 * correctness suite for an instrumenting compiler (enter(IDX) / exit(IDX)
 * around every defined function). Built by components/build.mjs (kind
 * c-module, clang 14 -O2).
 *
 * Error paths without setjmp: a recursive-descent evaluator of int32
 * (wasm32 `long`) expressions (+ - * / %, unary -, parentheses) over the 20
 * strings in inputs[]. Errors travel back as codes through parse_number /
 * parse_factor / parse_term / parse_expr / evaluate, with early returns from
 * inside loops and switch statements (many `return`s and `br`s out of
 * nested blocks). Uses strtol, snprintf, qsort (comparators: call_indirect
 * from libc), printf, puts, strcmp.
 *
 * Error codes: 1 division by zero, 2 unexpected token, 3 unbalanced
 * parenthesis, 4 int32 overflow (strtol ERANGE, + - *, negation, INT_MIN / -1),
 * 5 unexpected end of input, 6 parentheses nested deeper than 16. <pos> is the
 * 0-based offset of the offending character or operator.
 *
 * Run: `_start`, no arguments. stdout, exactly these 23 lines (the input
 * after `<-` is not printed), then exit code 3 (main returns 3):
 *   ok 7                <- "1 + 2 * 3"
 *   ok 9                <- "(1 + 2) * 3"
 *   ok 42               <- "  42  "
 *   ok 3                <- "-(4 - 10) / 2"
 *   ok -2               <- "100 % 7 * (2 + -3)"
 *   ok 2147483647       <- "2147483647"
 *   ok -2147483648      <- "-2147483647 - 1"
 *   ok 5                <- "((((2))) * (((3)))) - (((((1)))))"
 *   error 4 at 11       <- "2147483647 + 1"
 *   error 4 at 0        <- "99999999999"
 *   error 4 at 0        <- "-(-2147483647 - 1)"
 *   error 4 at 6        <- "65536 * 65536"
 *   error 1 at 3        <- "10 / (5 - 5)"
 *   error 1 at 2        <- "7 % 0"
 *   error 2 at 4        <- "1 + * 2"
 *   error 3 at 8        <- "((1 + 2)"
 *   error 3 at 5        <- "1 + 2)"
 *   error 5 at 0        <- ""
 *   error 2 at 2        <- "3 $ 4"
 *   error 6 at 16       <- 19 x "(", "1", 19 x ")"
 *   sorted values: -2147483648 -2 3 5 7 9 42 2147483647
 *   sorted codes: 1 1 2 2 3 3 4 4 4 4 5 6
 *   8 ok, 12 errors
 *
 * With argv[1] == "trap" (args [name, "trap"]): the same 23 lines (stdout is
 * flushed first), then __builtin_trap(): `unreachable` in main, no exit code
 * (node:wasi's start() throws a RuntimeError). Any other argument: as with
 * none (exit code 3).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

enum { E_OK, E_DIV_ZERO, E_UNEXPECTED, E_UNBALANCED, E_OVERFLOW, E_END, E_TOO_DEEP };
#define MAX_DEPTH 16

struct parser {
  const char *s;
  int pos, depth, err_pos;
};

static const char *const inputs[] = {
    "1 + 2 * 3",
    "(1 + 2) * 3",
    "  42  ",
    "-(4 - 10) / 2",
    "100 % 7 * (2 + -3)",
    "2147483647",
    "-2147483647 - 1",
    "((((2))) * (((3)))) - (((((1)))))",
    "2147483647 + 1",
    "99999999999",
    "-(-2147483647 - 1)",
    "65536 * 65536",
    "10 / (5 - 5)",
    "7 % 0",
    "1 + * 2",
    "((1 + 2)",
    "1 + 2)",
    "",
    "3 $ 4",
    "(((((((((((((((((((1)))))))))))))))))))",
};
#define N_INPUTS ((int)(sizeof inputs / sizeof inputs[0]))

NOINLINE static int fail(struct parser *p, int code, int pos) {
  p->err_pos = pos;
  return code;
}

static void skip_ws(struct parser *p) {
  while (p->s[p->pos] == ' ') p->pos++;
}

static int parse_expr(struct parser *p, long *out);

NOINLINE static int parse_number(struct parser *p, long *out) {
  const char *start = p->s + p->pos;
  char *end;
  errno = 0;
  long v = strtol(start, &end, 10);
  if (end == start) return fail(p, E_UNEXPECTED, p->pos);
  if (errno == ERANGE) return fail(p, E_OVERFLOW, p->pos);
  p->pos += (int)(end - start);
  *out = v;
  return E_OK;
}

NOINLINE static int parse_factor(struct parser *p, long *out) {
  skip_ws(p);
  int at = p->pos, rc;
  switch (p->s[at]) {
  case '\0':
    return fail(p, E_END, at);
  case '-':
    p->pos++;
    if ((rc = parse_factor(p, out)) != E_OK) return rc;
    if (__builtin_sub_overflow(0L, *out, out)) return fail(p, E_OVERFLOW, at);
    return E_OK;
  case '(':
    if (++p->depth > MAX_DEPTH) return fail(p, E_TOO_DEEP, at);
    p->pos++;
    if ((rc = parse_expr(p, out)) != E_OK) return rc;
    skip_ws(p);
    if (p->s[p->pos] != ')') return fail(p, p->s[p->pos] ? E_UNEXPECTED : E_UNBALANCED, p->pos);
    p->pos++;
    p->depth--;
    return E_OK;
  case ')':
    return fail(p, E_UNBALANCED, at);
  default:
    if (p->s[at] >= '0' && p->s[at] <= '9') return parse_number(p, out);
    return fail(p, E_UNEXPECTED, at);
  }
}

NOINLINE static int parse_term(struct parser *p, long *out) {
  int rc = parse_factor(p, out);
  if (rc != E_OK) return rc;
  for (;;) {
    skip_ws(p);
    char op = p->s[p->pos];
    int at = p->pos;
    long rhs;
    switch (op) {
    case '*':
    case '/':
    case '%':
      p->pos++;
      if ((rc = parse_factor(p, &rhs)) != E_OK) return rc;
      if (op == '*') {
        if (__builtin_mul_overflow(*out, rhs, out)) return fail(p, E_OVERFLOW, at);
        break;
      }
      if (rhs == 0) return fail(p, E_DIV_ZERO, at);
      if (rhs == -1 && *out == -2147483647L - 1) return fail(p, E_OVERFLOW, at);
      *out = op == '/' ? *out / rhs : *out % rhs;
      break;
    default:
      return E_OK;
    }
  }
}

NOINLINE static int parse_expr(struct parser *p, long *out) {
  int rc = parse_term(p, out);
  if (rc != E_OK) return rc;
  for (;;) {
    skip_ws(p);
    char op = p->s[p->pos];
    int at = p->pos;
    if (op != '+' && op != '-') return E_OK;
    p->pos++;
    long rhs;
    if ((rc = parse_term(p, &rhs)) != E_OK) return rc;
    if (op == '+' ? __builtin_add_overflow(*out, rhs, out) : __builtin_sub_overflow(*out, rhs, out))
      return fail(p, E_OVERFLOW, at);
  }
}

NOINLINE static int evaluate(const char *s, long *out, int *err_pos) {
  struct parser p = {s, 0, 0, -1};
  int rc = parse_expr(&p, out);
  if (rc == E_OK) {
    skip_ws(&p);
    if (p.s[p.pos] == ')') rc = fail(&p, E_UNBALANCED, p.pos);
    else if (p.s[p.pos] != '\0') rc = fail(&p, E_UNEXPECTED, p.pos);
  }
  *err_pos = p.err_pos;
  return rc;
}

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}
static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int main(int argc, char **argv) {
  long values[N_INPUTS];
  int codes[N_INPUTS], n_ok = 0, n_err = 0;
  char line[64];
  for (int i = 0; i < N_INPUTS; i++) {
    long v = 0;
    int pos, rc = evaluate(inputs[i], &v, &pos);
    if (rc == E_OK) {
      values[n_ok++] = v;
      snprintf(line, sizeof line, "ok %ld", v);
    } else {
      codes[n_err++] = rc;
      snprintf(line, sizeof line, "error %d at %d", rc, pos);
    }
    puts(line);
  }
  qsort(values, (size_t)n_ok, sizeof values[0], cmp_long);
  qsort(codes, (size_t)n_err, sizeof codes[0], cmp_int);
  printf("sorted values:");
  for (int i = 0; i < n_ok; i++) printf(" %ld", values[i]);
  printf("\nsorted codes:");
  for (int i = 0; i < n_err; i++) printf(" %d", codes[i]);
  printf("\n%d ok, %d errors\n", n_ok, n_err);
  if (argc > 1 && strcmp(argv[1], "trap") == 0) {
    fflush(stdout);
    __builtin_trap();
  }
  return 3;
}
