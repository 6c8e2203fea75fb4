;; observe-forwarder: hands every argument it gets, unchanged, to the matching
;; dylibso:observe import, so a test (the fuzzer) can pass any value, pointer
;; and length through the real core-module ABI. A plain module (no WASI, no
;; _start): the host calls its exports directly. Built by components/build.mjs
;; (kind wat-module). Memory: 2 pages (max 16), exported for the host to write
;; strings into.
;;
;; Function indices (imports first) -> name-section names:
;;   0 span-enter  1 span-exit  2 span-tags  3 metric  4 log (dylibso:observe/api)
;;   5 enter  6 exit  7 memory-grow (dylibso:observe/instrument)
;;   8.. the exports below, in this order
;;
;; Exports (each calls its import with the same arguments, nothing else)
;;   span-enter(ptr, len)  span-exit()  span-tags(ptr, len)
;;   metric(format, ptr, len)  log(level, ptr, len)
;;   enter(func)  exit(func)  memory-grow(pages)
(module
  (import "dylibso:observe/api" "span-enter" (func $api_span_enter (param i32 i32)))
  (import "dylibso:observe/api" "span-exit" (func $api_span_exit))
  (import "dylibso:observe/api" "span-tags" (func $api_span_tags (param i32 i32)))
  (import "dylibso:observe/api" "metric" (func $api_metric (param i32 i32 i32)))
  (import "dylibso:observe/api" "log" (func $api_log (param i32 i32 i32)))
  (import "dylibso:observe/instrument" "enter" (func $hook_enter (param i32)))
  (import "dylibso:observe/instrument" "exit" (func $hook_exit (param i32)))
  (import "dylibso:observe/instrument" "memory-grow" (func $hook_memory_grow (param i32)))

  (memory (export "memory") 2 16)

  (func $span_enter (export "span-enter") (param i32 i32) (call $api_span_enter (local.get 0) (local.get 1)))
  (func $span_exit (export "span-exit") (call $api_span_exit))
  (func $span_tags (export "span-tags") (param i32 i32) (call $api_span_tags (local.get 0) (local.get 1)))
  (func $metric (export "metric") (param i32 i32 i32) (call $api_metric (local.get 0) (local.get 1) (local.get 2)))
  (func $log (export "log") (param i32 i32 i32) (call $api_log (local.get 0) (local.get 1) (local.get 2)))
  (func $enter (export "enter") (param i32) (call $hook_enter (local.get 0)))
  (func $exit (export "exit") (param i32) (call $hook_exit (local.get 0)))
  (func $memory_grow (export "memory-grow") (param i32) (call $hook_memory_grow (local.get 0)))
)
