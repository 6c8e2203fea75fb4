;; mangled-names: command (`_start`) with automatic hooks whose defined
;; functions carry mangled and underscore-prefixed names in the name section.
;; Built by components/build.mjs (kind wat-module).
;;
;; Function indices (imports first) -> name-section names (exact strings):
;;   0 enter   1 exit   (imports dylibso:observe/instrument)
;;   2 _start
;;   3 _ZN4core3fmt5write17h0123456789abcdefE   Rust legacy mangling
;;   4 _ZN3foo3barEv                            Itanium C++
;;   5 _RNvCs1234_7mycrate3foo                  Rust v0 mangling
;;   6 __wasm_call_ctors                        not mangled
;;   7 _private                                 not mangled
;;   8 plain_c_name                             not mangled
;;
;; Hook sequence of _start (not wrapped itself):
;;   enter(3) exit(3) enter(4) exit(4) ... enter(8) exit(8)
;; Six sibling spans, in this order. Demangled span names (what
;; gecko-profiler-demangle 0.4.0 gives for the first three):
;;   core::fmt::write, foo::bar(), mycrate::foo,
;; and unchanged: __wasm_call_ctors, _private, plain_c_name (the demangler
;; would wrongly give _wasm_call_ctors and private: names not matching
;; ^_{1,2}[ZR] must not be passed to it).
(module
  (import "dylibso:observe/instrument" "enter" (func $enter (param i32)))
  (import "dylibso:observe/instrument" "exit" (func $exit (param i32)))

  (memory (export "memory") 1)

  (func $_start (export "_start")
    (call $enter (i32.const 3)) (call $_ZN4core3fmt5write17h0123456789abcdefE) (call $exit (i32.const 3))
    (call $enter (i32.const 4)) (call $_ZN3foo3barEv) (call $exit (i32.const 4))
    (call $enter (i32.const 5)) (call $_RNvCs1234_7mycrate3foo) (call $exit (i32.const 5))
    (call $enter (i32.const 6)) (call $__wasm_call_ctors) (call $exit (i32.const 6))
    (call $enter (i32.const 7)) (call $_private) (call $exit (i32.const 7))
    (call $enter (i32.const 8)) (call $plain_c_name) (call $exit (i32.const 8)))

  (func $_ZN4core3fmt5write17h0123456789abcdefE (drop (i32.const 1)))
  (func $_ZN3foo3barEv (drop (i32.const 2)))
  (func $_RNvCs1234_7mycrate3foo (drop (i32.const 3)))
  (func $__wasm_call_ctors (drop (i32.const 4)))
  (func $_private (drop (i32.const 5)))
  (func $plain_c_name (drop (i32.const 6))))
