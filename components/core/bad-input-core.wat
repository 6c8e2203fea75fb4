;; bad-input-core: command (`_start`, no WASI imports) that passes invalid
;; data to every `dylibso:observe/api` import, then valid data. It must run
;; to the end and exit normally (code 0): the host rejects/reports each bad
;; call and neither traps nor throws into the guest.
;; Memory: exactly 1 page (65536 bytes, addresses 0..0xffff).
;; Built by components/build.mjs (kind wat-module).
;;
;; Function indices (imports first) -> name-section names:
;;   0 span-enter  1 span-exit  2 span-tags  3 metric  4 log
;;   5 _start
;;
;; Calls of _start, in order (ptr, len):
;;    1. span-enter (0xfffffff0, 100)  outside memory; ptr + len overflows
;;                                     32 bits (a JS host receives ptr as the
;;                                     signed i32 -16)
;;    2. span-enter (0x200, 4)         bytes ff fe fd fc: invalid UTF-8
;;    3. metric 7 "x:1|c"              unknown format 7 (valid statsd line)
;;    4. metric 1 "nonsense"           no ':' / '|'
;;    5. metric 1 "bad.value:abc|c"    value not a number
;;    6. metric 1 "bad.type:1|zz"      unknown statsd type
;;    7. log 9 "odd level"             level outside 1..5
;;    8. log 3 (0x10000, 8)            ptr = first byte past the memory
;;    9. span-tags "orphan:tag"        lands on the second "unnamed span"
;;                                     (a span-enter whose name cannot be
;;                                     read still opens a span, named
;;                                     "unnamed span", so its span-exit pairs)
;;   10. span-exit                     closes the second "unnamed span"
;;   11. span-enter "still-fine"
;;   12.   span-tags "ok:yes"          -> ok=yes on still-fine
;;   13.   log 3 "after bad input"     info, correlated with still-fine
;;   14. span-exit                     closes still-fine
;; Expected: "unnamed span" (open until the exit: closed with error,
;; close reason exit) -> { "unnamed span" {orphan: tag} with the log
;; "odd level" (no severity), "still-fine" {ok: yes} with the log "after bad
;; input" }; no metric recorded; counted: invalid_memory_access 2,
;; invalid_utf8 1, invalid_metric 4, invalid_severity 1; exit code 0.
(module
  (import "dylibso:observe/api" "span-enter" (func $span_enter (param i32 i32)))
  (import "dylibso:observe/api" "span-exit" (func $span_exit))
  (import "dylibso:observe/api" "span-tags" (func $span_tags (param i32 i32)))
  (import "dylibso:observe/api" "metric" (func $metric (param i32 i32 i32)))
  (import "dylibso:observe/api" "log" (func $log (param i32 i32 i32)))

  (memory (export "memory") 1 1)

  (data (i32.const 0x200) "\ff\fe\fd\fc")        ;; 4, invalid UTF-8
  (data (i32.const 0x210) "x:1|c")               ;; 5
  (data (i32.const 0x220) "nonsense")            ;; 8
  (data (i32.const 0x230) "bad.value:abc|c")     ;; 15
  (data (i32.const 0x240) "bad.type:1|zz")       ;; 13
  (data (i32.const 0x250) "odd level")           ;; 9
  (data (i32.const 0x260) "orphan:tag")          ;; 10
  (data (i32.const 0x270) "still-fine")          ;; 10
  (data (i32.const 0x280) "ok:yes")              ;; 6
  (data (i32.const 0x290) "after bad input")     ;; 15

  (func $_start (export "_start")
    (call $span_enter (i32.const 0xfffffff0) (i32.const 100))
    (call $span_enter (i32.const 0x200) (i32.const 4))
    (call $metric (i32.const 7) (i32.const 0x210) (i32.const 5))
    (call $metric (i32.const 1) (i32.const 0x220) (i32.const 8))
    (call $metric (i32.const 1) (i32.const 0x230) (i32.const 15))
    (call $metric (i32.const 1) (i32.const 0x240) (i32.const 13))
    (call $log (i32.const 9) (i32.const 0x250) (i32.const 9))
    (call $log (i32.const 3) (i32.const 0x10000) (i32.const 8))
    (call $span_tags (i32.const 0x260) (i32.const 10))
    (call $span_exit)
    (call $span_enter (i32.const 0x270) (i32.const 10))
    (call $span_tags (i32.const 0x280) (i32.const 6))
    (call $log (i32.const 3) (i32.const 0x290) (i32.const 15))
    (call $span_exit)))
