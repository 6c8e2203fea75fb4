;; bad-input: feeds the host invalid or absurd tracing data. Every export
;; ends with one VALID span `<export>-ok`, so tests can check that good data
;; around the bad data still arrives. Targets wasi:otel@0.2.0-rc.2 (tracing
;; with outer-span-context). World `bad-input` in wit/guests/rc.2/guests.wit.
;; No WASI imports.
;;
;; Every export first calls H = outer-span-context() once. Unless stated
;; otherwise a span below has: trace-id = H.trace-id, parent-span-id =
;; H.span-id, trace-flags / trace-state copied from H, is-remote false,
;; kind internal, status unset, start {1700000000, 0}, end
;; {1700000000, 1000000}, no attributes / events / links, dropped-* = 0,
;; instrumentation-scope { name 'wasm-otel-bad-input', version none,
;; schema-url none, attributes [] }.
;;
;; `<export>-ok` (last thing every export does): on-start, then on-end of
;;   name '<export>-ok', attributes valid='true', span-id:
;;   bad-ids-ok 'e000000000000001', end-unknown-ok 'e000000000000002',
;;   end-twice-ok 'e000000000000003', bad-json-ok 'e000000000000004',
;;   huge-ok 'e000000000000005'.
;;
;; bad-ids:     on-start and on-end of span 'bad-ids' with trace-id 'xyz',
;;              span-id '123', parent-span-id '' (root), trace-flags sampled,
;;              trace-state [].
;; end-unknown: on-end ONLY of span 'end-unknown', span-id 'e000000000000010'
;;              (never started).
;; end-twice:   on-start once, then on-end TWICE (identical data) of span
;;              'end-twice', span-id 'e000000000000020'.
;; bad-json:    span 'bad-json', span-id 'e000000000000030', on-start + on-end,
;;              attributes (key: raw value text):
;;                bad.not_json:      not json
;;                bad.open_brace:    {
;;                bad.unterminated:  "unterminated
;;                good:              "fine"        (valid JSON string)
;; huge:        two absurd spans, each on-start then on-end:
;;              'huge-attributes', span-id 'e000000000000040', with
;;                100001 attributes: keys 'huge.00000000' .. 'huge.0001869f'
;;                  (index as 8 lowercase hex digits), each value '0';
;;                  then 'huge.value' whose value is a 1 MiB (1048576-byte)
;;                  JSON string: '"' + 1048574 x 'v' + '"';
;;                10000 events, all 'huge-event' at {1700000000, 500000},
;;                  no attributes;
;;                10000 links, all to trace '0af7651916cd43dd8448eb211c80319c'
;;                  span 'b7ad6b7169203331', sampled, is-remote true,
;;                  trace-state [], no attributes;
;;              then a span whose NAME is 1048576 x 'n' (1 MiB), span-id
;;                'e000000000000041', nothing else.
;;              About 6 MB of guest memory; the host should apply span limits.
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
;;     key-value           16 bytes, align 4   0: key  8: value
;;     event               32 bytes, align 8   0: name  8: time  24: attributes
;;     link                36 bytes, align 4   0: span-context  28: attributes
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
;;   0x0400-0x067f  static strings
;;   0x1000         span-data A (the bad span of each export / huge-attributes)
;;   0x1100         span-data B (the 1 MiB-name span of `huge`)
;;   0x1200         span-data of `<export>-ok`
;;   0x1300         attributes of `<export>-ok` (1 key-value)
;;   0x1340         attributes of `bad-json` (4 key-values)
;;   0x8000         return area for H (28 bytes)
;;   0x10000-       bump heap for cabi_realloc and `huge`, reset at the start
;;                  of every export
(module
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-start"
    (func $on_start (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-end"
    (func $on_end (param i32)))
  (import "wasi:otel/tracing@0.2.0-rc.2" "outer-span-context"
    (func $outer_span_context (param i32)))

  (memory (export "memory") 1)

  (global $heap (mut i32) (i32.const 0x10000))

  ;; address                text                        length
  (data (i32.const 0x0400) "xyz")                       ;; 3
  (data (i32.const 0x0410) "123")                       ;; 3
  (data (i32.const 0x0420) "bad-ids")                   ;; 7
  (data (i32.const 0x0430) "bad-ids-ok")                ;; 10
  (data (i32.const 0x0440) "end-unknown")               ;; 11
  (data (i32.const 0x0450) "end-unknown-ok")            ;; 14
  (data (i32.const 0x0460) "end-twice")                 ;; 9
  (data (i32.const 0x0470) "end-twice-ok")              ;; 12
  (data (i32.const 0x0480) "bad-json")                  ;; 8
  (data (i32.const 0x0490) "bad-json-ok")               ;; 11
  (data (i32.const 0x04a0) "huge-attributes")           ;; 15
  (data (i32.const 0x04b0) "huge-ok")                   ;; 7
  (data (i32.const 0x04c0) "e000000000000001")          ;; 16
  (data (i32.const 0x04d0) "e000000000000002")          ;; 16
  (data (i32.const 0x04e0) "e000000000000003")          ;; 16
  (data (i32.const 0x04f0) "e000000000000004")          ;; 16
  (data (i32.const 0x0500) "e000000000000005")          ;; 16
  (data (i32.const 0x0510) "e000000000000010")          ;; 16
  (data (i32.const 0x0520) "e000000000000020")          ;; 16
  (data (i32.const 0x0530) "e000000000000030")          ;; 16
  (data (i32.const 0x0540) "e000000000000040")          ;; 16
  (data (i32.const 0x0550) "e000000000000041")          ;; 16
  (data (i32.const 0x0560) "wasm-otel-bad-input")       ;; 19
  (data (i32.const 0x0580) "valid")                     ;; 5
  (data (i32.const 0x0588) "true")                      ;; 4
  (data (i32.const 0x0590) "bad.not_json")              ;; 12
  (data (i32.const 0x05a0) "not json")                  ;; 8
  (data (i32.const 0x05b0) "bad.open_brace")            ;; 14
  (data (i32.const 0x05c0) "{")                         ;; 1
  (data (i32.const 0x05d0) "bad.unterminated")          ;; 16
  (data (i32.const 0x05e0) "\"unterminated")            ;; 13
  (data (i32.const 0x05f0) "good")                      ;; 4
  (data (i32.const 0x05f8) "\"fine\"")                  ;; 6
  (data (i32.const 0x0600) "huge.value")                ;; 10
  (data (i32.const 0x0610) "huge-event")                ;; 10
  (data (i32.const 0x0620) "0af7651916cd43dd8448eb211c80319c") ;; 32
  (data (i32.const 0x0640) "b7ad6b7169203331")          ;; 16
  (data (i32.const 0x0650) "0123456789abcdef")          ;; 16 (hex digits)
  (data (i32.const 0x0660) "0")                         ;; 1
  (data (i32.const 0x0668) "huge.")                     ;; 5

  ;; Bump allocator; memory is only reclaimed when an export starts.
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

  ;; Allocate from the same bump heap.
  (func $alloc (param $align i32) (param $size i32) (result i32)
    (call $cabi_realloc (i32.const 0) (i32.const 0) (local.get $align) (local.get $size)))

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

  ;; Zero the span-data at $s, then set name, kind internal, the fixed
  ;; times and the scope name.
  (func $span_init (param $s i32) (param $name i32) (param $name_len i32)
    (memory.fill (local.get $s) (i32.const 0) (i32.const 168))
    (i32.store8 offset=36 (local.get $s) (i32.const 4))
    (call $pair (i32.add (local.get $s) (i32.const 40)) (local.get $name) (local.get $name_len))
    (call $datetime (i32.add (local.get $s) (i32.const 48)) (i64.const 1700000000) (i32.const 0))
    (call $datetime (i32.add (local.get $s) (i32.const 64)) (i64.const 1700000000) (i32.const 1000000))
    (call $pair (i32.add (local.get $s) (i32.const 116)) (i32.const 0x0560) (i32.const 19)))

  ;; Make the span-data at $s a child of the span-context at $p (see
  ;; current-span.wat): trace-id, trace-flags, trace-state from $p,
  ;; parent-span-id = $p's span-id, own span-id, is-remote false.
  (func $child_of (param $s i32) (param $p i32) (param $sid i32) (param $sid_len i32)
    (call $pair (local.get $s) (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)))
    (call $pair (i32.add (local.get $s) (i32.const 8)) (local.get $sid) (local.get $sid_len))
    (i32.store8 offset=16 (local.get $s) (i32.load8_u offset=16 (local.get $p)))
    (i32.store8 offset=17 (local.get $s) (i32.const 0))
    (call $pair (i32.add (local.get $s) (i32.const 20))
      (i32.load offset=20 (local.get $p)) (i32.load offset=24 (local.get $p)))
    (call $pair (i32.add (local.get $s) (i32.const 28))
      (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p))))

  ;; on-start with the span-context at $c (a span-data record starts with it).
  (func $start_at (param $c i32)
    (call $on_start
      (i32.load (local.get $c)) (i32.load offset=4 (local.get $c))
      (i32.load offset=8 (local.get $c)) (i32.load offset=12 (local.get $c))
      (i32.load8_u offset=16 (local.get $c)) (i32.load8_u offset=17 (local.get $c))
      (i32.load offset=20 (local.get $c)) (i32.load offset=24 (local.get $c))))

  ;; Start of every export: reset the heap, H = outer-span-context() at 0x8000.
  (func $prologue
    (global.set $heap (i32.const 0x10000))
    (call $outer_span_context (i32.const 0x8000)))

  ;; The valid `<export>-ok` span: child of H, attribute valid='true'.
  (func $ok_span (param $name i32) (param $name_len i32) (param $sid i32)
    (call $span_init (i32.const 0x1200) (local.get $name) (local.get $name_len))
    (call $child_of (i32.const 0x1200) (i32.const 0x8000) (local.get $sid) (i32.const 16))
    (call $kv (i32.const 0x1300) (i32.const 0x0580) (i32.const 5) (i32.const 0x0588) (i32.const 4))
    (call $pair (i32.const 0x1250) (i32.const 0x1300) (i32.const 1))   ;; attributes (offset 80)
    (call $start_at (i32.const 0x1200))
    (call $on_end (i32.const 0x1200)))

  ;; Write $v as 8 lowercase hex digits at $dst.
  (func $hex8 (param $dst i32) (param $v i32)
    (local $i i32)
    (loop $digit
      (i32.store8
        (i32.add (local.get $dst) (local.get $i))
        (i32.load8_u
          (i32.add (i32.const 0x0650)
            (i32.and
              (i32.shr_u (local.get $v)
                (i32.sub (i32.const 28) (i32.shl (local.get $i) (i32.const 2))))
              (i32.const 15)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $digit (i32.lt_u (local.get $i) (i32.const 8)))))

  (func (export "bad-ids")
    (call $prologue)
    (call $span_init (i32.const 0x1000) (i32.const 0x0420) (i32.const 7))
    (call $pair (i32.const 0x1000) (i32.const 0x0400) (i32.const 3))   ;; trace-id 'xyz'
    (call $pair (i32.const 0x1008) (i32.const 0x0410) (i32.const 3))   ;; span-id '123'
    (i32.store8 (i32.const 0x1010) (i32.const 1))                      ;; sampled
    ;; is-remote 0, trace-state [], parent-span-id '' (all zeroed)
    (call $start_at (i32.const 0x1000))
    (call $on_end (i32.const 0x1000))
    (call $ok_span (i32.const 0x0430) (i32.const 10) (i32.const 0x04c0)))

  (func (export "end-unknown")
    (call $prologue)
    (call $span_init (i32.const 0x1000) (i32.const 0x0440) (i32.const 11))
    (call $child_of (i32.const 0x1000) (i32.const 0x8000) (i32.const 0x0510) (i32.const 16))
    (call $on_end (i32.const 0x1000))
    (call $ok_span (i32.const 0x0450) (i32.const 14) (i32.const 0x04d0)))

  (func (export "end-twice")
    (call $prologue)
    (call $span_init (i32.const 0x1000) (i32.const 0x0460) (i32.const 9))
    (call $child_of (i32.const 0x1000) (i32.const 0x8000) (i32.const 0x0520) (i32.const 16))
    (call $start_at (i32.const 0x1000))
    (call $on_end (i32.const 0x1000))
    (call $on_end (i32.const 0x1000))
    (call $ok_span (i32.const 0x0470) (i32.const 12) (i32.const 0x04e0)))

  (func (export "bad-json")
    (call $prologue)
    (call $span_init (i32.const 0x1000) (i32.const 0x0480) (i32.const 8))
    (call $child_of (i32.const 0x1000) (i32.const 0x8000) (i32.const 0x0530) (i32.const 16))
    (call $kv (i32.const 0x1340) (i32.const 0x0590) (i32.const 12) (i32.const 0x05a0) (i32.const 8))
    (call $kv (i32.const 0x1350) (i32.const 0x05b0) (i32.const 14) (i32.const 0x05c0) (i32.const 1))
    (call $kv (i32.const 0x1360) (i32.const 0x05d0) (i32.const 16) (i32.const 0x05e0) (i32.const 13))
    (call $kv (i32.const 0x1370) (i32.const 0x05f0) (i32.const 4) (i32.const 0x05f8) (i32.const 6))
    (call $pair (i32.const 0x1050) (i32.const 0x1340) (i32.const 4))   ;; attributes (offset 80)
    (call $start_at (i32.const 0x1000))
    (call $on_end (i32.const 0x1000))
    (call $ok_span (i32.const 0x0490) (i32.const 11) (i32.const 0x04f0)))

  (func (export "huge")
    (local $i i32)
    (local $keys i32)
    (local $kvs i32)
    (local $val i32)
    (local $evs i32)
    (local $lnk i32)
    (local $p i32)
    (call $prologue)
    ;; --- span A: huge-attributes
    (call $span_init (i32.const 0x1000) (i32.const 0x04a0) (i32.const 15))
    (call $child_of (i32.const 0x1000) (i32.const 0x8000) (i32.const 0x0540) (i32.const 16))
    ;; 100000 attributes 'huge.<8 hex>' = '0', plus 'huge.value' = 1 MiB string
    (local.set $keys (call $alloc (i32.const 1) (i32.const 1300000)))   ;; 100000 x 13
    (local.set $kvs (call $alloc (i32.const 4) (i32.const 1600016)))    ;; 100001 x 16
    (local.set $i (i32.const 0))
    (loop $attr
      (local.set $p (i32.add (local.get $keys) (i32.mul (local.get $i) (i32.const 13))))
      (memory.copy (local.get $p) (i32.const 0x0668) (i32.const 5))
      (call $hex8 (i32.add (local.get $p) (i32.const 5)) (local.get $i))
      (call $kv (i32.add (local.get $kvs) (i32.shl (local.get $i) (i32.const 4)))
        (local.get $p) (i32.const 13) (i32.const 0x0660) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $attr (i32.lt_u (local.get $i) (i32.const 100000))))
    (local.set $val (call $alloc (i32.const 1) (i32.const 1048576)))
    (memory.fill (local.get $val) (i32.const 0x76) (i32.const 1048576))  ;; 'v'
    (i32.store8 (local.get $val) (i32.const 0x22))                      ;; '"'
    (i32.store8 offset=1048575 (local.get $val) (i32.const 0x22))       ;; '"'
    (call $kv (i32.add (local.get $kvs) (i32.const 1600000))
      (i32.const 0x0600) (i32.const 10) (local.get $val) (i32.const 1048576))
    (call $pair (i32.const 0x1050) (local.get $kvs) (i32.const 100001))  ;; attributes
    ;; 10000 events
    (local.set $evs (call $alloc (i32.const 8) (i32.const 320000)))     ;; 10000 x 32
    (local.set $i (i32.const 0))
    (loop $event
      (local.set $p (i32.add (local.get $evs) (i32.shl (local.get $i) (i32.const 5))))
      (call $pair (local.get $p) (i32.const 0x0610) (i32.const 10))
      (call $datetime (i32.add (local.get $p) (i32.const 8)) (i64.const 1700000000) (i32.const 500000))
      (call $pair (i32.add (local.get $p) (i32.const 24)) (i32.const 0) (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $event (i32.lt_u (local.get $i) (i32.const 10000))))
    (call $pair (i32.const 0x1058) (local.get $evs) (i32.const 10000))  ;; events (offset 88)
    ;; 10000 links
    (local.set $lnk (call $alloc (i32.const 4) (i32.const 360000)))     ;; 10000 x 36
    (local.set $i (i32.const 0))
    (loop $link
      (local.set $p (i32.add (local.get $lnk) (i32.mul (local.get $i) (i32.const 36))))
      (call $pair (local.get $p) (i32.const 0x0620) (i32.const 32))
      (call $pair (i32.add (local.get $p) (i32.const 8)) (i32.const 0x0640) (i32.const 16))
      (i32.store8 offset=16 (local.get $p) (i32.const 1))               ;; sampled
      (i32.store8 offset=17 (local.get $p) (i32.const 1))               ;; remote
      (call $pair (i32.add (local.get $p) (i32.const 20)) (i32.const 0) (i32.const 0))
      (call $pair (i32.add (local.get $p) (i32.const 28)) (i32.const 0) (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $link (i32.lt_u (local.get $i) (i32.const 10000))))
    (call $pair (i32.const 0x1060) (local.get $lnk) (i32.const 10000))  ;; links (offset 96)
    (call $start_at (i32.const 0x1000))
    (call $on_end (i32.const 0x1000))
    ;; --- span B: 1 MiB name
    (local.set $p (call $alloc (i32.const 1) (i32.const 1048576)))
    (memory.fill (local.get $p) (i32.const 0x6e) (i32.const 1048576))    ;; 'n'
    (call $span_init (i32.const 0x1100) (local.get $p) (i32.const 1048576))
    (call $child_of (i32.const 0x1100) (i32.const 0x8000) (i32.const 0x0550) (i32.const 16))
    (call $start_at (i32.const 0x1100))
    (call $on_end (i32.const 0x1100))
    (call $ok_span (i32.const 0x04b0) (i32.const 7) (i32.const 0x0500)))
)
