;; mixed: command (`_start`) using both families the way the reference
;; instrumenter leaves them: EVERY direct call site is wrapped in enter/exit,
;; including the calls to the `dylibso:observe/api` imports. A host must
;; ignore enter/exit around those imports and match exits by id (the policy
;; in the reference: `exit(id)` closes the nearest open automatic span with
;; that id, `span-exit` the nearest open manual span, spans still open above
;; a closed one are re-parented to its parent).
;; Built by components/build.mjs (kind wat-module).
;;
;; Function indices (imports first) -> name-section names:
;;   0 span-enter   1 span-exit   2 log     (imports dylibso:observe/api)
;;   3 enter   4 exit                       (imports dylibso:observe/instrument)
;;   5 _start   6 handler   7 open_and_return   8 work
;;
;; Call sequence of _start (not wrapped itself):
;;   enter(6)                                       handler
;;     enter(0) span-enter "manual-a" exit(0)       manual-a, child of handler
;;     enter(7)                                     open_and_return, child of manual-a
;;       enter(0) span-enter "manual-b" exit(0)     manual-b, child of open_and_return
;;     exit(7)                                      closes open_and_return; manual-b
;;                                                  (still open) -> parent manual-a
;;     enter(8) exit(8)                             work, child of manual-b
;;     enter(1) span-exit exit(1)                   closes manual-b
;;     enter(2) log(3, "in handler") exit(2)        info log, in manual-a
;;     enter(1) span-exit exit(1)                   closes manual-a
;;   exit(6)                                        closes handler
;;
;; Expected tree (host = the host's span for the run):
;;   host -> handler -> manual-a -> open_and_return
;;                               -> manual-b -> work
;;   log "in handler" (level 3) correlated with manual-a.
;; No span is named span-enter, span-exit or log.
(module
  (import "dylibso:observe/api" "span-enter" (func $span_enter (param i32 i32)))
  (import "dylibso:observe/api" "span-exit" (func $span_exit))
  (import "dylibso:observe/api" "log" (func $log (param i32 i32 i32)))
  (import "dylibso:observe/instrument" "enter" (func $enter (param i32)))
  (import "dylibso:observe/instrument" "exit" (func $exit (param i32)))

  (memory (export "memory") 1)
  (data (i32.const 0x100) "manual-a")     ;; 8 bytes
  (data (i32.const 0x110) "manual-b")     ;; 8 bytes
  (data (i32.const 0x120) "in handler")   ;; 10 bytes

  (func $_start (export "_start")
    (call $enter (i32.const 6)) (call $handler) (call $exit (i32.const 6)))

  (func $handler
    (call $enter (i32.const 0))
    (call $span_enter (i32.const 0x100) (i32.const 8))
    (call $exit (i32.const 0))
    (call $enter (i32.const 7)) (call $open_and_return) (call $exit (i32.const 7))
    (call $enter (i32.const 8)) (call $work) (call $exit (i32.const 8))
    (call $enter (i32.const 1)) (call $span_exit) (call $exit (i32.const 1))
    (call $enter (i32.const 2))
    (call $log (i32.const 3) (i32.const 0x120) (i32.const 10))
    (call $exit (i32.const 2))
    (call $enter (i32.const 1)) (call $span_exit) (call $exit (i32.const 1)))

  (func $open_and_return
    (call $enter (i32.const 0))
    (call $span_enter (i32.const 0x110) (i32.const 8))
    (call $exit (i32.const 0)))

  (func $work
    (drop (i32.add (i32.const 5) (i32.const 6)))))
