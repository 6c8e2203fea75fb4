;; platform-kv: a guest of an embedding platform (world `platform-kv` in
;; wit/guests/platform/platform.wit). No wasi:otel, no WASI: it imports the
;; platform's `wasm-otel:platform/key-value`, which the embedder provides.
;;
;; Export sum-pair: func(key: u32) -> u64: get(key) + get(key + 1).
(module
  (import "wasm-otel:platform/key-value" "get" (func $get (param i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "sum-pair") (param $key i32) (result i64)
    (i64.add
      (call $get (local.get $key))
      (call $get (i32.add (local.get $key) (i32.const 1))))))
