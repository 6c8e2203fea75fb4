;; forwarder-draft-2025-03: hands every argument it gets from the host,
;; unchanged, to the matching wasi:otel import, so a test can push any value
;; through the real canonical ABI: the host lowers the export's arguments
;; into this module's memory, the module passes the very same pointers to
;; the import, and the host lifts them again for its import function.
;; Targets the March 2025 draft (package string wasi:otel@0.2.0-draft):
;; tracing only, on-start gets the span data plus the parent's context, and
;; current-span-context; attribute values are a typed variant, which makes
;; no difference here: only pointers are passed on.
;; World `forwarder` in wit/guests/forwarders/draft-2025-03/guests.wit.
;; Core imports: wasi:otel/tracing functions only, no WASI. (The component
;; also has a type-only import of wasi:clocks/wall-clock@0.2.0, for datetime.)
;;
;; Exports
;;   start(span: span-data, parent: span-context)
;;                                         -> tracing.on-start(span, parent)
;;   end(span: span-data)                  -> tracing.on-end(span)
;;   current() -> span-context             <- tracing.current-span-context()
;;
;; Canonical ABI (32-bit memory, little endian, UTF-8 strings). At most 16
;; flat params are passed as values, more become ONE i32 pointer to the
;; params (as a tuple) in memory; a result of more than 1 flat value goes
;; through memory (import: trailing i32 return pointer the host writes to;
;; export: the core function returns an i32 pointer to it).
;;   Core signatures:
;;     import on-start(span, parent)       (i32 params*)
;;     export start(span, parent)          (i32 params*)
;;       span-data alone flattens to more than 16 values, so both get a
;;       pointer to the same (span-data, span-context) tuple
;;     import on-end(span)                 (i32 span-data*)
;;     export end(span)                    (i32 span-data*)
;;     import current-span-context()       (i32 retptr)
;;     export current()                    () -> i32 span-context*
;;   Layouts used here (offset: field):
;;     span-data            168 bytes, align 8
;;     on-start params      200 bytes, align 8   0: span-data  168: span-context
;;     span-context          28 bytes, align 4 (filled in by the host)
;;   The records are never looked into; only their pointers are passed on.
;;
;; Memory map:
;;   0x0100  return area of current-span-context (28 bytes)
;;   0x1000- bump heap of cabi_realloc: the host's copies of the arguments
;;           and the strings/lists it returns. Reset to 0x1000 when a call is
;;           over: at the end of start and end, in cabi_post_current (after
;;           the host has read the result). Memory grows when needed and
;;           never shrinks.
(module
  (import "wasi:otel/tracing@0.2.0-draft" "on-start"
    (func $on_start (param i32)))
  (import "wasi:otel/tracing@0.2.0-draft" "on-end"
    (func $on_end (param i32)))
  (import "wasi:otel/tracing@0.2.0-draft" "current-span-context"
    (func $current_span_context (param i32)))

  (memory (export "memory") 1)

  (global $heap (mut i32) (i32.const 0x1000))

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

  (func (export "start") (param $params i32)
    (call $on_start (local.get $params))
    (call $reset))

  (func (export "end") (param $span i32)
    (call $on_end (local.get $span))
    (call $reset))

  (func (export "current") (result i32)
    (call $current_span_context (i32.const 0x0100))
    (i32.const 0x0100))
  (func (export "cabi_post_current") (param i32)
    (call $reset))
)
