import type { RewriteResult } from './shared.js';

// 10. promising-probe
//
// For each realloc and post-return function of the component, jco's glue (instantiation mode)
// makes the JSPI wrapper it would use for an async call, inside the generator that instantiates
// the core modules:
//
//     try {
//       realloc0Async = WebAssembly.promising(exports1.cabi_realloc);
//     } catch(err) {
//       realloc0Async = exports1.cabi_realloc;
//     }
//
// Node 20 has no `WebAssembly.promising`, so each one throws a TypeError, and building its
// message ("WebAssembly.promising is not a function") makes V8 parse the source around the call
// again: the whole generator, some 500 KB for a componentize-js guest. With ~25 of them that is
// most of the 80-130 ms such a guest takes to instantiate, on every instantiation. The rewrite
// asks first whether the function is there:
//
//     realloc0Async = typeof WebAssembly.promising === 'function' ? WebAssembly.promising(exports1.cabi_realloc) : exports1.cabi_realloc;
//
// still inside the same try, so a `promising` that throws still ends in the catch. The value
// assigned is the same in every case; the argument expression (a property of the instance's
// exports) is read a second time only where promising is missing.

const PROBE = /(try \{\n\s*)(\w+Async) = WebAssembly\.promising\(((?:exports\d+(?:\.[\w$]+|\['[^'\n]+'\]))+)\);(\n\s*\} catch\s*\(err\) \{\n\s*)\2 = \3;/g;

export function promisingProbe(source: string): RewriteResult {
  const name = 'promising-probe';
  let count = 0;
  const rewritten = source.replace(PROBE, (_match, open: string, target: string, argument: string, catchOpen: string) => {
    count++;
    return `${open}${target} = typeof WebAssembly.promising === 'function' ? WebAssembly.promising(${argument}) : ${argument}; // glue-transform: promising-probe${catchOpen}${target} = ${argument};`;
  });
  // (The rewritten probes no longer read `= WebAssembly.promising(`: what is left was not rewritten.)
  const left = (rewritten.match(/= WebAssembly\.promising\(/g) ?? []).length;
  const skipped = left > 0 ? [`${name}: ${left} WebAssembly.promising call(s) of another shape left as generated`] : [];
  // No probe at all (a component without realloc or post-return functions) is nothing to do, not a skip.
  if (count === 0) return { name, source, applied: false, skipped };
  return { name, source: rewritten, applied: true, skipped };
}
