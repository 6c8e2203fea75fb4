;; hostile: guest data that is cheap for the guest and expensive for a host that
;; lifts it naively. World `hostile` in wit/guests/probes/guests.wit.
;;
;; Each export sends its hostile record(s), then one valid span named
;; '<export>-ok' (trace 'a1a1...a1', span-id below, no parent, internal,
;; attribute valid = true), so a test can tell the host went on.
;;
;; amplify      span 'amplified' (trace 'a1a1...', span-id 'a100000000000001',
;;              internal, no parent, start {1700000000,0}, end {1700000000,1000})
;;              with 128 attributes and 128 events of 128 attributes each; every
;;              attribute value is the SAME 65,536-byte JSON string
;;              '"' + 65,534 x 'a' + '"' in guest memory; keys 'k00'..'k7f'
;;              (index in 2 hex digits), events 'e' at {1700000000, 500}.
;;              ~330 KB of guest memory; lifted naively, 16,512 x 64 KiB = 1 GiB.
;;              Then 'amplify-ok', span-id 'a1000000000000f1'.
;; amplify-log  log record: severity-text 'INFO', body the 64 KiB string, 16,384
;;              attributes all key 'k' with the 64 KiB string (1 GiB lifted
;;              naively). Then 'amplify-log-ok', span-id 'a1000000000000f2'.
;; deep-json    span 'deep' (span-id 'a100000000000003') with attributes
;;              deep.10000: '[' x 10,000 then ']' x 10,000
;;              deep.2000:  '[' x 2,000 then ']' x 2,000
;;              deep.32:    '[' x 32 then ']' x 32    (the deepest allowed)
;;              ok:         '"fine"'
;;              deep.spaced: ' ' then '[' x 3,000 then ']' x 3,000 (JSON allows the space)
;;              then a log record with body '[' x 10,000 ']' x 10,000 and
;;              attribute ok = '"fine"'. Then 'deep-json-ok', 'a1000000000000f3'.
;; bad-utf8     span with name bytes 'bad' 0xff 0xfe 'name' (span-id
;;              'a100000000000004') and attribute note = '"' 0xc3 0x28 '"'
;;              (invalid UTF-8 inside a JSON string), attribute fine = '"ok"'.
;;              Then 'bad-utf8-ok', span-id 'a1000000000000f4'.
;;
;; Canonical ABI (32-bit memory, little endian, UTF-8 strings):
;;   on-start(context: span-context): 8 flat i32 params
;;   on-end(span: span-data): one i32, pointer to a span-data record
;;   logs.on-emit(record: log-record): one i32, pointer to a log-record record
;;   Layouts (offset: field):
;;     string / list        8 bytes, align 4   0: ptr  4: len
;;     datetime            16 bytes, align 8   0: seconds u64  8: nanoseconds u32
;;     key-value           16 bytes, align 4   0: key  8: value
;;     event               32 bytes, align 8   0: name  8: time  24: attributes
;;     span-data          168 bytes, align 8   0: span-context (trace-id 0, span-id 8,
;;                                             flags 16, is-remote 17, trace-state 20)
;;                                             28: parent-span-id  36: span-kind  40: name
;;                                             48: start-time  64: end-time  80: attributes
;;                                             88: events  96: links  104: status
;;                                             116: instrumentation-scope  156/160/164: dropped
;;     option<string>      12 bytes, align 4   0: tag u8  4: string
;;     log-record         200 bytes, align 8   0: timestamp  24: observed-timestamp
;;                                             48: severity-text  60: severity-number
;;                                             64: body  76: attributes  88: event-name
;;                                             100: resource  124: instrumentation-scope
;;                                             168: trace-id  180: span-id  192: trace-flags
;;
;; Memory map (24 pages):
;;   0x0400-0x05ff  static strings
;;   0x0800         span-data record (168 bytes), reused by every span
;;   0x0900         log-record (200 bytes)
;;   0x0a00         attributes of small spans (4 key-values)
;;   0x1000         keys 'k00'..'k7f' (3 bytes each)
;;   0x2000         128 events (32 bytes each)
;;   0x4000         deep JSON texts: 20,000 bytes for depth 10,000 at 0x4000,
;;                  4,000 for 2,000 at 0x9000, 64 for 32 at 0xa000, 6,001 (a space
;;                  first) for 3,000 at 0xb000
;;   0x10000        the 64 KiB JSON string
;;   0x20000        the span's 128 key-values, then 128 lists of 128 for the events, to 0x60800
;;   0x61000        16,384 key-values of the log record (256 KiB) to 0xa1000
(module
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-start"
    (func $on_start (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:otel/tracing@0.2.0-rc.2" "on-end"
    (func $on_end (param i32)))
  (import "wasi:otel/logs@0.2.0-rc.2" "on-emit"
    (func $on_emit (param i32)))

  (memory (export "memory") 24)

  ;; address        text                                     length
  (data (i32.const 0x0400) "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1") ;; 32 trace id
  (data (i32.const 0x0420) "a100000000000001")  ;; 16
  (data (i32.const 0x0430) "a100000000000003")  ;; 16
  (data (i32.const 0x0440) "a100000000000004")  ;; 16
  (data (i32.const 0x0450) "a1000000000000f1")  ;; 16
  (data (i32.const 0x0460) "a1000000000000f2")  ;; 16
  (data (i32.const 0x0470) "a1000000000000f3")  ;; 16
  (data (i32.const 0x0480) "a1000000000000f4")  ;; 16
  (data (i32.const 0x0490) "amplified")         ;; 9
  (data (i32.const 0x04a0) "amplify-ok")        ;; 10
  (data (i32.const 0x04b0) "amplify-log-ok")    ;; 14
  (data (i32.const 0x04c0) "deep-json-ok")      ;; 12
  (data (i32.const 0x04d0) "bad-utf8-ok")       ;; 11
  (data (i32.const 0x04e0) "deep")              ;; 4
  (data (i32.const 0x04f0) "bad\ff\fename")     ;; 9
  (data (i32.const 0x0500) "valid")             ;; 5
  (data (i32.const 0x0508) "true")              ;; 4
  (data (i32.const 0x0510) "e")                 ;; 1
  (data (i32.const 0x0518) "INFO")              ;; 4
  (data (i32.const 0x0520) "k")                 ;; 1
  (data (i32.const 0x0528) "deep.10000")        ;; 10
  (data (i32.const 0x0538) "deep.2000")         ;; 9
  (data (i32.const 0x0548) "deep.32")           ;; 7
  (data (i32.const 0x0550) "ok")                ;; 2
  (data (i32.const 0x0558) "\"fine\"")          ;; 6
  (data (i32.const 0x0560) "note")              ;; 4
  (data (i32.const 0x0568) "\"\c3\28\"")        ;; 4
  (data (i32.const 0x0570) "fine")              ;; 4
  (data (i32.const 0x0578) "\"ok\"")            ;; 4
  (data (i32.const 0x0580) "hostile")           ;; 7 scope
  (data (i32.const 0x0590) "deep.spaced")       ;; 11

  (func $pair (param $at i32) (param $ptr i32) (param $len i32)
    (i32.store (local.get $at) (local.get $ptr))
    (i32.store offset=4 (local.get $at) (local.get $len)))

  (func $kv (param $at i32) (param $k i32) (param $klen i32) (param $v i32) (param $vlen i32)
    (call $pair (local.get $at) (local.get $k) (local.get $klen))
    (call $pair (i32.add (local.get $at) (i32.const 8)) (local.get $v) (local.get $vlen)))

  ;; A fresh span-data record at 0x0800: the given span id and name, internal,
  ;; no parent, fixed times, scope 'hostile', nothing else.
  (func $span (param $id i32) (param $name i32) (param $name_len i32)
    (memory.fill (i32.const 0x0800) (i32.const 0) (i32.const 168))
    (call $pair (i32.const 0x0800) (i32.const 0x0400) (i32.const 32))
    (call $pair (i32.const 0x0808) (local.get $id) (i32.const 16))
    (i32.store8 (i32.const 0x0810) (i32.const 1))                  ;; sampled
    (i32.store8 (i32.const 0x0824) (i32.const 4))                  ;; internal
    (call $pair (i32.const 0x0828) (local.get $name) (local.get $name_len))
    (i64.store (i32.const 0x0830) (i64.const 1700000000))
    (i64.store (i32.const 0x0840) (i64.const 1700000000))
    (i32.store (i32.const 0x0848) (i32.const 1000))
    (call $pair (i32.const 0x0874) (i32.const 0x0580) (i32.const 7)))

  (func $start (param $id i32)
    (call $on_start (i32.const 0x0400) (i32.const 32) (local.get $id) (i32.const 16)
      (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))

  (func $send (param $id i32)
    (call $start (local.get $id))
    (call $on_end (i32.const 0x0800)))

  ;; '<export>-ok' with attribute valid = true.
  (func $ok (param $id i32) (param $name i32) (param $len i32)
    (call $span (local.get $id) (local.get $name) (local.get $len))
    (call $kv (i32.const 0x0a00) (i32.const 0x0500) (i32.const 5) (i32.const 0x0508) (i32.const 4))
    (call $pair (i32.const 0x0850) (i32.const 0x0a00) (i32.const 1))
    (call $send (local.get $id)))

  ;; $n key-values at $at, all key ($k, $klen) and value the 64 KiB string;
  ;; with $distinct the key is 'kNN' (NN = index, two hex digits) instead.
  (func $kvs (param $at i32) (param $n i32) (param $k i32) (param $klen i32) (param $distinct i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $kv (i32.add (local.get $at) (i32.shl (local.get $i) (i32.const 4)))
          (select (i32.add (i32.const 0x1000) (i32.mul (local.get $i) (i32.const 3))) (local.get $k) (local.get $distinct))
          (select (i32.const 3) (local.get $klen) (local.get $distinct))
          (i32.const 0x10000) (i32.const 65536))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; 'k00'..'k7f' at 0x1000 and the 64 KiB JSON string at 0x10000.
  (func $init_big
    (local $i i32)
    (local $d i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 128)))
        (i32.store8 (i32.add (i32.const 0x1000) (i32.mul (local.get $i) (i32.const 3))) (i32.const 107))
        (local.set $d (i32.shr_u (local.get $i) (i32.const 4)))
        (i32.store8 (i32.add (i32.const 0x1001) (i32.mul (local.get $i) (i32.const 3)))
          (i32.add (local.get $d) (select (i32.const 48) (i32.const 87) (i32.lt_u (local.get $d) (i32.const 10)))))
        (local.set $d (i32.and (local.get $i) (i32.const 15)))
        (i32.store8 (i32.add (i32.const 0x1002) (i32.mul (local.get $i) (i32.const 3)))
          (i32.add (local.get $d) (select (i32.const 48) (i32.const 87) (i32.lt_u (local.get $d) (i32.const 10)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (memory.fill (i32.const 0x10000) (i32.const 97) (i32.const 65536))
    (i32.store8 (i32.const 0x10000) (i32.const 34))
    (i32.store8 (i32.const 0x1ffff) (i32.const 34)))

  (func (export "amplify")
    (local $i i32)
    (local $e i32)
    (call $init_big)
    (call $span (i32.const 0x0420) (i32.const 0x0490) (i32.const 9))
    ;; 128 span attributes: the first attribute list at 0x20000
    (call $kvs (i32.const 0x20000) (i32.const 128) (i32.const 0) (i32.const 0) (i32.const 1))
    (call $pair (i32.const 0x0850) (i32.const 0x20000) (i32.const 128))
    ;; 128 events, each with its own list of 128 attributes (all the same string)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 128)))
        (local.set $e (i32.add (i32.const 0x2000) (i32.shl (local.get $i) (i32.const 5))))
        (call $pair (local.get $e) (i32.const 0x0510) (i32.const 1))
        (i64.store offset=8 (local.get $e) (i64.const 1700000000))
        (i32.store offset=16 (local.get $e) (i32.const 500))
        (call $kvs (i32.add (i32.const 0x20800) (i32.shl (local.get $i) (i32.const 11)))
          (i32.const 128) (i32.const 0) (i32.const 0) (i32.const 1))
        (call $pair (i32.add (local.get $e) (i32.const 24))
          (i32.add (i32.const 0x20800) (i32.shl (local.get $i) (i32.const 11))) (i32.const 128))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $pair (i32.const 0x0858) (i32.const 0x2000) (i32.const 128))
    (call $send (i32.const 0x0420))
    (call $ok (i32.const 0x0450) (i32.const 0x04a0) (i32.const 10)))

  (func (export "amplify-log")
    (call $init_big)
    (memory.fill (i32.const 0x0900) (i32.const 0) (i32.const 200))
    (i32.store8 offset=48 (i32.const 0x0900) (i32.const 1))
    (call $pair (i32.const 0x0934) (i32.const 0x0518) (i32.const 4))      ;; severity-text INFO
    (i32.store8 offset=64 (i32.const 0x0900) (i32.const 1))
    (call $pair (i32.const 0x0944) (i32.const 0x10000) (i32.const 65536)) ;; body
    (call $kvs (i32.const 0x61000) (i32.const 16384) (i32.const 0x0520) (i32.const 1) (i32.const 0))
    (i32.store8 offset=76 (i32.const 0x0900) (i32.const 1))
    (call $pair (i32.const 0x0950) (i32.const 0x61000) (i32.const 16384)) ;; attributes
    (call $on_emit (i32.const 0x0900))
    (call $ok (i32.const 0x0460) (i32.const 0x04b0) (i32.const 14)))

  ;; $depth x '[' then $depth x ']' at $at.
  (func $nested (param $at i32) (param $depth i32)
    (memory.fill (local.get $at) (i32.const 91) (local.get $depth))
    (memory.fill (i32.add (local.get $at) (local.get $depth)) (i32.const 93) (local.get $depth)))

  (func (export "deep-json")
    (call $nested (i32.const 0x4000) (i32.const 10000))
    (call $nested (i32.const 0x9000) (i32.const 2000))
    (call $nested (i32.const 0xa000) (i32.const 32))
    (i32.store8 (i32.const 0xb000) (i32.const 32))
    (call $nested (i32.const 0xb001) (i32.const 3000))
    (call $span (i32.const 0x0430) (i32.const 0x04e0) (i32.const 4))
    (call $kv (i32.const 0x0a00) (i32.const 0x0528) (i32.const 10) (i32.const 0x4000) (i32.const 20000))
    (call $kv (i32.const 0x0a10) (i32.const 0x0538) (i32.const 9) (i32.const 0x9000) (i32.const 4000))
    (call $kv (i32.const 0x0a20) (i32.const 0x0548) (i32.const 7) (i32.const 0xa000) (i32.const 64))
    (call $kv (i32.const 0x0a30) (i32.const 0x0550) (i32.const 2) (i32.const 0x0558) (i32.const 6))
    (call $kv (i32.const 0x0a40) (i32.const 0x0590) (i32.const 11) (i32.const 0xb000) (i32.const 6001))
    (call $pair (i32.const 0x0850) (i32.const 0x0a00) (i32.const 5))
    (call $send (i32.const 0x0430))
    ;; the log record: deep body, attribute ok = "fine"
    (memory.fill (i32.const 0x0900) (i32.const 0) (i32.const 200))
    (i32.store8 offset=64 (i32.const 0x0900) (i32.const 1))
    (call $pair (i32.const 0x0944) (i32.const 0x4000) (i32.const 20000))
    (call $kv (i32.const 0x0a40) (i32.const 0x0550) (i32.const 2) (i32.const 0x0558) (i32.const 6))
    (i32.store8 offset=76 (i32.const 0x0900) (i32.const 1))
    (call $pair (i32.const 0x0950) (i32.const 0x0a40) (i32.const 1))
    (call $on_emit (i32.const 0x0900))
    (call $ok (i32.const 0x0470) (i32.const 0x04c0) (i32.const 12)))

  (func (export "bad-utf8")
    (call $span (i32.const 0x0440) (i32.const 0x04f0) (i32.const 9))
    (call $kv (i32.const 0x0a00) (i32.const 0x0560) (i32.const 4) (i32.const 0x0568) (i32.const 4))
    (call $kv (i32.const 0x0a10) (i32.const 0x0570) (i32.const 4) (i32.const 0x0578) (i32.const 4))
    (call $pair (i32.const 0x0850) (i32.const 0x0a00) (i32.const 2))
    (call $send (i32.const 0x0440))
    (call $ok (i32.const 0x0480) (i32.const 0x04d0) (i32.const 11)))
)
