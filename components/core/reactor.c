/*
 * reactor: WASI reactor (-mexec-model=reactor): exports `_initialize` and
 * `work`, no `_start`. Built by components/build.mjs (kind c-module).
 *
 * `calls` is 0 in the data segment and set to 100 by a constructor, which
 * runs only through `_initialize` (-> __wasm_call_ctors). A host that skips
 * `_initialize` makes the first work() return 1 and tag "calls:1".
 *
 * Export work() -> i32, per call (after _initialize):
 *   calls += 1                           (101 on the first call, 102 ...)
 *   S enter "reactor-work"
 *     tags  "calls:<calls>"              ("calls:101" on the first call)
 *     M 1   "reactor.calls:1|c"
 *   S exit
 *   returns calls                        (101, 102, ...)
 */
#include <stdio.h>

#include "observe.h"

static int calls;

__attribute__((constructor)) static void init_calls(void) { calls = 100; }

__attribute__((export_name("work"))) int work(void) {
  calls++;
  SPAN_ENTER_LIT("reactor-work");
  char tags[32];
  int n = snprintf(tags, sizeof tags, "calls:%d", calls);
  observe_span_tags(tags, (size_t)n);
  METRIC_LIT(METRIC_STATSD, "reactor.calls:1|c");
  SPAN_EXIT();
  return calls;
}
