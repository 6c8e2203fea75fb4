;; flood: many spans in one call, and guests that never return, for the
;; delivery, signal and soak tests. World `flood` in wit/guests/probes/guests.wit.
;;
;; Every span: trace-id 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1' (a trace the guest
;; starts itself: no parent, the host's sampler decides it once), span-id the
;; instance's span counter as 16 lowercase hex digits (the first span is
;; '0000000000000001', then 2, 3, ...), name 'flood', kind internal, status
;; unset, start {1700000000, 0}, end {1700000000, 1000}, one attribute
;; flood.kind = '"x"', scope 'flood', nothing else. on-start, then on-end.
;;
;; Exports
;;   spans(n: u32)    n spans
;;   spans-15k()      15,000 spans
;;   spans-100k()     100,000 spans
;;   spans-1m()       1,000,000 spans
;;   spin()           1,000 spans; then on-start of one more span (id 1001,
;;                    never ended); then loops forever without calling the
;;                    host (a guest the host cannot interrupt)
;;   poll()           as spin, but the loop calls outer-span-context() on
;;                    every turn (a guest that keeps calling the host)
;;   poll-clock()     as spin, but the loop calls the WASI function
;;                    wasi:clocks/monotonic-clock.now on every turn
;;
;; Canonical ABI (32-bit memory, little endian, UTF-8 strings):
;;   on-start(context: span-context): 8 flat i32 params
;;   on-end(span: span-data): one i32, pointer to a span-data record
;;   outer-span-context() -> span-context: one i32 return pointer; the host
;;     writes 28 bytes there and allocates its strings with cabi_realloc.
;;   Layouts (offset: field):
;;     string / list        8 bytes, align 4   0: ptr  4: len
;;     datetime            16 bytes, align 8   0: seconds u64  8: nanoseconds u32
;;     span-context        28 bytes, align 4   0: trace-id  8: span-id
;;                                             16: trace-flags u8  17: is-remote u8
;;                                             20: trace-state
;;     key-value           16 bytes, align 4   0: key  8: value
;;     span-data          168 bytes, align 8   0: span-context  28: parent-span-id
;;                                             36: span-kind  40: name
;;                                             48: start-time  64: end-time
;;                                             80: attributes  88: events  96: links
;;                                             104: status  116: instrumentation-scope
;;                                             156/160/164: dropped counts
;;
;; Memory map:
;;   0x0400-0x04ff  static strings; 0x0420 the current span id (16 bytes)
;;   0x1000         span-data record
;;   0x1100         attributes (1 key-value)
;;   0x8000         return area of outer-span-context (28 bytes)
;;   0x10000-       bump heap of cabi_realloc, reset on every turn of poll()
(module
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-start"
    (func $on_start (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-end"
    (func $on_end (param i32)))
  (import "wasi:otel/tracing@0.2.0-rc.2" "outer-span-context"
    (func $outer_span_context (param i32)))
  (import "wasi:clocks/monotonic-clock@0.2.0" "now"
    (func $now (result i64)))

  (memory (export "memory") 2)

  (global $heap (mut i32) (i32.const 0x10000))
  (global $counter (mut i64) (i64.const 0))
  (global $ready (mut i32) (i32.const 0))

  ;; address        text                                     length
  (data (i32.const 0x0400) "f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1") ;; 32 trace id
  (data (i32.const 0x0440) "flood")                          ;; 5 name, scope
  (data (i32.const 0x0450) "flood.kind")                     ;; 10
  (data (i32.const 0x0460) "\"x\"")                          ;; 3

  (func $cabi_realloc (export "cabi_realloc")
    (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32)
    (result i32)
    (local $ptr i32)
    (local $need i32)
    (local.set $ptr
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $ptr) (local.get $new_size)))
    (local.set $need
      (i32.sub (global.get $heap) (i32.shl (memory.size) (i32.const 16))))
    (if (i32.gt_s (local.get $need) (i32.const 0))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u (i32.add (local.get $need) (i32.const 0xffff)) (i32.const 16)))
              (i32.const -1))
          (then unreachable))))
    (if (local.get $old)
      (then
        (memory.copy (local.get $ptr) (local.get $old)
          (select (local.get $old_size) (local.get $new_size)
            (i32.lt_u (local.get $old_size) (local.get $new_size))))))
    (local.get $ptr))

  (func $pair (param $at i32) (param $ptr i32) (param $len i32)
    (i32.store (local.get $at) (local.get $ptr))
    (i32.store offset=4 (local.get $at) (local.get $len)))

  (func $datetime (param $at i32) (param $s i64) (param $ns i32)
    (i64.store (local.get $at) (local.get $s))
    (i32.store offset=8 (local.get $at) (local.get $ns)))

  ;; $v as 16 lowercase hex digits at $at.
  (func $hex16 (param $at i32) (param $v i64)
    (local $i i32)
    (local $d i32)
    (local.set $i (i32.const 15))
    (loop $digit
      (local.set $d (i32.wrap_i64 (i64.and (local.get $v) (i64.const 15))))
      (i32.store8 (i32.add (local.get $at) (local.get $i))
        (i32.add (local.get $d)
          (select (i32.const 48) (i32.const 87) (i32.lt_u (local.get $d) (i32.const 10)))))
      (local.set $v (i64.shr_u (local.get $v) (i64.const 4)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $digit (i32.ge_s (local.get $i) (i32.const 0)))))

  (func $init
    (local $s i32)
    (local.set $s (i32.const 0x1000))
    (memory.fill (local.get $s) (i32.const 0) (i32.const 168))
    (call $pair (local.get $s) (i32.const 0x0400) (i32.const 32))
    (call $pair (i32.add (local.get $s) (i32.const 8)) (i32.const 0x0420) (i32.const 16))
    (i32.store8 offset=16 (local.get $s) (i32.const 1))        ;; sampled
    ;; parent-span-id '' (zeroed), kind internal, name, times
    (i32.store8 offset=36 (local.get $s) (i32.const 4))
    (call $pair (i32.add (local.get $s) (i32.const 40)) (i32.const 0x0440) (i32.const 5))
    (call $datetime (i32.add (local.get $s) (i32.const 48)) (i64.const 1700000000) (i32.const 0))
    (call $datetime (i32.add (local.get $s) (i32.const 64)) (i64.const 1700000000) (i32.const 1000))
    (call $pair (i32.const 0x1100) (i32.const 0x0450) (i32.const 10))
    (call $pair (i32.const 0x1108) (i32.const 0x0460) (i32.const 3))
    (call $pair (i32.add (local.get $s) (i32.const 80)) (i32.const 0x1100) (i32.const 1))
    ;; events [], links [], status unset (zeroed); scope 'flood'
    (call $pair (i32.add (local.get $s) (i32.const 116)) (i32.const 0x0440) (i32.const 5))
    (global.set $ready (i32.const 1)))

  ;; The next span id into 0x0420, then on-start of it.
  (func $start_next
    (if (i32.eqz (global.get $ready)) (then (call $init)))
    (global.set $counter (i64.add (global.get $counter) (i64.const 1)))
    (call $hex16 (i32.const 0x0420) (global.get $counter))
    (call $on_start
      (i32.const 0x0400) (i32.const 32)
      (i32.const 0x0420) (i32.const 16)
      (i32.const 1) (i32.const 0)
      (i32.const 0) (i32.const 0)))

  (func $spans (export "spans") (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $start_next)
        (call $on_end (i32.const 0x1000))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))

  (func (export "spans-15k") (call $spans (i32.const 15000)))
  (func (export "spans-100k") (call $spans (i32.const 100000)))
  (func (export "spans-1m") (call $spans (i32.const 1000000)))

  (func (export "spin")
    (call $spans (i32.const 1000))
    (call $start_next)
    (loop $forever (br $forever)))

  (func (export "poll")
    (call $spans (i32.const 1000))
    (call $start_next)
    (loop $forever
      (global.set $heap (i32.const 0x10000))
      (call $outer_span_context (i32.const 0x8000))
      (br $forever)))

  (func (export "poll-clock")
    (call $spans (i32.const 1000))
    (call $start_next)
    (loop $forever
      (drop (call $now))
      (br $forever)))
)
