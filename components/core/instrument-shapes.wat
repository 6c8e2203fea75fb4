;; instrument-shapes: an UNinstrumented library module (no imports, no WASI) with every way out
;; of a function the instrumenter has to hook, for the rewriter's tests
;; (test/instrument-rewrite.test.ts). Built by components/build.mjs (kind wat-module).
;;
;; Function indices (no imports, so defined functions start at 0) -> name-section names:
;;   0 early        (param n) (result i32): `return` from inside a loop in a block:
;;                  counts up from 0, returns 100 + i as soon as i = n; n >= 10 falls out: -1
;;   1 br_out       (param n) (result i32): `br` / `br_if` / `br_table` to the function's
;;                  own label: n = 0 -> 10 (br), 1 -> 11 (br_if), 2 -> 12, 3 -> 13 (br_table),
;;                  else 14 (br_table default falls through to the end)
;;   2 pair         (param a b) (result i32 i32): multi-value, returns (b, a) via `return`
;;   3 sum_pair     (param a b) (result i32): pair(a, b) -> first - second = b - a
;;   4 tail         (param n) (result i32): `return_call $count_down` (tail call)
;;   5 count_down   (param n acc) (result i32): acc + n + (n-1) + ... + 1 by self tail calls
;;                  (`return_call`), so count_down(100000, 0) = 5000050000 mod 2^32 = 705082704
;;                  runs in constant stack
;;   6 tail_indirect (param n) (result i32): `return_call_indirect` of table[0] = $double
;;   7 double       (param n) (result i32): 2n (leaf, 3 expressions: a tiny leaf)
;;   8 grow         (param pages) (result i32): memory.grow pages; returns the old size
;;   9 _ZN6shapes5inner17h0123456789abcdefE  (demangles to shapes::inner) (param n) (result i32):
;;                  calls double(n) + 1
;;  10 run          () (result i32), on a fresh instance: calls each of the above once and sums:
;;                  early(3)=103, br_out(0..4)=10+11+12+13+14=60, sum_pair(2,7)=5,
;;                  tail(10)=55, tail_indirect(21)=42, grow(1)=1, inner(4)=9: total 275
;;  11 trap_after   () (result i32): calls double(1), then `unreachable`
;;  12 seven        () (result i32): 7 (leaf)
;;  13 tail_in_return () (result i32): `(return (return_call $seven))`: a tail call inside a
;;                  `return` (dead code around it, as a code generator may leave): 7
;;
;; Exports: memory (1 page, max 4), every function by its name above (inner as "inner").
;; Call counts of run(): run 1, early 1, br_out 5, sum_pair 1, pair 1, tail 1, count_down 11
;; (tail(10) = count_down(10, 0): 10 ... 0), tail_indirect 1, double 2 (tail_indirect, inner),
;; grow 1, inner 1: 26 calls, 25 below run.
(module
  (type $unary (func (param i32) (result i32)))
  (memory (export "memory") 1 4)
  (table 1 funcref)
  (elem (i32.const 0) $double)

  (func $early (export "early") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (i32.const 10)))
        (if (i32.eq (local.get $i) (local.get $n))
          (then (return (i32.add (i32.const 100) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const -1))

  (func $br_out (export "br_out") (param $n i32) (result i32)
    (if (i32.eqz (local.get $n)) (then (br 1 (i32.const 10))))
    (br_if 0 (i32.const 11) (i32.eq (local.get $n) (i32.const 1)))
    (drop)
    (block $default
      (block $three
        (block $two
          (br_table $two $two $two $three $default (local.get $n)))
        (br 2 (i32.const 12)))
      (br 1 (i32.const 13)))
    (i32.const 14))

  (func $pair (export "pair") (param $a i32) (param $b i32) (result i32 i32)
    (return (local.get $b) (local.get $a)))

  (func $sum_pair (export "sum_pair") (param $a i32) (param $b i32) (result i32)
    (local $second i32)
    (call $pair (local.get $a) (local.get $b)) ;; stack: b a
    (local.set $second)
    (local.get $second)
    i32.sub)

  (func $tail (export "tail") (param $n i32) (result i32)
    (return_call $count_down (local.get $n) (i32.const 0)))

  (func $count_down (export "count_down") (param $n i32) (param $acc i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else
        (return_call $count_down
          (i32.sub (local.get $n) (i32.const 1))
          (i32.add (local.get $acc) (local.get $n))))))

  (func $tail_indirect (export "tail_indirect") (param $n i32) (result i32)
    (return_call_indirect (type $unary) (local.get $n) (i32.const 0)))

  (func $double (export "double") (param $n i32) (result i32)
    (i32.shl (local.get $n) (i32.const 1)))

  (func $grow (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))

  (func $_ZN6shapes5inner17h0123456789abcdefE (export "inner") (param $n i32) (result i32)
    (i32.add (call $double (local.get $n)) (i32.const 1)))

  (func $run (export "run") (result i32)
    (i32.add
      (i32.add
        (i32.add (call $early (i32.const 3))
          (i32.add (call $br_out (i32.const 0))
            (i32.add (call $br_out (i32.const 1))
              (i32.add (call $br_out (i32.const 2))
                (i32.add (call $br_out (i32.const 3)) (call $br_out (i32.const 4)))))))
        (i32.add (call $sum_pair (i32.const 2) (i32.const 7)) (call $tail (i32.const 10))))
      (i32.add (call $tail_indirect (i32.const 21))
        (i32.add (call $grow (i32.const 1)) (call $_ZN6shapes5inner17h0123456789abcdefE (i32.const 4))))))

  (func $trap_after (export "trap_after") (result i32)
    (drop (call $double (i32.const 1)))
    (unreachable))

  (func $seven (export "seven") (result i32)
    (i32.const 7))

  (func $tail_in_return (export "tail_in_return") (result i32)
    (return (return_call $seven))))
