;; span-bench: the cheapest possible wasi:otel@0.2.0-rc.2 tracing guest, for
;; benchmarks. World `span-bench` in wit/guests/rc.2/guests.wit.
;;
;; Exports
;;   emit-span: func()           one on-start + one on-end of the span below
;;   emit-spans: func(n: u32)    emit-span, n times
;; Imports: only wasi:otel/tracing@0.2.0-rc.2 (no WASI). Never calls
;; outer-span-context, so the host never writes into guest memory and no
;; cabi_realloc is needed.
;;
;; The span (identical on every call; built once, on first use):
;;   span-context  trace-id 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0'
;;                 span-id  'b000000000000001'
;;                 trace-flags { sampled }, is-remote false, trace-state []
;;   parent-span-id 'b0000000000000ff'   (fixed; not the host's span)
;;   name 'bench-span', kind server, status ok
;;   start-time {1700000000, 0}, end-time {1700000000, 1000000}
;;   attributes (JSON values):
;;     http.request.method        '"GET"'
;;     http.route                 '"/bench"'
;;     http.response.status_code  '200'
;;     bench.flag                 'true'
;;     bench.ratio                '0.5'
;;   events: 'bench-event' at {1700000000, 500000}, attributes bench.step '1'
;;   links: []
;;   instrumentation-scope { name 'wasm-otel-span-bench', version none,
;;                           schema-url none, attributes [] }
;;   dropped-* = 0
;;
;; Canonical ABI (32-bit memory, little endian, UTF-8 strings):
;;   on-start(context: span-context) is lowered FLAT to 8 i32 params:
;;     trace-id.ptr, trace-id.len, span-id.ptr, span-id.len, trace-flags,
;;     is-remote, trace-state.ptr, trace-state.len
;;   on-end(span: span-data) has more than 16 flat params, so it gets ONE i32:
;;     a pointer to a span-data record in linear memory.
;;   outer-span-context() -> span-context (not used here) gets ONE i32: a
;;     return pointer where the host writes a 28-byte span-context.
;;   Record layouts (offset: field):
;;     string / list        8 bytes, align 4   0: ptr  4: len
;;     datetime            16 bytes, align 8   0: seconds u64  8: nanoseconds u32
;;     span-context        28 bytes, align 4   0: trace-id  8: span-id
;;                                             16: trace-flags u8 (bit0 sampled)
;;                                             17: is-remote u8  20: trace-state
;;                                                 (list of 16-byte tuple<string,string>)
;;     key-value           16 bytes, align 4   0: key  8: value
;;     event               32 bytes, align 8   0: name  8: time  24: attributes
;;     link                36 bytes, align 4   0: span-context  28: attributes
;;     status              12 bytes, align 4   0: tag u8 (0 unset, 1 ok, 2 error)
;;                                             4: error string
;;     option<string>      12 bytes, align 4   0: tag u8 (0 none, 1 some)  4: string
;;     instrumentation-scope 40 bytes, align 4 0: name  8: version option
;;                                             20: schema-url option  32: attributes
;;     span-kind u8: 0 client, 1 server, 2 producer, 3 consumer, 4 internal
;;     span-data          168 bytes, align 8   0: span-context  28: parent-span-id
;;                                             36: span-kind  40: name
;;                                             48: start-time  64: end-time
;;                                             80: attributes  88: events  96: links
;;                                             104: status  116: instrumentation-scope
;;                                             156: dropped-attributes
;;                                             160: dropped-events  164: dropped-links
;;
;; Memory map of this module:
;;   0x0400-0x055f  static strings (data segments below)
;;   0x1000         span-data record (168 bytes)
;;   0x1100         attributes: 5 key-values
;;   0x1180         events: 1 event
;;   0x11c0         event attributes: 1 key-value
(module
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-start"
    (func $on_start (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-end"
    (func $on_end (param i32)))

  (memory (export "memory") 1)

  (global $ready (mut i32) (i32.const 0))

  ;; address        text                                     length
  (data (i32.const 0x0400) "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0") ;; 32 trace id
  (data (i32.const 0x0420) "b000000000000001")      ;; 16 span id
  (data (i32.const 0x0430) "b0000000000000ff")      ;; 16 parent span id
  (data (i32.const 0x0440) "bench-span")            ;; 10
  (data (i32.const 0x0450) "wasm-otel-span-bench")  ;; 20
  (data (i32.const 0x0470) "bench-event")           ;; 11
  (data (i32.const 0x0480) "http.request.method")   ;; 19
  (data (i32.const 0x04a0) "\"GET\"")               ;; 5
  (data (i32.const 0x04b0) "http.route")            ;; 10
  (data (i32.const 0x04c0) "\"/bench\"")            ;; 8
  (data (i32.const 0x04d0) "http.response.status_code") ;; 25
  (data (i32.const 0x04f0) "200")                   ;; 3
  (data (i32.const 0x0500) "bench.flag")            ;; 10
  (data (i32.const 0x0510) "true")                  ;; 4
  (data (i32.const 0x0520) "bench.ratio")           ;; 11
  (data (i32.const 0x0530) "0.5")                   ;; 3
  (data (i32.const 0x0540) "bench.step")            ;; 10
  (data (i32.const 0x0550) "1")                     ;; 1

  ;; Store a (ptr, len) pair (a string or list) at $at.
  (func $pair (param $at i32) (param $ptr i32) (param $len i32)
    (i32.store (local.get $at) (local.get $ptr))
    (i32.store offset=4 (local.get $at) (local.get $len)))

  ;; Store a datetime at $at.
  (func $datetime (param $at i32) (param $s i64) (param $ns i32)
    (i64.store (local.get $at) (local.get $s))
    (i32.store offset=8 (local.get $at) (local.get $ns)))

  ;; Store a key-value (two strings) at $at.
  (func $kv (param $at i32) (param $k i32) (param $klen i32) (param $v i32) (param $vlen i32)
    (call $pair (local.get $at) (local.get $k) (local.get $klen))
    (call $pair (i32.add (local.get $at) (i32.const 8)) (local.get $v) (local.get $vlen)))

  ;; Build the span-data record (and the arrays it points to) once.
  (func $init
    (local $s i32)
    (local.set $s (i32.const 0x1000))
    (memory.fill (local.get $s) (i32.const 0) (i32.const 168))
    ;; span-context
    (call $pair (local.get $s) (i32.const 0x0400) (i32.const 32))
    (call $pair (i32.add (local.get $s) (i32.const 8)) (i32.const 0x0420) (i32.const 16))
    (i32.store8 offset=16 (local.get $s) (i32.const 1))        ;; sampled
    (i32.store8 offset=17 (local.get $s) (i32.const 0))        ;; not remote
    (call $pair (i32.add (local.get $s) (i32.const 20)) (i32.const 0) (i32.const 0)) ;; trace-state []
    ;; parent, kind, name, times
    (call $pair (i32.add (local.get $s) (i32.const 28)) (i32.const 0x0430) (i32.const 16))
    (i32.store8 offset=36 (local.get $s) (i32.const 1))        ;; server
    (call $pair (i32.add (local.get $s) (i32.const 40)) (i32.const 0x0440) (i32.const 10))
    (call $datetime (i32.add (local.get $s) (i32.const 48)) (i64.const 1700000000) (i32.const 0))
    (call $datetime (i32.add (local.get $s) (i32.const 64)) (i64.const 1700000000) (i32.const 1000000))
    ;; attributes -> 0x1100, 5 entries
    (call $kv (i32.const 0x1100) (i32.const 0x0480) (i32.const 19) (i32.const 0x04a0) (i32.const 5))
    (call $kv (i32.const 0x1110) (i32.const 0x04b0) (i32.const 10) (i32.const 0x04c0) (i32.const 8))
    (call $kv (i32.const 0x1120) (i32.const 0x04d0) (i32.const 25) (i32.const 0x04f0) (i32.const 3))
    (call $kv (i32.const 0x1130) (i32.const 0x0500) (i32.const 10) (i32.const 0x0510) (i32.const 4))
    (call $kv (i32.const 0x1140) (i32.const 0x0520) (i32.const 11) (i32.const 0x0530) (i32.const 3))
    (call $pair (i32.add (local.get $s) (i32.const 80)) (i32.const 0x1100) (i32.const 5))
    ;; events -> 0x1180, 1 entry with 1 attribute at 0x11c0
    (call $pair (i32.const 0x1180) (i32.const 0x0470) (i32.const 11))
    (call $datetime (i32.const 0x1188) (i64.const 1700000000) (i32.const 500000))
    (call $kv (i32.const 0x11c0) (i32.const 0x0540) (i32.const 10) (i32.const 0x0550) (i32.const 1))
    (call $pair (i32.const 0x1198) (i32.const 0x11c0) (i32.const 1))
    (call $pair (i32.add (local.get $s) (i32.const 88)) (i32.const 0x1180) (i32.const 1))
    ;; links [] (zeroed), status ok
    (i32.store8 offset=104 (local.get $s) (i32.const 1))
    ;; instrumentation-scope: name; version/schema-url none and attributes [] (zeroed)
    (call $pair (i32.add (local.get $s) (i32.const 116)) (i32.const 0x0450) (i32.const 20))
    ;; dropped counts stay 0
    (global.set $ready (i32.const 1)))

  (func $emit_span (export "emit-span")
    (if (i32.eqz (global.get $ready)) (then (call $init)))
    (call $on_start
      (i32.const 0x0400) (i32.const 32)   ;; trace-id
      (i32.const 0x0420) (i32.const 16)   ;; span-id
      (i32.const 1)                       ;; trace-flags: sampled
      (i32.const 0)                       ;; is-remote
      (i32.const 0) (i32.const 0))        ;; trace-state []
    (call $on_end (i32.const 0x1000)))

  (func (export "emit-spans") (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $emit_span)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))
)
