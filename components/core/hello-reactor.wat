;; hello-reactor: WASI reactor (`_initialize`, no `_start`) laid out like the
;; output of Dylibso's instrumenter for a C reactor (compare the Observe SDK's
;; test/reactor-hello.c.instr.wasm): every export is a wrapper
;; `enter(IDX); call $f; exit(IDX)` around the function $f it exports, with
;; IDX = $f's function index, so the function the host calls is traced too.
;; `_initialize` traps when it runs a second time, as wasi-libc's does.
;; Built by components/build.mjs (kind wat-module).
;;
;; Function indices (imports first) -> name-section names:
;;   0 fd_write (import wasi_snapshot_preview1)
;;   1 enter   2 exit   3 memory-grow (imports dylibso:observe/instrument)
;;   4 span-enter   5 span-exit (imports dylibso:observe/api)
;;   6 instrument_exp__initialize (export "_initialize", wrapper of 7)
;;   7 _initialize   8 __wasm_call_ctors
;;   9 instrument_exp_hello (export "hello", wrapper of 10)   10 hello
;;   11 instrument_exp_grow (export "grow", wrapper of 12)    12 grow
;;   13 alloc_pages   14 alloc_more
;;
;; Exports and their hooks:
;;   _initialize: traps (unreachable) if it ran before; else
;;     enter(7) _initialize
;;       enter(8) __wasm_call_ctors   (sets the "constructed" flag)
;;       exit(8)
;;     exit(7)
;;   hello: enter(10) hello: traps (unreachable) unless the constructors
;;     ran; writes "hello world\n" to stdout (one fd_write); exit(10).
;;     A few microseconds: under the reference 20 us filter, yet it is the
;;     outermost traced call, which the filter never drops.
;;   grow: enter(12) grow
;;     span-enter "allocate"
;;       enter(13) alloc_pages
;;         memory-grow(1), memory.grow 1
;;         enter(14) alloc_more: memory-grow(2), memory.grow 2; exit(14)
;;         memory-grow(3), memory.grow 3
;;       exit(13)
;;     span-exit
;;     exit(12)
;;   Filter 0: grow -> allocate -> alloc_pages {events 1, 3 pages}
;;   -> alloc_more {event 2 pages}. A filter longer than the calls: grow
;;   (outermost) -> allocate {events 1, 2, 3 pages, in that order}.
;;   Each call of grow adds 6 pages (memory: 1 page initial, 64 maximum).
;; Memory: 0..7 the iovec {16, 12}, 8..11 fd_write's count, 16.. the text.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "dylibso:observe/instrument" "enter" (func $enter (param i32)))
  (import "dylibso:observe/instrument" "exit" (func $exit (param i32)))
  (import "dylibso:observe/instrument" "memory-grow" (func $memory_grow (param i32)))
  (import "dylibso:observe/api" "span-enter" (func $span_enter (param i32 i32)))
  (import "dylibso:observe/api" "span-exit" (func $span_exit))

  (memory (export "memory") 1 64)
  (data (i32.const 0) "\10\00\00\00\0c\00\00\00")
  (data (i32.const 16) "hello world\n")
  (data (i32.const 32) "allocate")

  (global $initialized (mut i32) (i32.const 0))
  (global $constructed (mut i32) (i32.const 0))

  (func $instrument_exp__initialize (export "_initialize")
    (call $enter (i32.const 7)) (call $_initialize) (call $exit (i32.const 7)))

  (func $_initialize
    (if (global.get $initialized) (then unreachable))
    (global.set $initialized (i32.const 1))
    (call $enter (i32.const 8)) (call $__wasm_call_ctors) (call $exit (i32.const 8)))

  (func $__wasm_call_ctors
    (global.set $constructed (i32.const 1)))

  (func $instrument_exp_hello (export "hello")
    (call $enter (i32.const 10)) (call $hello) (call $exit (i32.const 10)))

  (func $hello
    (if (i32.eqz (global.get $constructed)) (then unreachable))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $instrument_exp_grow (export "grow")
    (call $enter (i32.const 12)) (call $grow) (call $exit (i32.const 12)))

  (func $grow
    (call $span_enter (i32.const 32) (i32.const 8))
    (call $enter (i32.const 13)) (call $alloc_pages) (call $exit (i32.const 13))
    (call $span_exit))

  (func $alloc_pages
    (call $memory_grow (i32.const 1))
    (drop (memory.grow (i32.const 1)))
    (call $enter (i32.const 14)) (call $alloc_more) (call $exit (i32.const 14))
    (call $memory_grow (i32.const 3))
    (drop (memory.grow (i32.const 3))))

  (func $alloc_more
    (call $memory_grow (i32.const 2))
    (drop (memory.grow (i32.const 2)))))
