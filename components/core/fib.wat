;; fib: library module (no `_start`, no WASI) with automatic hooks only, for
;; span-volume tests and benchmarks. Baseline without hooks: fib-plain.wat.
;; Built by components/build.mjs (kind wat-module).
;;
;; Function indices (imports first) -> name-section names:
;;   0 enter   1 exit   (imports dylibso:observe/instrument)
;;   2 fib   3 run
;;
;; Exports: memory (1 page), fib(n: i32) -> i32, run() -> i32.
;;   fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2); each recursive call is
;;     wrapped enter(2) / exit(2); the exported entry itself is not, so a
;;     direct fib(n) call produces 2 * F(n + 1) - 2 spans named `fib`
;;     (fib(10): 176; fib(0), fib(1): none).
;;   run() = fib(10) = 55 through one wrapped call: 177 `fib` spans, a binary
;;     tree 10 levels deep under the host's span (the wrapped call is the
;;     root, the 176 recursive ones below it).
(module
  (import "dylibso:observe/instrument" "enter" (func $enter (param i32)))
  (import "dylibso:observe/instrument" "exit" (func $exit (param i32)))

  (memory (export "memory") 1)

  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (block (result i32)
            (call $enter (i32.const 2))
            (call $fib (i32.sub (local.get $n) (i32.const 1)))
            (call $exit (i32.const 2)))
          (block (result i32)
            (call $enter (i32.const 2))
            (call $fib (i32.sub (local.get $n) (i32.const 2)))
            (call $exit (i32.const 2)))))))

  (func $run (export "run") (result i32)
    (call $enter (i32.const 2))
    (call $fib (i32.const 10))
    (call $exit (i32.const 2))))
