/**
 * The heaviest antichain of a partial order given as a DAG: the largest total weight of elements none of
 * which comes after another. When the elements are operations that a scheduler may run as soon as their
 * dependencies are done (Pulumi's engine with unbounded `--parallel`), it is the most that can run at once.
 *
 * Exact, by the weighted form of Dilworth's theorem: the heaviest antichain weighs as much as the smallest
 * cover of the order by chains in which each element x appears w(x) times. That cover is total weight minus
 * a maximum flow in the split graph (source -> x_out with capacity w(x), x_out -> y_in unbounded for every
 * x < y in the transitive order, y_in -> sink with capacity w(y)), and the antichain itself is read from
 * the minimum cut: the elements whose x_out is reachable from the source in the residual graph and whose
 * x_in is not. Pure: no Pulumi, no I/O.
 */

export interface Poset<K> {
  /** The elements that count, with their weight (elements of weight 0 may be left out). */
  weights: Map<K, number>;
  /** True when `b` comes after `a` (transitively); must be a strict partial order on the weighted elements. */
  before: (a: K, b: K) => boolean;
}

export interface Antichain<K> {
  weight: number;
  elements: K[];
}

export function heaviestAntichain<K>(poset: Poset<K>): Antichain<K> {
  const items = [...poset.weights].filter(([, w]) => w > 0);
  for (const [k, w] of items) {
    if (!Number.isInteger(w)) throw new Error(`weight of ${String(k)} is ${w}; expected a whole number`);
  }
  const n = items.length;
  if (n === 0) return { weight: 0, elements: [] };
  // Nodes: 0 source, 1 sink, 2 + i = out-copy of item i, 2 + n + i = in-copy of item i.
  const flow = new MaxFlow(2 + 2 * n);
  const total = items.reduce((s, [, w]) => s + w, 0);
  const INF = total + 1;
  items.forEach(([, w], i) => {
    flow.addEdge(0, 2 + i, w);
    flow.addEdge(2 + n + i, 1, w);
  });
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j && poset.before(items[i][0], items[j][0])) flow.addEdge(2 + i, 2 + n + j, INF);
    }
  }
  const maxFlow = flow.run(0, 1);
  const reach = flow.residualReach(0);
  const elements = items.filter((_, i) => reach[2 + i] && !reach[2 + n + i]).map(([k]) => k);
  const weight = elements.reduce((s, k) => s + poset.weights.get(k)!, 0);
  // The cut argument guarantees both; a mismatch means `before` was not a partial order.
  if (weight !== total - maxFlow) {
    throw new Error(`antichain of weight ${weight} found, expected ${total - maxFlow}: the order given is not transitive`);
  }
  return { weight, elements };
}

/**
 * The transitive "comes after" relation of a DAG given as each node's direct predecessors (what it
 * depends on). `before(a, b)` is true when b depends on a, directly or not. A cycle is an error naming it.
 */
export function dependencyOrder<K>(dependsOn: Map<K, K[]>): (a: K, b: K) => boolean {
  const ancestors = new Map<K, Set<K>>();
  const state = new Map<K, "open" | "done">();
  const visit = (k: K, trail: K[]): Set<K> => {
    const known = ancestors.get(k);
    if (known) return known;
    if (state.get(k) === "open") {
      const cycle = [...trail.slice(trail.indexOf(k)), k].map(String).join(" -> ");
      throw new Error(`the dependency graph has a cycle: ${cycle}`);
    }
    state.set(k, "open");
    const set = new Set<K>();
    for (const d of dependsOn.get(k) ?? []) {
      set.add(d);
      for (const a of visit(d, [...trail, k])) set.add(a);
    }
    state.set(k, "done");
    ancestors.set(k, set);
    return set;
  };
  for (const k of dependsOn.keys()) visit(k, []);
  return (a, b) => (ancestors.get(b) ?? visit(b, [])).has(a);
}

/** Dinic's maximum flow on integer capacities. */
class MaxFlow {
  private readonly to: number[] = [];
  private readonly cap: number[] = [];
  private readonly head: number[];
  private readonly next: number[] = [];

  constructor(private readonly nodes: number) {
    this.head = new Array(nodes).fill(-1);
  }

  addEdge(u: number, v: number, c: number): void {
    for (const [a, b, cc] of [[u, v, c], [v, u, 0]] as const) {
      this.to.push(b);
      this.cap.push(cc);
      this.next.push(this.head[a]);
      this.head[a] = this.to.length - 1;
    }
  }

  run(s: number, t: number): number {
    let total = 0;
    for (;;) {
      const level = this.levels(s);
      if (level[t] < 0) return total;
      const it = [...this.head];
      for (;;) {
        const pushed = this.push(s, t, Infinity, level, it);
        if (pushed === 0) break;
        total += pushed;
      }
    }
  }

  /** Nodes reachable from `s` through edges with capacity left. */
  residualReach(s: number): boolean[] {
    return this.levels(s).map((l) => l >= 0);
  }

  private levels(s: number): number[] {
    const level = new Array(this.nodes).fill(-1);
    level[s] = 0;
    const queue = [s];
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q];
      for (let e = this.head[u]; e >= 0; e = this.next[e]) {
        if (this.cap[e] > 0 && level[this.to[e]] < 0) {
          level[this.to[e]] = level[u] + 1;
          queue.push(this.to[e]);
        }
      }
    }
    return level;
  }

  private push(u: number, t: number, limit: number, level: number[], it: number[]): number {
    if (u === t) return limit;
    for (; it[u] >= 0; it[u] = this.next[it[u]]) {
      const e = it[u];
      const v = this.to[e];
      if (this.cap[e] > 0 && level[v] === level[u] + 1) {
        const d = this.push(v, t, Math.min(limit, this.cap[e]), level, it);
        if (d > 0) {
          this.cap[e] -= d;
          this.cap[e ^ 1] += d;
          return d;
        }
      }
    }
    return 0;
  }
}
