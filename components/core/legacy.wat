;; legacy: command (`_start`) using the older hook namespace `dylibso_observe`
;; (instrument_enter / instrument_exit / instrument_memory_grow, all (i32)).
;; Built by components/build.mjs (kind wat-module).
;;
;; Function indices (imports first) -> name-section names:
;;   0 instrument_enter   1 instrument_exit   2 instrument_memory_grow
;;   3 _start   4 work
;;
;; Hook sequence of _start (not wrapped itself):
;;   instrument_enter(4)
;;     instrument_memory_grow(1)   then memory.grow 1 (1 -> 2 pages)
;;   instrument_exit(4)
;; Expected: one span `work` with one memory-grow event of 1 page (if the
;; duration filter drops `work`, the event moves to the host's span).
(module
  (import "dylibso_observe" "instrument_enter" (func $instrument_enter (param i32)))
  (import "dylibso_observe" "instrument_exit" (func $instrument_exit (param i32)))
  (import "dylibso_observe" "instrument_memory_grow" (func $instrument_memory_grow (param i32)))

  (memory (export "memory") 1)

  (func $_start (export "_start")
    (call $instrument_enter (i32.const 4))
    (call $work)
    (call $instrument_exit (i32.const 4)))

  (func $work
    (call $instrument_memory_grow (i32.const 1))
    (drop (memory.grow (i32.const 1)))))
