;; trap-core: command (`_start`, no WASI imports) that traps with automatic
;; and manual spans open. Uses both families: the hooks of
;; `dylibso:observe/instrument` and the manual API of `dylibso:observe/api`.
;; Built by components/build.mjs (kind wat-module; name section kept).
;;
;; Function indices (imports first) -> name-section names:
;;   0 enter (import)    1 exit (import)
;;   2 span-enter (import)    3 span-exit (import)
;;   4 _start    5 outer    6 crash
;;
;; Run of _start (the host calls it; _start itself is not wrapped):
;;   enter(5)                       automatic span `outer`
;;     span-enter "manual-in-trap"  manual span, child of outer
;;       enter(6)                   automatic span `crash`, child of manual-in-trap
;;         unreachable              trap
;; Nothing below the trap runs (exit(6), span-exit, exit(5)): the host must
;; close crash, manual-in-trap and outer (tree outer -> manual-in-trap -> crash).
(module
  (import "dylibso:observe/instrument" "enter" (func $enter (param i32)))
  (import "dylibso:observe/instrument" "exit" (func $exit (param i32)))
  (import "dylibso:observe/api" "span-enter" (func $span_enter (param i32 i32)))
  (import "dylibso:observe/api" "span-exit" (func $span_exit))

  (memory (export "memory") 1)
  (data (i32.const 0x100) "manual-in-trap")   ;; 14 bytes

  (func $_start (export "_start")
    (call $enter (i32.const 5))
    (call $outer)
    (call $exit (i32.const 5)))

  (func $outer
    (call $span_enter (i32.const 0x100) (i32.const 14))
    (call $enter (i32.const 6))
    (call $crash)
    (call $exit (i32.const 6))
    (call $span_exit))

  (func $crash
    unreachable))
