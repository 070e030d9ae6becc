import { dependencyOrder, heaviestAntichain } from "../../fanout/antichain";

/** A poset from each element's direct dependencies, and its heaviest antichain. */
function solve(deps: Record<string, string[]>, weights: Record<string, number>) {
  const before = dependencyOrder(new Map(Object.entries(deps)));
  return heaviestAntichain({ weights: new Map(Object.entries(weights)), before });
}

const ones = (keys: string) => Object.fromEntries(keys.split("").map((k) => [k, 1]));

describe("heaviestAntichain on hand-made orders", () => {
  it("a chain runs one at a time", () => {
    expect(solve({ a: [], b: ["a"], c: ["b"] }, ones("abc"))).toEqual({ weight: 1, elements: [expect.any(String)] });
  });

  it("independent elements all run at once", () => {
    const r = solve({ a: [], b: [], c: [], d: [] }, ones("abcd"));
    expect(r.weight).toBe(4);
    expect(r.elements.sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("a diamond has its two middle elements at once", () => {
    const r = solve({ a: [], b: ["a"], c: ["a"], d: ["b", "c"] }, ones("abcd"));
    expect(r).toEqual({ weight: 2, elements: expect.arrayContaining(["b", "c"]) });
  });

  it("order passes through elements that weigh nothing (a before c through b)", () => {
    // b does not connect anywhere, but c still waits for a through it: {a, c} can never overlap.
    const r = solve({ a: [], b: ["a"], c: ["b"], d: [] }, { a: 1, c: 1, d: 1 });
    expect(r.weight).toBe(2);
    expect(r.elements).toContain("d");
  });

  it("weights count: a heavy element beats two light ones it is ordered with", () => {
    // a(3) < b(1) < c(1); d(1) independent: the heaviest set is {a, d} = 4, not {b, d} or {c, d}.
    const r = solve({ a: [], b: ["a"], c: ["b"], d: [] }, { a: 3, b: 1, c: 1, d: 1 });
    expect(r.weight).toBe(4);
    expect(r.elements.sort()).toEqual(["a", "d"]);
  });

  it("the N-shaped order where picking greedily by width fails", () => {
    // a < c, b < c, b < d: the antichains of size 2 are {a,b}, {c,d}, {a,d}.
    const r = solve({ a: [], b: [], c: ["a", "b"], d: ["b"] }, ones("abcd"));
    expect(r.weight).toBe(2);
  });

  it("a cycle is an error naming it", () => {
    expect(() => solve({ a: ["c"], b: ["a"], c: ["b"] }, ones("abc"))).toThrow(/cycle: (a|b|c) -> .* -> (a|b|c)/);
  });

  it("an empty or weightless order has weight 0", () => {
    expect(solve({}, {})).toEqual({ weight: 0, elements: [] });
    expect(solve({ a: [] }, { a: 0 })).toEqual({ weight: 0, elements: [] });
  });
});

describe("heaviestAntichain equals brute force on random orders", () => {
  // A seeded generator, so a failure can be reproduced.
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  it.each(Array.from({ length: 60 }, (_, i) => i))("random order %i", () => {
    const n = 2 + Math.floor(rand() * 10);
    const keys = Array.from({ length: n }, (_, i) => `n${i}`);
    const deps: Record<string, string[]> = {};
    const density = rand();
    keys.forEach((k, i) => (deps[k] = keys.slice(0, i).filter(() => rand() < density * 0.5)));
    // Listed in a shuffled order: the solver must not rely on the elements coming in dependency order.
    const shuffled = [...keys].sort(() => rand() - 0.5);
    const weights: Record<string, number> = Object.fromEntries(shuffled.map((k) => [k, Math.floor(rand() * 4)]));
    const before = dependencyOrder(new Map(Object.entries(deps)));
    let best = 0;
    for (let mask = 0; mask < 1 << n; mask++) {
      const set = keys.filter((_, i) => mask & (1 << i));
      if (set.some((a) => set.some((b) => before(a, b)))) continue;
      best = Math.max(best, set.reduce((s, k) => s + weights[k], 0));
    }
    const r = heaviestAntichain({ weights: new Map(Object.entries(weights)), before });
    expect(r.weight).toBe(best);
    // What it returns is an antichain of that weight.
    expect(r.elements.some((a) => r.elements.some((b) => before(a, b)))).toBe(false);
    expect(r.elements.reduce((s, k) => s + weights[k], 0)).toBe(best);
  });
});
