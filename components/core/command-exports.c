/*
 * command-exports: WASI command (`_start`, i.e. main) that exports another
 * function too. wasm-ld gives every export of a command but `_start` a
 * wrapper that runs the constructors before it and the destructors (atexit
 * handlers, the stdio flush) after it, so an export can be called on a fresh
 * instance instead of `_start`, the way `wasmtime run --invoke` does.
 * Built by components/build.mjs (kind c-module).
 *
 * _start (main):
 *   S enter "main"
 *     tags  "argc:<argc>"                ("argc:1" with no guest arguments)
 *   S exit
 *   stdout  "main <argc>"; exit code 0
 *
 * Export greet() -> i32 (WASI in use: environ_get, fd_write):
 *   S enter "greet"
 *     tags  "greeting:<$GREETING or none>"
 *     L 3   "greeting <$GREETING or none>"
 *   S exit
 *   stdout  "greet <$GREETING or none>" (flushed by the wrapper's destructors)
 *   returns 42
 */
#include <stdio.h>
#include <stdlib.h>

#include "observe.h"

int main(int argc, char **argv) {
  (void)argv;
  char tags[32];
  SPAN_ENTER_LIT("main");
  int n = snprintf(tags, sizeof tags, "argc:%d", argc);
  observe_span_tags(tags, (size_t)n);
  SPAN_EXIT();
  printf("main %d\n", argc);
  return 0;
}

__attribute__((export_name("greet"))) int greet(void) {
  const char *greeting = getenv("GREETING");
  if (greeting == NULL) greeting = "none";
  char text[96];
  SPAN_ENTER_LIT("greet");
  int n = snprintf(text, sizeof text, "greeting:%s", greeting);
  observe_span_tags(text, (size_t)n);
  n = snprintf(text, sizeof text, "greeting %s", greeting);
  observe_log(LOG_INFO, text, (size_t)n);
  SPAN_EXIT();
  printf("greet %s\n", greeting);
  return 42;
}
