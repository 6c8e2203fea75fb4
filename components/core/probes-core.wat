;; probes-core: a WASI reactor for the host's robustness probes on core modules.
;; Built by components/build.mjs (kind wat-module). Memory: 1 page.
;;
;; Function indices (imports first) -> name-section names:
;;   0 path_filestat_get (import wasi_snapshot_preview1)
;;   1 span-enter   2 span-exit (imports dylibso:observe/api)
;;   3 enter   4 exit   5 memory-grow (imports dylibso:observe/instrument)
;;   6 _initialize   7 bad-hooks   8 work   9 spin   10 wait-for-file
;;   11 unmatched-exits
;;
;; Exports
;;   bad-hooks      enter(8) work: memory-grow(-1), memory-grow(70000) (neither is
;;                  a page count), memory-grow(1) then memory.grow 1; exit(8).
;;                  Expected: span 'work' with one memory.grow event (1 page).
;;   spin           1,000 spans 'flood' (span-enter, span-exit), then span-enter
;;                  'waiting' (never exited), then a loop that never calls the
;;                  host again.
;;   wait-for-file  span 'first' (span-enter, span-exit); then polls
;;                  path_filestat_get(fd 3, the first preopen, "ready") until the
;;                  file exists; then span 'second'. Run with --dir DIR::/sync:
;;                  it returns only once someone creates DIR/ready.
;;   unmatched-exits  span-exit 100,000 times with no span open (100,000 reports
;;                  of the same problem, for the rate limit of report lines).
;; Static data: "flood" at 0x100, "waiting" at 0x110, "first" at 0x120,
;; "second" at 0x130, "ready" at 0x140; filestat scratch at 0x200 (64 bytes).
(module
  (import "wasi_snapshot_preview1" "path_filestat_get"
    (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "dylibso:observe/api" "span-enter" (func $span_enter (param i32 i32)))
  (import "dylibso:observe/api" "span-exit" (func $span_exit))
  (import "dylibso:observe/instrument" "enter" (func $enter (param i32)))
  (import "dylibso:observe/instrument" "exit" (func $exit (param i32)))
  (import "dylibso:observe/instrument" "memory-grow" (func $memory_grow (param i32)))

  (memory (export "memory") 1 4)

  (data (i32.const 0x100) "flood")
  (data (i32.const 0x110) "waiting")
  (data (i32.const 0x120) "first")
  (data (i32.const 0x130) "second")
  (data (i32.const 0x140) "ready")

  (func $_initialize (export "_initialize"))

  (func $bad_hooks (export "bad-hooks")
    (call $enter (i32.const 8)) (call $work) (call $exit (i32.const 8)))

  (func $work
    (call $memory_grow (i32.const -1))
    (call $memory_grow (i32.const 70000))
    (call $memory_grow (i32.const 1))
    (drop (memory.grow (i32.const 1))))

  (func $spin (export "spin")
    (local $n i32)
    (local.set $n (i32.const 1000))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $span_enter (i32.const 0x100) (i32.const 5))
        (call $span_exit)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (call $span_enter (i32.const 0x110) (i32.const 7))
    (loop $forever (br $forever)))

  (func $wait_for_file (export "wait-for-file")
    (call $span_enter (i32.const 0x120) (i32.const 5))
    (call $span_exit)
    (loop $poll
      (br_if $poll
        (i32.ne
          (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 0x140) (i32.const 5) (i32.const 0x200))
          (i32.const 0))))
    (call $span_enter (i32.const 0x130) (i32.const 6))
    (call $span_exit))

  (func $unmatched_exits (export "unmatched-exits")
    (local $n i32)
    (local.set $n (i32.const 100000))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $span_exit)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))
)
