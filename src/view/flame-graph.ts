import type { SpanTable } from './span-table.js';
import type { ViewFlame } from './view-data.js';

/**
 * Merges every span of the table (embedded in the page or not) by call stack: one node per
 * distinct path of span names from a root down, with the total time of its spans, their self
 * time (what their children do not cover) and how many there are. A function-level trace
 * becomes a flame graph of the guest's calls; any other trace, of its span tree. Needs the
 * parents resolved. Keeps at most `limit` nodes, the largest by total time (with their
 * ancestors).
 */
export function flameGraph(table: SpanTable, limit: number): ViewFlame {
  const { count, parent, duration } = table;
  const childTime = new Float64Array(count);
  for (let i = 0; i < count; i++) if (parent[i]! >= 0) childTime[parent[i]!] += duration[i]!;

  const nodeParent: number[] = [];
  const nodeName: number[] = [];
  const total: number[] = [];
  const self: number[] = [];
  const calls: number[] = [];
  const nameCount = table.names.values.length;
  const nodeOfPath = new Map<number, number>();
  const nodeOf = new Int32Array(count).fill(-1);
  const child = (parentNode: number, name: number): number => {
    const key = (parentNode + 1) * nameCount + name;
    let node = nodeOfPath.get(key);
    if (node === undefined) {
      node = nodeParent.length;
      nodeOfPath.set(key, node);
      nodeParent.push(parentNode);
      nodeName.push(name);
      total.push(0);
      self.push(0);
      calls.push(0);
    }
    return node;
  };
  const pending: number[] = [];
  for (let i = 0; i < count; i++) {
    // The span's node is its parent's node's child of its name: walk up to a span whose node is known.
    for (let j = i; j >= 0 && nodeOf[j] === -1; j = parent[j]!) pending.push(j);
    while (pending.length > 0) {
      const j = pending.pop()!;
      const p = parent[j]!;
      nodeOf[j] = child(p >= 0 ? nodeOf[p]! : -1, table.name[j]!);
    }
    const node = nodeOf[i]!;
    total[node] += duration[i]!;
    self[node] += Math.max(0, duration[i]! - childTime[i]!);
    calls[node]++;
  }
  return embeddedNodes({ nodeParent, nodeName, total, self, calls }, table.names.values, limit);
}

interface Nodes {
  nodeParent: number[];
  nodeName: number[];
  total: number[];
  self: number[];
  calls: number[];
}

/** The `limit` largest nodes and their ancestors, depth first, children by total time (largest first), renumbered. */
function embeddedNodes(nodes: Nodes, allNames: string[], limit: number): ViewFlame {
  const n = nodes.nodeParent.length;
  const kept = new Uint8Array(n);
  if (n <= limit) kept.fill(1);
  else {
    const bySize = Array.from({ length: n }, (_, i) => i).sort((a, b) => nodes.total[b]! - nodes.total[a]! || a - b);
    for (let k = 0; k < limit; k++) for (let j = bySize[k]!; j >= 0 && kept[j] === 0; j = nodes.nodeParent[j]!) kept[j] = 1;
  }
  const children = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (kept[i] !== 1) continue;
    const p = nodes.nodeParent[i]!;
    (children.get(p) ?? children.set(p, []).get(p)!).push(i);
  }
  for (const list of children.values()) list.sort((a, b) => nodes.total[b]! - nodes.total[a]! || a - b);
  const names: string[] = [];
  const nameIndex = new Map<number, number>();
  const out: ViewFlame['nodes'] = [];
  const stack: [number, number][] = (children.get(-1) ?? []).map((i) => [i, -1] as [number, number]).reverse();
  while (stack.length > 0) {
    const [i, newParent] = stack.pop()!;
    let name = nameIndex.get(nodes.nodeName[i]!);
    if (name === undefined) {
      name = names.length;
      names.push(allNames[nodes.nodeName[i]!]!);
      nameIndex.set(nodes.nodeName[i]!, name);
    }
    const index = out.length;
    out.push([newParent, name, round(nodes.total[i]!), round(nodes.self[i]!), nodes.calls[i]!]);
    const kids = children.get(i);
    if (kids !== undefined) for (let k = kids.length - 1; k >= 0; k--) stack.push([kids[k]!, index]);
  }
  return { names, nodes: out, nodesLeftOut: n - out.length };
}

/** Microseconds to the nanosecond (sums of many doubles carry noise past that). */
function round(micros: number): number {
  return Math.round(micros * 1000) / 1000;
}
