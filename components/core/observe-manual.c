/*
 * observe-manual: WASI command (wasi_snapshot_preview1) using only the manual
 * API `dylibso:observe/api` (no automatic hooks). Built by components/build.mjs
 * (kind c-module): clang --target=wasm32-wasi, name section kept.
 *
 * Contract, in call order (strings exact, no NUL; S = span, M = metric with
 * format 1 = statsd, L = log with level 1 error .. 5 trace):
 *
 *   S enter "handle-request"
 *     tags  "http.method:GET,user.id:42,cached"
 *           -> http.method=GET, user.id=42, cached="" (no ':')
 *     M 1 "requests.count:1|c|#route:/home,method:GET"
 *     M 1 "queue.depth:7|g"
 *     M 1 "queue.depth:+3|g"             (statsd gauge delta: 7 + 3 = 10)
 *     M 1 "request.latency:12.5|ms|#route:/home"
 *     M 1 "payload.size:512|h"
 *     M 1 "users.unique:alice|s"
 *     M 1 "users.unique:bob|s"
 *     M 1 "users.unique:alice|s"         (set: 2 distinct values)
 *     M 1 "requests.sampled:1|c|@0.5"    (sample rate 0.5)
 *     L 3 "handling request"
 *     S enter "db-query"                 (child of handle-request)
 *       tags  "db.system:sqlite,db.rows:3"
 *       L 1 "query failed once"
 *       L 2 "retrying"
 *     S exit                             (closes db-query)
 *     L 4 "debug detail"
 *     L 5 "trace detail"
 *     L 3 <value of $GREETING>           only if GREETING is set (even if empty)
 *     if argc > 2 (argv[2] = path of a file in a preopened directory):
 *       L 3 <first line of argv[2]>      "\n" (and a "\r" before it) removed;
 *                                        "" for an empty file
 *       or L 1 "cannot open file"        if fopen fails
 *     stdout: "done <argv[1]>\n" ("done -\n" if argc <= 1), flushed here
 *             (one fd_write to fd 1 while handle-request is open)
 *   S exit                               (closes handle-request)
 *   exit code: atoi(argv[3]) if argc > 3, else 0
 *
 * Spans: handle-request -> db-query. Logs 1 error, 1 warn, 1+ info, 1 debug,
 * 1 trace; only "query failed once" and "retrying" are inside db-query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe.h"

static void log_first_line(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    LOG_LIT(LOG_ERROR, "cannot open file");
    return;
  }
  char line[512];
  if (!fgets(line, sizeof line, f)) line[0] = '\0';
  fclose(f);
  size_t n = strlen(line);
  if (n > 0 && line[n - 1] == '\n') line[--n] = '\0';
  if (n > 0 && line[n - 1] == '\r') line[--n] = '\0';
  observe_log(LOG_INFO, line, n);
}

int main(int argc, char **argv) {
  SPAN_ENTER_LIT("handle-request");
  SPAN_TAGS_LIT("http.method:GET,user.id:42,cached");

  METRIC_LIT(METRIC_STATSD, "requests.count:1|c|#route:/home,method:GET");
  METRIC_LIT(METRIC_STATSD, "queue.depth:7|g");
  METRIC_LIT(METRIC_STATSD, "queue.depth:+3|g");
  METRIC_LIT(METRIC_STATSD, "request.latency:12.5|ms|#route:/home");
  METRIC_LIT(METRIC_STATSD, "payload.size:512|h");
  METRIC_LIT(METRIC_STATSD, "users.unique:alice|s");
  METRIC_LIT(METRIC_STATSD, "users.unique:bob|s");
  METRIC_LIT(METRIC_STATSD, "users.unique:alice|s");
  METRIC_LIT(METRIC_STATSD, "requests.sampled:1|c|@0.5");

  LOG_LIT(LOG_INFO, "handling request");

  SPAN_ENTER_LIT("db-query");
  SPAN_TAGS_LIT("db.system:sqlite,db.rows:3");
  LOG_LIT(LOG_ERROR, "query failed once");
  LOG_LIT(LOG_WARN, "retrying");
  SPAN_EXIT();

  LOG_LIT(LOG_DEBUG, "debug detail");
  LOG_LIT(LOG_TRACE, "trace detail");

  const char *greeting = getenv("GREETING");
  if (greeting) LOG_STR(LOG_INFO, greeting);

  if (argc > 2) log_first_line(argv[2]);

  printf("done %s\n", argc > 1 ? argv[1] : "-");
  fflush(stdout);

  SPAN_EXIT();
  return argc > 3 ? atoi(argv[3]) : 0;
}
