;; logging-only: a component whose only import is wasi:logging/logging, as
;; many real components have (no wasi:observe, no wasi:otel, no WASI).
;; World `logging-only` in wit/guests/observe/guests.wit.
;;
;; Exports
;;   log-all()    six calls of log, in this order:
;;                  (trace,    "ctx.trace",    "trace message")
;;                  (debug,    "ctx.debug",    "debug message")
;;                  (info,     "",             "info message")   empty context
;;                  (warn,     "ctx.warn",     "warn message")
;;                  (error,    "ctx.error",    "error message")
;;                  (critical, "ctx.critical", "critical message")
;;                The empty context is passed as (ptr 1, len 0), the dangling
;;                pointer a Rust guest passes for "".
;;   log(level, context, message)   -> logging.log, arguments unchanged
;;                (forwarder: the host lowers the two strings into this
;;                module's memory, the module passes the same pointers on)
;;
;; Canonical ABI (32-bit memory, little endian, UTF-8 strings):
;;   import log(level, context, message)   (5 x i32): level, context.ptr,
;;   export log(level, context, message)   context.len, message.ptr, message.len
;;     level (enum): 0 trace, 1 debug, 2 info, 3 warn, 4 error, 5 critical
;;   export log-all()                      ()
;;
;; Memory map:
;;   0x0400  static strings (data segments below)
;;   0x1000- bump heap of cabi_realloc: the host's copies of log's strings.
;;           Reset to 0x1000 at the end of log. Memory grows when needed and
;;           never shrinks.
(module
  (import "wasi:logging/logging" "log"
    (func $log (param i32 i32 i32 i32 i32)))

  (memory (export "memory") 1)

  (global $heap (mut i32) (i32.const 0x1000))

  ;; address        text                              length
  (data (i32.const 0x0400) "ctx.trace")            ;; 9
  (data (i32.const 0x0410) "trace message")        ;; 13
  (data (i32.const 0x0420) "ctx.debug")            ;; 9
  (data (i32.const 0x0430) "debug message")        ;; 13
  (data (i32.const 0x0440) "info message")         ;; 12
  (data (i32.const 0x0450) "ctx.warn")             ;; 8
  (data (i32.const 0x0460) "warn message")         ;; 12
  (data (i32.const 0x0470) "ctx.error")            ;; 9
  (data (i32.const 0x0480) "error message")        ;; 13
  (data (i32.const 0x0490) "ctx.critical")         ;; 12
  (data (i32.const 0x04a0) "critical message")     ;; 16

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

  (func (export "log-all")
    (call $log (i32.const 0) (i32.const 0x0400) (i32.const 9) (i32.const 0x0410) (i32.const 13))
    (call $log (i32.const 1) (i32.const 0x0420) (i32.const 9) (i32.const 0x0430) (i32.const 13))
    (call $log (i32.const 2) (i32.const 1) (i32.const 0) (i32.const 0x0440) (i32.const 12))
    (call $log (i32.const 3) (i32.const 0x0450) (i32.const 8) (i32.const 0x0460) (i32.const 12))
    (call $log (i32.const 4) (i32.const 0x0470) (i32.const 9) (i32.const 0x0480) (i32.const 13))
    (call $log (i32.const 5) (i32.const 0x0490) (i32.const 12) (i32.const 0x04a0) (i32.const 16)))

  (func (export "log") (param i32 i32 i32 i32 i32)
    (call $log (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4))
    ;; Forget the host's copies of the two strings.
    (global.set $heap (i32.const 0x1000)))
)
