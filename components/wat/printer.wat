;; printer: writes 100,000 bytes to wasi:cli/stdout (25 blocking-write-and-flush
;; calls of 4,000 bytes: 3,999 x 'x' then a newline), for the test that a run's
;; output arrives whole. World `printer` in wit/guests/probes/guests.wit.
;;
;; Canonical ABI:
;;   get-stdout() -> own<output-stream>             () -> i32 handle
;;   [method]output-stream.blocking-write-and-flush(self: borrow<output-stream>,
;;     contents: list<u8>) -> result<_, stream-error>
;;                                                   (i32 handle, i32 ptr, i32 len, i32 retptr)
;;     result at retptr: 0 tag u8 (0 ok, 1 err), 4 stream-error (tag u8, 8 own<error>)
;;   [resource-drop]output-stream                    (i32 handle)
;; Memory: 0x40 return area (12 bytes), 0x100 the 4,000 bytes.
(module
  (import "wasi:cli/stdout@0.2.12" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.12" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.12" "[resource-drop]output-stream" (func $drop (param i32)))

  (memory (export "memory") 1)

  (func (export "print-100k")
    (local $out i32)
    (local $i i32)
    (memory.fill (i32.const 0x100) (i32.const 120) (i32.const 3999))
    (i32.store8 (i32.const 0x109f) (i32.const 10))
    (local.set $out (call $get_stdout))
    (loop $again
      (call $write (local.get $out) (i32.const 0x100) (i32.const 4000) (i32.const 0x40))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 25))))
    (call $drop (local.get $out)))
)
