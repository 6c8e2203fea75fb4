;; fib-plain: fib.wat without any import (no hooks, no WASI): the baseline
;; for benchmarks. Built by components/build.mjs (kind wat-module).
;;
;; Function indices -> name-section names:
;;   0 fib   1 run
;;
;; Exports: memory (1 page), fib(n: i32) -> i32 (n < 2 ? n :
;; fib(n - 1) + fib(n - 2)), run() -> i32 = fib(10) = 55. No telemetry.
(module
  (memory (export "memory") 1)

  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  (func $run (export "run") (result i32)
    (call $fib (i32.const 10))))
