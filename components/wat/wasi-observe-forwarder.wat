;; wasi-observe-forwarder: hands every argument it gets from the host,
;; unchanged, to the matching wasi:observe/tracer or wasi:logging import, so a
;; test can push any value through the real canonical ABI: the host lowers the
;; export's arguments into this module's memory, the module passes the very
;; same pointers and flat values to the import, and the host lifts them again
;; for its import function.
;; World `observe-forwarder` in wit/guests/observe/guests.wit. (The file is
;; not called observe-forwarder.wat: components/observe-forwarder.wasm is
;; already the dylibso:observe core module of components/core/.)
;; Core imports: wasi:observe/tracer and wasi:logging/logging functions only,
;; no WASI. (The component also has a type-only import of
;; wasi:clocks/wall-clock@0.2.1, for `datetime`.)
;;
;; Spans cross the export boundary as plain u32: the index of the guest's
;; own<span> handle, exactly as `start` got it from the host. The exports
;; pass that number to the import as the `self` borrow (or to
;; [resource-drop]span) without checking it, so a test can use any number,
;; including handles that are unknown or already dropped. (The canonical ABI
;; traps on those. jco 1.35's glue: a drop of 0 or of a dropped handle traps
;; and the instance cannot be entered again; a drop past the end of its
;; handle table is accepted silently and the next start returns that number;
;; a method on an unknown or dropped handle calls the host with `this` a
;; blank Object.create(Span.prototype), its constructor never run.)
;;
;; Exports
;;   start(name, options) -> u32     -> tracer.start(name, options), handle back
;;   span-context(span) -> span-context  <- [method]span.span-context(span)
;;   is-recording(span) -> bool      <- [method]span.is-recording(span)
;;   set-attributes(span, attributes)    -> [method]span.set-attributes
;;   add-event(span, name, timestamp, attributes) -> [method]span.add-event
;;   add-link(span, link)            -> [method]span.add-link
;;   set-status(span, status)        -> [method]span.set-status
;;   update-name(span, name)         -> [method]span.update-name
;;   end(span, timestamp)            -> [method]span.end
;;   drop(span)                      -> [resource-drop]span
;;   log(level, context, message)    -> logging.log
;;   bench-span()    start("bench", none); set-attributes([
;;                     bench.string = string "value", bench.bool = bool true,
;;                     bench.float64 = float64 1.5, bench.s64 = s64 42,
;;                     bench.array = string-array ["a", "b"]]);
;;                   add-event("bench-event", none, none); end(none); drop.
;;                   Everything in the data segment: no cabi_realloc, nothing
;;                   written at run time.
;;   bench-spans(n)  bench-span, n times
;;   start-drop(n)   n times: start("dropped", none), then drop (no end)
;;   nested-drop()   a = start("outer", none); b = start("inner", none) (a
;;                   child of a, the host's current span); drop a; end(b, none);
;;                   drop b
;;   bad-utf8()      s = start(name, none) with a name of 8 bytes that are not
;;                   UTF-8: "bad" ff fe "utf" (ff and fe never occur in UTF-8;
;;                   the host's decoder makes each one U+FFFD: "bad\ufffd\ufffdutf");
;;                   end(s, none); drop s. (A host cannot pass such a string in:
;;                   it lowers JS strings as valid UTF-8.)
;;
;; Canonical ABI (32-bit memory, little endian, UTF-8 strings). At most 16
;; flat params are passed as values (every signature here stays under 16);
;; a result of more than 1 flat value goes through memory (import: trailing
;; i32 return pointer the host writes to; export: the core function returns
;; an i32 pointer to it). A borrow<span> or own<span> is one i32, the handle
;; index. Variant flattening joins the case payloads slot by slot (i32 with
;; i64 or f64 -> i64).
;;   Flat types:
;;     string, list<T>              ptr i32, len i32
;;     datetime                     seconds i64, nanoseconds i32
;;     option<datetime>             tag i32, seconds i64, nanoseconds i32
;;     option<list<T>>              tag i32, ptr i32, len i32
;;     option<span-kind>            tag i32, kind i32
;;                                  (span-kind: 0 client, 1 server, 2 producer,
;;                                  3 consumer, 4 internal)
;;     start-options (12)           new-root i32, option<span-kind> (2),
;;                                  attributes option<list> (3),
;;                                  links option<list> (3), timestamp
;;                                  option<datetime> (3)
;;     option<start-options> (13)   tag i32, start-options
;;     span-context (8)             trace-id.ptr, .len, span-id.ptr, .len,
;;                                  trace-flags i32 (bit 0 sampled), is-remote
;;                                  i32, trace-state.ptr, .len
;;     link (10)                    span-context (8), attributes.ptr, .len
;;     status (3)                   tag i32 (0 unset, 1 ok, 2 error),
;;                                  error.ptr, error.len
;;     level                        i32: 0 trace, 1 debug, 2 info, 3 warn,
;;                                  4 error, 5 critical
;;   Core signatures (import = export, the export's u32 span in place of self):
;;     start            name (2), option<start-options> (13): 15 values,
;;                      (13 x i32, i64, i32) -> i32 handle
;;     [method]span.span-context   import (self i32, retptr i32)
;;                                 export (span i32) -> i32 span-context*
;;     [method]span.is-recording   (self i32) -> i32 bool
;;     [method]span.set-attributes (self, attributes.ptr, .len)      3 x i32
;;     [method]span.add-event      (self, name.ptr, .len,
;;                                 timestamp tag, seconds i64, nanoseconds,
;;                                 attributes tag, .ptr, .len)        9 values
;;     [method]span.add-link       (self, link (10))                11 x i32
;;     [method]span.set-status     (self, status (3))                4 x i32
;;     [method]span.update-name    (self, name.ptr, .len)            3 x i32
;;     [method]span.end            (self, tag i32, seconds i64, nanoseconds i32)
;;     [resource-drop]span         (handle i32)
;;     logging log                 (level, context.ptr, .len, message.ptr, .len)
;;   Layouts (offset: field; records this module writes or points to):
;;     string / list        8 bytes, align 4   0: ptr  4: len
;;     value               16 bytes, align 8   0: tag u8 (0 string, 1 bool,
;;                                             2 float64, 3 s64, 4 string-array,
;;                                             5 bool-array, 6 float64-array,
;;                                             7 s64-array)  8: payload
;;     key-value           24 bytes, align 8   0: key  8: value
;;     span-context        28 bytes, align 4   0: trace-id  8: span-id
;;                                             16: trace-flags u8  17: is-remote u8
;;                                             20: trace-state (list of 16-byte
;;                                                 tuple<string, string>)
;;     (also, only passed on by pointer: datetime 16/8, link 36/4, status 12/4,
;;     start-options 56/8 with 0 new-root, 1 span-kind option, 4 attributes
;;     option, 16 links option, 32 timestamp option)
;;
;; Memory map:
;;   0x0100  return area of [method]span.span-context (28 bytes)
;;   0x0400  static strings, 0x0490 the string-array ["a", "b"],
;;   0x04a0  the invalid UTF-8 name of bad-utf8 (8 bytes)
;;   0x0500  the 5 bench attributes (key-value[5], 120 bytes)
;;   0x1000- bump heap of cabi_realloc: the host's copies of the arguments
;;           and the strings/lists it returns. Reset to 0x1000 when a call is
;;           over: at the end of each export, except span-context, whose
;;           result lives in that heap: cabi_post_span-context resets it
;;           after the host has read the result. Memory grows when needed
;;           and never shrinks.
(module
  (import "wasi:observe/tracer" "start"
    (func $start
      (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i64 i32)
      (result i32)))
  (import "wasi:observe/tracer" "[method]span.span-context"
    (func $span_context (param i32 i32)))
  (import "wasi:observe/tracer" "[method]span.is-recording"
    (func $is_recording (param i32) (result i32)))
  (import "wasi:observe/tracer" "[method]span.set-attributes"
    (func $set_attributes (param i32 i32 i32)))
  (import "wasi:observe/tracer" "[method]span.add-event"
    (func $add_event (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
  (import "wasi:observe/tracer" "[method]span.add-link"
    (func $add_link (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:observe/tracer" "[method]span.set-status"
    (func $set_status (param i32 i32 i32 i32)))
  (import "wasi:observe/tracer" "[method]span.update-name"
    (func $update_name (param i32 i32 i32)))
  (import "wasi:observe/tracer" "[method]span.end"
    (func $end (param i32 i32 i64 i32)))
  (import "wasi:observe/tracer" "[resource-drop]span"
    (func $drop (param i32)))
  (import "wasi:logging/logging" "log"
    (func $log (param i32 i32 i32 i32 i32)))

  (memory (export "memory") 1)

  (global $heap (mut i32) (i32.const 0x1000))

  ;; address        text                              length
  (data (i32.const 0x0400) "bench")                ;; 5
  (data (i32.const 0x0408) "bench-event")          ;; 11
  (data (i32.const 0x0418) "dropped")              ;; 7
  (data (i32.const 0x0420) "outer")                ;; 5
  (data (i32.const 0x0428) "inner")                ;; 5
  (data (i32.const 0x0430) "bench.string")         ;; 12
  (data (i32.const 0x0440) "value")                ;; 5
  (data (i32.const 0x0448) "bench.bool")           ;; 10
  (data (i32.const 0x0458) "bench.float64")        ;; 13
  (data (i32.const 0x0468) "bench.s64")            ;; 9
  (data (i32.const 0x0478) "bench.array")          ;; 11
  (data (i32.const 0x0488) "ab")                   ;; "a" at 0x0488, "b" at 0x0489
  (data (i32.const 0x04a0) "bad\ff\feutf")         ;; 8, not UTF-8 (bad-utf8)
  ;; list<string> ["a", "b"]: two (ptr, len) pairs
  (data (i32.const 0x0490)
    "\88\04\00\00" "\01\00\00\00"
    "\89\04\00\00" "\01\00\00\00")
  ;; key-value[5], 24 bytes each: key (ptr, len), value tag u8 + 7 padding
  ;; bytes, payload (8 bytes)
  (data (i32.const 0x0500)
    ;; bench.string = string "value"
    "\30\04\00\00" "\0c\00\00\00" "\00\00\00\00\00\00\00\00" "\40\04\00\00" "\05\00\00\00"
    ;; bench.bool = bool true
    "\48\04\00\00" "\0a\00\00\00" "\01\00\00\00\00\00\00\00" "\01\00\00\00" "\00\00\00\00"
    ;; bench.float64 = float64 1.5 (0x3ff8000000000000)
    "\58\04\00\00" "\0d\00\00\00" "\02\00\00\00\00\00\00\00" "\00\00\00\00" "\00\00\f8\3f"
    ;; bench.s64 = s64 42
    "\68\04\00\00" "\09\00\00\00" "\03\00\00\00\00\00\00\00" "\2a\00\00\00" "\00\00\00\00"
    ;; bench.array = string-array ["a", "b"] (list at 0x0490)
    "\78\04\00\00" "\0b\00\00\00" "\04\00\00\00\00\00\00\00" "\90\04\00\00" "\02\00\00\00")

  ;; Bump allocator (realloc copies; memory is reclaimed by $reset).
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

  ;; Forget everything allocated during the call that just ended.
  (func $reset
    (global.set $heap (i32.const 0x1000)))

  ;; start(name, options) with options = none: tag 0, the 12 payload values 0.
  (func $start_plain (param $name i32) (param $len i32) (result i32)
    (call $start
      (local.get $name) (local.get $len)
      (i32.const 0)                                   ;; options: none
      (i32.const 0) (i32.const 0) (i32.const 0)
      (i32.const 0) (i32.const 0) (i32.const 0)
      (i32.const 0) (i32.const 0) (i32.const 0)
      (i32.const 0) (i64.const 0) (i32.const 0)))

  ;; end(span, none)
  (func $end_plain (param $span i32)
    (call $end (local.get $span) (i32.const 0) (i64.const 0) (i32.const 0)))

  ;; The result is a plain i32: nothing in memory for the host to read, so
  ;; the heap (the host's copy of name and lists) is reset here already.
  (func (export "start")
    (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i64 i32)
    (result i32)
    (local $handle i32)
    (local.set $handle
      (call $start
        (local.get 0) (local.get 1) (local.get 2) (local.get 3)
        (local.get 4) (local.get 5) (local.get 6) (local.get 7)
        (local.get 8) (local.get 9) (local.get 10) (local.get 11)
        (local.get 12) (local.get 13) (local.get 14)))
    (call $reset)
    (local.get $handle))

  (func (export "span-context") (param $span i32) (result i32)
    (call $span_context (local.get $span) (i32.const 0x0100))
    (i32.const 0x0100))
  (func (export "cabi_post_span-context") (param i32)
    (call $reset))

  (func (export "is-recording") (param $span i32) (result i32)
    (local $recording i32)
    (local.set $recording (call $is_recording (local.get $span)))
    (call $reset)
    (local.get $recording))

  (func (export "set-attributes") (param i32 i32 i32)
    (call $set_attributes (local.get 0) (local.get 1) (local.get 2))
    (call $reset))

  (func (export "add-event") (param i32 i32 i32 i32 i64 i32 i32 i32 i32)
    (call $add_event
      (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
      (local.get 5) (local.get 6) (local.get 7) (local.get 8))
    (call $reset))

  (func (export "add-link") (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (call $add_link
      (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
      (local.get 5) (local.get 6) (local.get 7) (local.get 8) (local.get 9)
      (local.get 10))
    (call $reset))

  (func (export "set-status") (param i32 i32 i32 i32)
    (call $set_status (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    (call $reset))

  (func (export "update-name") (param i32 i32 i32)
    (call $update_name (local.get 0) (local.get 1) (local.get 2))
    (call $reset))

  (func (export "end") (param i32 i32 i64 i32)
    (call $end (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    (call $reset))

  (func (export "drop") (param $span i32)
    (call $drop (local.get $span))
    (call $reset))

  (func (export "log") (param i32 i32 i32 i32 i32)
    (call $log (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4))
    (call $reset))

  (func $bench_span (export "bench-span")
    (local $span i32)
    (local.set $span (call $start_plain (i32.const 0x0400) (i32.const 5)))
    (call $set_attributes (local.get $span) (i32.const 0x0500) (i32.const 5))
    (call $add_event (local.get $span)
      (i32.const 0x0408) (i32.const 11)               ;; "bench-event"
      (i32.const 0) (i64.const 0) (i32.const 0)       ;; timestamp: none
      (i32.const 0) (i32.const 0) (i32.const 0))      ;; attributes: none
    (call $end_plain (local.get $span))
    (call $drop (local.get $span)))

  (func (export "bench-spans") (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $bench_span)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))

  (func (export "start-drop") (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $drop (call $start_plain (i32.const 0x0418) (i32.const 7)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))

  (func (export "nested-drop")
    (local $outer i32)
    (local $inner i32)
    (local.set $outer (call $start_plain (i32.const 0x0420) (i32.const 5)))
    (local.set $inner (call $start_plain (i32.const 0x0428) (i32.const 5)))
    (call $drop (local.get $outer))
    (call $end_plain (local.get $inner))
    (call $drop (local.get $inner)))

  (func (export "bad-utf8")
    (local $span i32)
    (local.set $span (call $start_plain (i32.const 0x04a0) (i32.const 8)))
    (call $end_plain (local.get $span))
    (call $drop (local.get $span)))
)
