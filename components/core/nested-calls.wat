;; nested-calls: command (`_start`) with only automatic hooks, laid out like
;; the reference instrumenter's output: every call site of a traced defined
;; function is wrapped `enter(IDX); call $f; exit(IDX)` with IDX = $f's
;; function index. The instrumenter's imports come after the module's own
;; (here the WASI clock). Built by components/build.mjs (kind wat-module).
;;
;; Function indices (imports first) -> name-section names:
;;   0 clock_time_get (import wasi_snapshot_preview1)
;;   1 enter   2 exit   3 memory-grow (imports dylibso:observe/instrument;
;;                                      memory-grow is imported, never called)
;;   4 _start   5 outer   6 inner   7 leaf   8 slow   9 fast   10 spin
;;
;; Hook sequence of _start (not wrapped itself: the host calls it):
;;   enter(5)                         outer
;;     enter(6) enter(7) exit(7) exit(6)    inner -> leaf
;;     enter(6) enter(7) exit(7) exit(6)    inner -> leaf
;;   exit(5)
;;   enter(8) exit(8)                 slow: busy-waits >= 3000 us inside
;;   enter(9) exit(9)                 fast
;; Spans (18 hooks, 9 spans): outer -> {inner -> leaf, inner -> leaf}, slow
;; (>= 3 ms), fast; outer, slow and fast are siblings under the host's span.
;; $spin (monotonic clock id 1, polled through clock_time_get) and its clock
;; calls are NOT wrapped, so no span named spin or clock_time_get appears.
;; Durations: slow >= 3 ms; every other span lasts a few microseconds. outer,
;; slow and fast are outermost traced calls (nothing traced around them),
;; which the minimum-duration filter never drops; inner and leaf are dropped
;; by any filter longer than they last (tests of the whole tree set it to 0).
;; Scratch: the clock writes its u64 nanoseconds at address 8.
(module
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "dylibso:observe/instrument" "enter" (func $enter (param i32)))
  (import "dylibso:observe/instrument" "exit" (func $exit (param i32)))
  (import "dylibso:observe/instrument" "memory-grow" (func $memory_grow (param i32)))

  (memory (export "memory") 1)

  (func $_start (export "_start")
    (call $enter (i32.const 5)) (call $outer) (call $exit (i32.const 5))
    (call $enter (i32.const 8)) (call $slow) (call $exit (i32.const 8))
    (call $enter (i32.const 9)) (call $fast) (call $exit (i32.const 9)))

  (func $outer
    (call $enter (i32.const 6)) (call $inner) (call $exit (i32.const 6))
    (call $enter (i32.const 6)) (call $inner) (call $exit (i32.const 6)))

  (func $inner
    (call $enter (i32.const 7)) (call $leaf) (call $exit (i32.const 7)))

  (func $leaf
    (drop (i32.add (i32.const 1) (i32.const 2))))

  (func $slow
    (call $spin (i32.const 3000)))

  (func $fast
    (drop (i32.add (i32.const 3) (i32.const 4))))

  ;; Busy-wait at least $us microseconds on the monotonic clock.
  (func $spin (param $us i32)
    (local $start i64)
    (local $limit i64)
    (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 8)))
    (local.set $start (i64.load (i32.const 8)))
    (local.set $limit (i64.mul (i64.extend_i32_u (local.get $us)) (i64.const 1000)))
    (loop $wait
      (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 8)))
      (br_if $wait
        (i64.lt_u (i64.sub (i64.load (i32.const 8)) (local.get $start))
                  (local.get $limit))))))
