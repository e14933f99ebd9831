// Summarises a V8 heap snapshot (e.g. one the benchmark's BENCH_HEAP_SNAPSHOT_DIR wrote):
// self size by constructor, and the largest objects by retained size (dominator tree)
// with the path that keeps them alive.
// Run: node --import tsx bench/heap-summary.ts <file.heapsnapshot> [top=25]
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: heap-summary.ts <file.heapsnapshot> [top]');
const TOP = Number(process.argv[3] ?? 25);
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const { meta } = snap.snapshot;
const NF = meta.node_fields.length;
const EF = meta.edge_fields.length;
const [nType, nName, nSelf, nEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
  meta.node_fields.indexOf(f),
) as [number, number, number, number];
const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [
  number,
  number,
  number,
];
const nodeTypes = meta.node_types[0];
const edgeTypes = meta.edge_types[0];
const WEAK = edgeTypes.indexOf('weak');
const SHORTCUT = edgeTypes.indexOf('shortcut');
const N = snap.nodes.length / NF;

const firstEdge = new Uint32Array(N + 1);
for (let i = 0, e = 0; i < N; i++) {
  firstEdge[i] = e;
  e += (snap.nodes[i * NF + nEdges] ?? 0) * EF;
  firstEdge[i + 1] = e;
}
const typeOf = (n: number) => nodeTypes[snap.nodes[n * NF + nType] ?? 0] ?? '?';
const nameOf = (n: number) => snap.strings[snap.nodes[n * NF + nName] ?? 0] ?? '?';
const selfOf = (n: number) => snap.nodes[n * NF + nSelf] ?? 0;
const label = (n: number) => {
  const t = typeOf(n);
  const name = nameOf(n);
  if (t === 'string' || t === 'concatenated string' || t === 'sliced string')
    return `string "${name.slice(0, 40).replace(/\s+/g, ' ')}"`;
  return `${t}:${name.slice(0, 80)}`;
};
const edgesOf = function* (n: number) {
  for (let e = firstEdge[n] ?? 0; e < (firstEdge[n + 1] ?? 0); e += EF) {
    const type = snap.edges[e + eType] ?? 0;
    if (type === WEAK || type === SHORTCUT) continue;
    yield { type, name: snap.edges[e + eName] ?? 0, to: (snap.edges[e + eTo] ?? 0) / NF };
  }
};

// Post-order DFS from the root (node 0), then Cooper-Harvey-Kennedy dominators.
const post = new Int32Array(N).fill(-1);
const order: number[] = [];
{
  const stack: [number, Generator<{ to: number }>][] = [[0, edgesOf(0)]];
  const seen = new Uint8Array(N);
  seen[0] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1] as [number, Generator<{ to: number }>];
    const next = top[1].next();
    if (next.done) {
      post[top[0]] = order.length;
      order.push(top[0]);
      stack.pop();
    } else if (!seen[next.value.to]) {
      seen[next.value.to] = 1;
      stack.push([next.value.to, edgesOf(next.value.to)]);
    }
  }
}
const preds: number[][] = Array.from({ length: N }, () => []);
for (const n of order) for (const { to } of edgesOf(n)) if ((post[to] ?? -1) >= 0) preds[to]?.push(n);
const idom = new Int32Array(N).fill(-1);
idom[0] = 0;
const intersect = (a: number, b: number) => {
  while (a !== b) {
    while ((post[a] ?? 0) < (post[b] ?? 0)) a = idom[a] ?? 0;
    while ((post[b] ?? 0) < (post[a] ?? 0)) b = idom[b] ?? 0;
  }
  return a;
};
for (let changed = true; changed; ) {
  changed = false;
  for (let i = order.length - 2; i >= 0; i--) {
    const n = order[i] as number;
    let d = -1;
    for (const p of preds[n] ?? []) if ((idom[p] ?? -1) >= 0) d = d < 0 ? p : intersect(p, d);
    if (d >= 0 && idom[n] !== d) {
      idom[n] = d;
      changed = true;
    }
  }
}
const retained = new Float64Array(N);
for (const n of order) {
  retained[n] = (retained[n] ?? 0) + selfOf(n);
  if (n !== 0) retained[idom[n] ?? 0] = (retained[idom[n] ?? 0] ?? 0) + (retained[n] ?? 0);
}

const MiB = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
let total = 0;
const byClass = new Map<string, { count: number; self: number }>();
for (let n = 0; n < N; n++) {
  if ((post[n] ?? -1) < 0) continue;
  total += selfOf(n);
  const t = typeOf(n);
  const key = t === 'object' || t === 'closure' || t === 'native' ? `${t}:${nameOf(n)}` : t;
  const c = byClass.get(key) ?? { count: 0, self: 0 };
  c.count++;
  c.self += selfOf(n);
  byClass.set(key, c);
}
console.log(`${file}: ${N} nodes, ${MiB(total)} reachable`);
console.log(`\nself size by type/constructor (top ${TOP}):`);
for (const [k, c] of [...byClass.entries()].sort((a, b) => b[1].self - a[1].self).slice(0, TOP))
  console.log(`  ${MiB(c.self).padStart(11)}  ${String(c.count).padStart(8)}  ${k.slice(0, 100)}`);

// Shortest path from the root to each node (BFS), to name what keeps an object alive.
const parent = new Int32Array(N).fill(-1);
const parentEdge = new Int32Array(N).fill(-1);
{
  const queue = new Int32Array(N);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  parent[0] = 0;
  while (head < tail) {
    const n = queue[head++] as number;
    for (let e = firstEdge[n] ?? 0; e < (firstEdge[n + 1] ?? 0); e += EF) {
      const type = snap.edges[e + eType] ?? 0;
      if (type === WEAK || type === SHORTCUT) continue;
      const to = (snap.edges[e + eTo] ?? 0) / NF;
      if ((parent[to] ?? 0) >= 0) continue;
      parent[to] = n;
      parentEdge[to] = e;
      queue[tail++] = to;
    }
  }
}
const edgeName = (e: number) => {
  const type = edgeTypes[snap.edges[e + eType] ?? 0];
  const name = snap.edges[e + eName] ?? 0;
  return type === 'element' || type === 'hidden' ? `[${name}]` : `.${snap.strings[name] ?? name}`;
};
const path = (n: number) => {
  const parts: string[] = [];
  for (let cur = n; cur !== 0 && parts.length < 8; cur = parent[cur] ?? 0) {
    const e = parentEdge[cur] ?? -1;
    if (e < 0) break;
    parts.push(`${edgeName(e)} of ${label(parent[cur] ?? 0)}`);
  }
  return parts.join('\n                 ');
};
console.log(
  `\nlargest retained sizes (top ${TOP}; each node once, skipping one it dominates with the same size):`,
);
const candidates = order.filter(
  (n) => n !== 0 && typeOf(n) !== 'synthetic' && (retained[n] ?? 0) > 128 * 1024,
);
candidates.sort((a, b) => (retained[b] ?? 0) - (retained[a] ?? 0));
const shown: number[] = [];
for (const n of candidates) {
  if (shown.length >= TOP) break;
  // a node dominated by one already shown and nearly as large adds nothing
  let d = idom[n] ?? 0;
  let covered = false;
  while (d !== 0) {
    if (shown.includes(d) && (retained[n] ?? 0) > 0.8 * (retained[d] ?? 0)) covered = true;
    d = idom[d] ?? 0;
  }
  if (covered) continue;
  shown.push(n);
  console.log(`  ${MiB(retained[n] ?? 0).padStart(11)}  ${label(n)}\n               ${path(n)}`);
}
