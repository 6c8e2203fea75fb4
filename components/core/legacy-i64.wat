;; legacy-i64: command (`_start`) using the oldest Observe API, with i64
;; pointers in `dylibso_observe`: span_enter(i64 ptr, i32 len), span_exit().
;; The host must refuse to run this module, with a clear message, before
;; anything runs. (If it did run: span "legacy-span" entered and exited.)
;; Built by components/build.mjs (kind wat-module).
;;
;; Function indices (imports first) -> name-section names:
;;   0 span_enter   1 span_exit   2 _start
(module
  (import "dylibso_observe" "span_enter" (func $span_enter (param i64 i32)))
  (import "dylibso_observe" "span_exit" (func $span_exit))

  (memory (export "memory") 1)
  (data (i32.const 0x100) "legacy-span")   ;; 11 bytes

  (func $_start (export "_start")
    (call $span_enter (i64.const 0x100) (i32.const 11))
    (call $span_exit)))
