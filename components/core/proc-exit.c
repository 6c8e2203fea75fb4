/*
 * proc-exit: WASI command that leaves the program through proc_exit with two
 * manual spans still open. Built by components/build.mjs (kind c-module).
 *
 * Contract, in call order:
 *   S enter "outer-work"
 *     S enter "inner-work"               (child of outer-work)
 *       L 2 "exiting early"              (warn, inside inner-work)
 *       exit(3) -> wasi_snapshot_preview1 proc_exit(3)
 *   (no span-exit is ever called: the host must close inner-work, then
 *   outer-work, when proc_exit ends the run; exit code 3)
 */
#include <stdlib.h>

#include "observe.h"

int main(void) {
  SPAN_ENTER_LIT("outer-work");
  SPAN_ENTER_LIT("inner-work");
  LOG_LIT(LOG_WARN, "exiting early");
  exit(3);
}
