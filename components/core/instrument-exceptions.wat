;; instrument-exceptions: an UNinstrumented library module that uses wasm exceptions (the
;; legacy exception-handling proposal, which Node 20 runs), for the rewriter's tests
;; (test/instrument-rewrite.test.ts). Built by components/build.mjs (kind wat-module).
;;
;; Function indices (no imports) -> names:
;;   0 thrower (param n) (result i32): n = 0 throws tag $oops with 42; else thrower(n - 1) + 1,
;;             so the exception unwinds every thrower frame
;;   1 catcher (param n) (result i32): try thrower(n) catch $oops -> the tag's value (42)
;;   2 run     () (result i32): catcher(3) + catcher(0) = 84
;;   3 mid     (param n) (result i32): `try thrower(n) delegate 0`: the exception is delegated
;;             to the caller (the form LLVM emits under -fwasm-exceptions for unwind mismatches)
;;   4 top     (param n) (result i32): try mid(n) catch $oops -> 42; top(2): top 1, mid 1,
;;             thrower 3 calls
;; Calls of run(): run 1, catcher 2, thrower 5 (4 for catcher(3), 1 for catcher(0)); every one of
;; them ends, 6 of them by the exception.
(module
  (tag $oops (param i32))
  (memory (export "memory") 1)

  (func $thrower (export "thrower") (param $n i32) (result i32)
    (if (i32.eqz (local.get $n)) (then (throw $oops (i32.const 42))))
    (i32.add (call $thrower (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))

  (func $catcher (export "catcher") (param $n i32) (result i32)
    try (result i32)
      (call $thrower (local.get $n))
    catch $oops
    end)

  (func $run (export "run") (result i32)
    (i32.add (call $catcher (i32.const 3)) (call $catcher (i32.const 0))))

  (func $mid (export "mid") (param $n i32) (result i32)
    try (result i32)
      (call $thrower (local.get $n))
    delegate 0)

  (func $top (export "top") (param $n i32) (result i32)
    try (result i32)
      (call $mid (local.get $n))
    catch $oops
    end))
