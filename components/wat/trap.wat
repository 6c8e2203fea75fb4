;; trap: starts one span, then traps. Targets wasi:otel@0.2.0-rc.2 (tracing
;; with outer-span-context). World `trap` in wit/guests/rc.2/guests.wit.
;; No WASI imports.
;;
;; Export run: func():
;;   1. H = outer-span-context()
;;   2. span `trapped`: trace-id = H.trace-id, span-id 'd000000000000001',
;;      trace-flags / trace-state copied from H, is-remote false;
;;      on-start(trapped)
;;   3. `unreachable`: the call traps; on-end is never called.
;; (The span-data record for `trapped` is filled in memory before the trap,
;; with parent-span-id = H.span-id, kind internal, times {1700000000, 0} /
;; {1700000000, 1000000}, scope 'wasm-otel-trap', but it is never sent.)
;;
;; Canonical ABI (32-bit memory, little endian, UTF-8 strings):
;;   on-start(context: span-context): 8 flat i32 params
;;     trace-id.ptr, trace-id.len, span-id.ptr, span-id.len, trace-flags,
;;     is-remote, trace-state.ptr, trace-state.len
;;   on-end(span: span-data): one i32, pointer to a span-data record
;;   outer-span-context() -> span-context: one i32 return pointer; the host
;;     writes the 28-byte span-context there, allocating its strings and the
;;     trace-state list through our exported cabi_realloc.
;;   Layouts (offset: field):
;;     string / list        8 bytes, align 4   0: ptr  4: len
;;     datetime            16 bytes, align 8   0: seconds u64  8: nanoseconds u32
;;     span-context        28 bytes, align 4   0: trace-id  8: span-id
;;                                             16: trace-flags u8 (bit0 sampled)
;;                                             17: is-remote u8  20: trace-state
;;     status              12 bytes, align 4   0: tag u8 (0 unset, 1 ok, 2 error)  4: string
;;     option<string>      12 bytes, align 4   0: tag u8 (0 none)  4: string
;;     instrumentation-scope 40 bytes, align 4 0: name  8: version  20: schema-url
;;                                             32: attributes
;;     span-kind u8: 0 client, 1 server, 2 producer, 3 consumer, 4 internal
;;     span-data          168 bytes, align 8   0: span-context  28: parent-span-id
;;                                             36: span-kind  40: name
;;                                             48: start-time  64: end-time
;;                                             80: attributes  88: events  96: links
;;                                             104: status  116: instrumentation-scope
;;                                             156/160/164: dropped attributes/events/links
;;
;; Memory map:
;;   0x0400-0x043f  static strings
;;   0x1000         span-data `trapped`
;;   0x8000         return area for H (28 bytes)
;;   0x10000-       bump heap for cabi_realloc, reset at the start of run
(module
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-start"
    (func $on_start (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-end"
    (func $on_end (param i32)))
  (import "wasi:otel/tracing@0.2.0-rc.2" "outer-span-context"
    (func $outer_span_context (param i32)))

  (memory (export "memory") 1)

  (global $heap (mut i32) (i32.const 0x10000))

  (data (i32.const 0x0400) "d000000000000001")       ;; 16
  (data (i32.const 0x0410) "trapped")                ;; 7
  (data (i32.const 0x0420) "wasm-otel-trap")         ;; 14

  ;; Bump allocator; memory is only reclaimed when run starts again.
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

  ;; Store a (ptr, len) pair (a string or list) at $at.
  (func $pair (param $at i32) (param $ptr i32) (param $len i32)
    (i32.store (local.get $at) (local.get $ptr))
    (i32.store offset=4 (local.get $at) (local.get $len)))

  ;; Store a datetime at $at.
  (func $datetime (param $at i32) (param $s i64) (param $ns i32)
    (i64.store (local.get $at) (local.get $s))
    (i32.store offset=8 (local.get $at) (local.get $ns)))

  ;; Zero the span-data at $s, then set its name, kind internal and scope.
  (func $span_init (param $s i32) (param $name i32) (param $name_len i32)
    (memory.fill (local.get $s) (i32.const 0) (i32.const 168))
    (i32.store8 offset=36 (local.get $s) (i32.const 4))
    (call $pair (i32.add (local.get $s) (i32.const 40)) (local.get $name) (local.get $name_len))
    (call $pair (i32.add (local.get $s) (i32.const 116)) (i32.const 0x0420) (i32.const 14)))

  ;; Make the span-data at $s a child of the span-context at $p: copy the
  ;; trace-id, trace-flags and trace-state of $p, use $p's span-id as the
  ;; parent-span-id, set the span's own span-id, is-remote false.
  (func $child_of (param $s i32) (param $p i32) (param $sid i32) (param $sid_len i32)
    (call $pair (local.get $s) (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)))
    (call $pair (i32.add (local.get $s) (i32.const 8)) (local.get $sid) (local.get $sid_len))
    (i32.store8 offset=16 (local.get $s) (i32.load8_u offset=16 (local.get $p)))
    (i32.store8 offset=17 (local.get $s) (i32.const 0))
    (call $pair (i32.add (local.get $s) (i32.const 20))
      (i32.load offset=20 (local.get $p)) (i32.load offset=24 (local.get $p)))
    (call $pair (i32.add (local.get $s) (i32.const 28))
      (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p))))

  ;; on-start with the span-context at $c (also works on a span-data record,
  ;; which starts with its span-context).
  (func $start_at (param $c i32)
    (call $on_start
      (i32.load (local.get $c)) (i32.load offset=4 (local.get $c))
      (i32.load offset=8 (local.get $c)) (i32.load offset=12 (local.get $c))
      (i32.load8_u offset=16 (local.get $c)) (i32.load8_u offset=17 (local.get $c))
      (i32.load offset=20 (local.get $c)) (i32.load offset=24 (local.get $c))))

  (func (export "run")
    (global.set $heap (i32.const 0x10000))
    (call $outer_span_context (i32.const 0x8000))
    (call $span_init (i32.const 0x1000) (i32.const 0x0410) (i32.const 7))
    (call $child_of (i32.const 0x1000) (i32.const 0x8000) (i32.const 0x0400) (i32.const 16))
    (call $datetime (i32.const 0x1030) (i64.const 1700000000) (i32.const 0))
    (call $datetime (i32.const 0x1040) (i64.const 1700000000) (i32.const 1000000))
    (call $start_at (i32.const 0x1000))
    unreachable)
)
