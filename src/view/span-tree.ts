import type { SpanTable } from './span-table.js';

/**
 * Fills `table.parent`: a span's parent is the span of its trace that its `otel.parent_span_id`
 * names, when that span is in the file (a remote parent makes a root; the same id in another
 * trace is another span); a span without otel ids (a file of another
 * tool) nests by time in the innermost span without ids that encloses it on the same thread. A
 * parent chain that loops is cut where the loop closes.
 */
export function resolveParents(table: SpanTable): void {
  const { count } = table;
  const parent = new Int32Array(count).fill(-1);
  // Keyed by trace and span id (the trace as its number in table.traces).
  const byId = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const id = table.spanIds[i];
    if (id === undefined) continue;
    const key = `${table.trace[i]!} ${id}`;
    if (!byId.has(key)) byId.set(key, i);
  }
  const withoutIds: number[] = [];
  for (let i = 0; i < count; i++) {
    if (table.spanIds[i] === undefined) {
      withoutIds.push(i);
      continue;
    }
    const parentId = table.parentSpanIds[i];
    const found = parentId !== undefined ? byId.get(`${table.trace[i]!} ${parentId}`) : undefined;
    if (found !== undefined && found !== i) parent[i] = found;
  }
  nestByTime(table, withoutIds, parent);
  table.parent = parent;
  cutLoops(parent);
}

/** Spans on one thread, by start, the longer first: each nests in the innermost open one that encloses it. */
function nestByTime(table: SpanTable, spans: number[], parent: Int32Array): void {
  spans.sort((a, b) => table.thread[a]! - table.thread[b]! || table.start[a]! - table.start[b]! || table.duration[b]! - table.duration[a]! || a - b);
  const stack: number[] = [];
  let thread = -1;
  for (const i of spans) {
    if (table.thread[i] !== thread) {
      thread = table.thread[i]!;
      stack.length = 0;
    }
    const end = table.start[i]! + table.duration[i]!;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (table.start[top]! + table.duration[top]! >= end) break;
      stack.pop();
    }
    if (stack.length > 0) parent[i] = stack[stack.length - 1]!;
    stack.push(i);
  }
}

/** Makes the first span found on a parent loop a root. */
function cutLoops(parent: Int32Array): void {
  const state = new Uint8Array(parent.length); // 0 unseen, 1 on the current walk, 2 done
  const walk: number[] = [];
  for (let i = 0; i < parent.length; i++) {
    let j = i;
    while (j >= 0 && state[j] === 0) {
      state[j] = 1;
      walk.push(j);
      j = parent[j]!;
    }
    if (j >= 0 && state[j] === 1) parent[j] = -1;
    for (const k of walk) state[k] = 2;
    walk.length = 0;
  }
}

/**
 * The spans a page embeds: all of them when there are at most `limit`; else the first `limit`
 * by start, plus every ancestor of those (so that each tree keeps its root). A mask over the
 * table's indexes.
 */
export function chooseSpans(table: SpanTable, limit: number): { chosen: Uint8Array; count: number } {
  const { count } = table;
  const chosen = new Uint8Array(count);
  if (count <= limit) {
    chosen.fill(1);
    return { chosen, count };
  }
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => table.start[a]! - table.start[b]! || a - b);
  let chosenCount = 0;
  for (let k = 0; k < limit; k++) {
    for (let j = order[k]!; j >= 0 && chosen[j] === 0; j = table.parent[j]!) {
      chosen[j] = 1;
      chosenCount++;
    }
  }
  return { chosen, count: chosenCount };
}

/**
 * The chosen spans in the page's order: traces by their first start; in a trace, each root
 * followed by its subtree, children by start. With each span's depth.
 */
export function treeOrder(table: SpanTable, chosen: Uint8Array): { order: number[]; depth: Map<number, number>; traces: { trace: number; first: number; count: number }[] } {
  const children = new Map<number, number[]>();
  const rootsByTrace = new Map<number, number[]>();
  for (let i = 0; i < table.count; i++) {
    if (chosen[i] !== 1) continue;
    const p = table.parent[i]!;
    const list = p >= 0 ? children.get(p) ?? children.set(p, []).get(p)! : rootsByTrace.get(table.trace[i]!) ?? rootsByTrace.set(table.trace[i]!, []).get(table.trace[i]!)!;
    list.push(i);
  }
  const byStart = (a: number, b: number): number => table.start[a]! - table.start[b]! || a - b;
  for (const list of children.values()) list.sort(byStart);
  const traces = [...rootsByTrace.values()];
  for (const roots of traces) roots.sort(byStart);
  traces.sort((a, b) => byStart(a[0]!, b[0]!));
  const order: number[] = [];
  const depth = new Map<number, number>();
  const segments: { trace: number; first: number; count: number }[] = [];
  for (const roots of traces) {
    const first = order.length;
    const stack: [number, number][] = roots.map((root) => [root, 0] as [number, number]).reverse();
    while (stack.length > 0) {
      const [i, d] = stack.pop()!;
      order.push(i);
      depth.set(i, d);
      const kids = children.get(i);
      if (kids !== undefined) for (let k = kids.length - 1; k >= 0; k--) stack.push([kids[k]!, d + 1]);
    }
    segments.push({ trace: table.trace[roots[0]!]!, first, count: order.length - first });
  }
  return { order, depth, traces: segments };
}
