;; memory-grow: command (`_start`) with automatic hooks, growing memory in two
;; nested functions. Memory: 1 page initial, 16 maximum (ends at 4 pages).
;; Built by components/build.mjs (kind wat-module).
;;
;; Function indices (imports first) -> name-section names:
;;   0 clock_time_get (import wasi_snapshot_preview1)
;;   1 enter   2 exit   3 memory-grow (imports dylibso:observe/instrument)
;;   4 _start   5 grow_big   6 grow_small   7 spin
;;
;; Hook sequence of _start (not wrapped itself):
;;   enter(5)                      grow_big
;;     memory-grow(2)              then memory.grow 2 (1 -> 3 pages)
;;     (spin 3000 us, unwrapped)   so grow_big lasts >= 3 ms
;;     enter(6)                    grow_small, child of grow_big
;;       memory-grow(1)            then memory.grow 1 (3 -> 4 pages)
;;     exit(6)
;;   exit(5)
;; Expected: grow_big (>= 3 ms) carries the 2-page memory-grow event;
;; grow_small (child of grow_big) carries the 1-page one when spans are kept
;; however short (minimum-duration filter 0). When grow_small is dropped by
;; the filter, its event moves to grow_big, which then has both events,
;; 2 pages then 1 page.
;; grow_big is the outermost traced call, which the filter never drops.
;; Timing caveat: grow_small lasts as long as one memory.grow, measured at
;; 10-60 us in Node 20 (V8), i.e. on both sides of the reference 20 us
;; default. Deterministic tests use a filter of 0 (two spans) or a huge one
;; (grow_big kept, grow_small dropped), not the default.
;; Scratch: the clock writes its u64 nanoseconds at address 8.
(module
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "dylibso:observe/instrument" "enter" (func $enter (param i32)))
  (import "dylibso:observe/instrument" "exit" (func $exit (param i32)))
  (import "dylibso:observe/instrument" "memory-grow" (func $memory_grow (param i32)))

  (memory (export "memory") 1 16)

  (func $_start (export "_start")
    (call $enter (i32.const 5)) (call $grow_big) (call $exit (i32.const 5)))

  (func $grow_big
    (call $memory_grow (i32.const 2))
    (drop (memory.grow (i32.const 2)))
    (call $spin (i32.const 3000))
    (call $enter (i32.const 6)) (call $grow_small) (call $exit (i32.const 6)))

  (func $grow_small
    (call $memory_grow (i32.const 1))
    (drop (memory.grow (i32.const 1))))

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
