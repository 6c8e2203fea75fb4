/*
 * observe.h: the manual-instrumentation imports of `dylibso:observe/api`
 * (see components/README.md, "Core modules") for the C test modules.
 *
 * ABI: every string is (ptr, len) UTF-8 in the exported memory `memory`;
 * all integers are i32 (size_t is 32-bit on wasm32).
 *
 * The C names differ from the import names where a libc name would clash
 * (`log` is a libm builtin), so all five get an `observe_` prefix. Use the
 * macros: the *_LIT forms take a string literal and pass sizeof - 1 (no
 * NUL); the *_STR forms take a runtime string and pass strlen.
 */
#ifndef WASM_OTEL_OBSERVE_H
#define WASM_OTEL_OBSERVE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define OBSERVE_API(name) \
  __attribute__((import_module("dylibso:observe/api"), import_name(name)))

OBSERVE_API("span-enter") void observe_span_enter(const char *ptr, size_t len);
OBSERVE_API("span-exit") void observe_span_exit(void);
OBSERVE_API("span-tags") void observe_span_tags(const char *ptr, size_t len);
OBSERVE_API("metric") void observe_metric(int32_t format, const char *ptr, size_t len);
OBSERVE_API("log") void observe_log(int32_t level, const char *ptr, size_t len);

/* metric formats and log levels of the ABI */
#define METRIC_STATSD 1
#define LOG_ERROR 1
#define LOG_WARN 2
#define LOG_INFO 3
#define LOG_DEBUG 4
#define LOG_TRACE 5

/* `"" lit` only compiles for a string literal, so sizeof is its length + 1. */
#define SPAN_ENTER_LIT(lit) observe_span_enter("" lit, sizeof(lit) - 1)
#define SPAN_TAGS_LIT(lit) observe_span_tags("" lit, sizeof(lit) - 1)
#define METRIC_LIT(format, lit) observe_metric((format), "" lit, sizeof(lit) - 1)
#define LOG_LIT(level, lit) observe_log((level), "" lit, sizeof(lit) - 1)

#define SPAN_ENTER_STR(s) observe_span_enter((s), strlen(s))
#define SPAN_TAGS_STR(s) observe_span_tags((s), strlen(s))
#define LOG_STR(level, s) observe_log((level), (s), strlen(s))

#define SPAN_EXIT() observe_span_exit()

#endif
