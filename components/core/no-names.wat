;; no-names: command (`_start`) with automatic hooks and NO `name` custom
;; section: build.mjs (kind wat-module, names: false) removes it after
;; parsing, so the identifiers below exist only in this source.
;;
;; Function indices (imports first):
;;   0 enter   1 exit   (imports dylibso:observe/instrument)
;;   2 _start (exported, so its export name is `_start`)
;;   3 ($a)    4 ($b)
;;
;; Hook sequence of _start (not wrapped itself):
;;   enter(3) enter(4) exit(4) exit(3)
;; Expected spans (no names to look up): `func[3]` -> `func[4]`.
(module
  (import "dylibso:observe/instrument" "enter" (func $enter (param i32)))
  (import "dylibso:observe/instrument" "exit" (func $exit (param i32)))

  (memory (export "memory") 1)

  (func $_start (export "_start")
    (call $enter (i32.const 3)) (call $a) (call $exit (i32.const 3)))

  (func $a
    (call $enter (i32.const 4)) (call $b) (call $exit (i32.const 4)))

  (func $b
    (drop (i32.add (i32.const 1) (i32.const 2)))))
