;; forwarder-rc.1: hands every argument it gets from the host, unchanged, to
;; the matching wasi:otel@0.2.0-rc.1 import, so a test can push any value
;; through the real canonical ABI: the host lowers the export's arguments
;; into this module's memory, the module passes the very same pointers and
;; flat values to the import, and the host lifts them again for its import
;; function. Tracing with outer-span-context, metrics and logs.
;; World `forwarder` in wit/guests/forwarders/rc.1/guests.wit.
;; Core imports: wasi:otel functions only (tracing, metrics, logs), no
;; WASI. (The component also has type-only imports of wasi:otel/types and
;; wasi:clocks/wall-clock@0.2.0, for the types its records use.)
;;
;; Exports
;;   start(context: span-context)          -> tracing.on-start(context)
;;   end(span: span-data)                  -> tracing.on-end(span)
;;   outer() -> span-context               <- tracing.outer-span-context()
;;   export-metrics(metrics: resource-metrics) -> result<_, string>
;;                                         -> metrics.export(metrics), result back
;;   emit-log(record: log-record)          -> logs.on-emit(record)
;;
;; Canonical ABI (32-bit memory, little endian, UTF-8 strings). At most 16
;; flat params are passed as values, more become ONE i32 pointer to the
;; params (as a tuple) in memory; a result of more than 1 flat value goes
;; through memory (import: trailing i32 return pointer the host writes to;
;; export: the core function returns an i32 pointer to it).
;;   Core signatures:
;;     import on-start(context)            (8 x i32)
;;     export start(context)               (8 x i32)
;;       span-context flat: trace-id.ptr, trace-id.len, span-id.ptr,
;;       span-id.len, trace-flags, is-remote, trace-state.ptr, trace-state.len
;;     import on-end(span)                 (i32 span-data*)
;;     export end(span)                    (i32 span-data*)
;;       span-data flattens to more than 16 values
;;     import outer-span-context()         (i32 retptr)
;;     export outer()                      () -> i32 span-context*
;;     import export(metrics)              (7 x i32, i32 retptr)
;;     export export-metrics(metrics)      (7 x i32) -> i32 result*
;;       resource-metrics flat: resource.attributes.ptr, .len,
;;       resource.schema-url tag, .ptr, .len, scope-metrics.ptr, .len
;;     import on-emit(record)              (i32 log-record*)
;;     export emit-log(record)             (i32 log-record*)
;;       log-record flattens to more than 16 values
;;   Layouts used here (offset: field):
;;     span-context          28 bytes, align 4 (filled in by the host)
;;     result<_, string>     12 bytes, align 4   0: tag u8 (0 ok, 1 err)
;;                                               4: error string
;;   The other records are never looked into; only their pointers are passed on.
;;
;; Memory map:
;;   0x0100  return area of outer-span-context (28 bytes)
;;   0x0200  return area of metrics.export (12 bytes)
;;   0x1000- bump heap of cabi_realloc: the host's copies of the arguments
;;           and the strings/lists it returns. Reset to 0x1000 when a call is
;;           over: at the end of exports without a result, in
;;           cabi_post_<export> (after the host has read the result) for the
;;           others. Memory grows when needed and never shrinks.
(module
  (import "wasi:otel/tracing@0.2.0-rc.1" "on-start"
    (func $on_start (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:otel/tracing@0.2.0-rc.1" "on-end"
    (func $on_end (param i32)))
  (import "wasi:otel/tracing@0.2.0-rc.1" "outer-span-context"
    (func $outer_span_context (param i32)))
  (import "wasi:otel/metrics@0.2.0-rc.1" "export"
    (func $metrics_export (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:otel/logs@0.2.0-rc.1" "on-emit"
    (func $on_emit (param i32)))

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

  (func (export "start")
    (param i32 i32 i32 i32 i32 i32 i32 i32)
    (call $on_start
      (local.get 0) (local.get 1) (local.get 2) (local.get 3)
      (local.get 4) (local.get 5) (local.get 6) (local.get 7))
    (call $reset))

  (func (export "end") (param $span i32)
    (call $on_end (local.get $span))
    (call $reset))

  (func (export "outer") (result i32)
    (call $outer_span_context (i32.const 0x0100))
    (i32.const 0x0100))
  (func (export "cabi_post_outer") (param i32)
    (call $reset))

  (func (export "export-metrics")
    (param i32 i32 i32 i32 i32 i32 i32) (result i32)
    (call $metrics_export
      (local.get 0) (local.get 1) (local.get 2) (local.get 3)
      (local.get 4) (local.get 5) (local.get 6) (i32.const 0x0200))
    (i32.const 0x0200))
  (func (export "cabi_post_export-metrics") (param i32)
    (call $reset))

  (func (export "emit-log") (param $record i32)
    (call $on_emit (local.get $record))
    (call $reset))
)
