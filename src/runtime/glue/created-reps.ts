import type { RewriteResult } from './shared.js';

// 6. created-reps
//
// Not for speed but for memory. jco 1.35's handle-table helper records every resource it hands
// to the guest in a per-table Set that nothing ever reads or clears:
//
//     function rscTableCreateOwn(table, rep) {
//       const free = table[0] & ~T_FLAG;
//       table._createdReps.add(rep);
//
// An instance that lives long and makes many resources (a wasi:observe span per request) keeps
// ~25 bytes per span it ever started, without end. The rewrite drops the `add` when the Set is
// only ever created and added to (so nothing can depend on it); otherwise it leaves the glue alone.

const ADD = /(function rscTableCreateOwn\(table, rep\) \{\s*const free = table\[0\] & ~T_FLAG;)\s*table\._createdReps\.add\(rep\);/;

export function createdReps(source: string): RewriteResult {
  const name = 'created-reps';
  // A component without resources has no such helper: nothing to do (not a skip).
  if (!source.includes('function rscTableCreateOwn(')) return { name, source, applied: false, skipped: [] };
  if (!ADD.test(source)) return { name, source, applied: false, skipped: [`${name}: rscTableCreateOwn does not add to _createdReps as jco 1.35 does`] };
  const uses = source.match(/_createdReps/g)?.length ?? 0;
  const creations = source.match(/\._createdReps = new Set\(\);/g)?.length ?? 0;
  if (uses !== creations + 1) return { name, source, applied: false, skipped: [`${name}: _createdReps is read somewhere; left as generated`] };
  return { name, source: source.replace(ADD, '$1 // glue-transform (created-reps): the never-read Set of created reps is not kept'), applied: true, skipped: [] };
}
