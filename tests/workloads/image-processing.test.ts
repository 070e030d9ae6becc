import { componentAreas } from "../../workloads/gateway/connected-components";
import { countPeople } from "../../workloads/gateway/people-counter";
import { otsuThreshold } from "../../workloads/gateway/threshold";
import { renderFrame } from "../../workloads/camera/render";
import { Scene } from "../../workloads/camera/scene";
import { syntheticSource } from "../../workloads/camera/frame-source";

describe("Otsu threshold", () => {
  test("splits a two-level image between its levels", () => {
    const px = new Uint8Array(100).map((_, i) => (i < 70 ? 40 : 200));
    const t = otsuThreshold(px);
    expect(t).toBeGreaterThanOrEqual(40);
    expect(t).toBeLessThan(200);
  });
});

describe("connected components", () => {
  test("8-connectivity joins diagonal neighbours and keeps separate regions apart", () => {
    // 5x4 mask: a diagonal pair (one region), a 2x2 block (one region), a lone pixel.
    const m = new Uint8Array([
      1, 0, 0, 1, 1,
      0, 1, 0, 1, 1,
      0, 0, 0, 0, 0,
      0, 0, 1, 0, 0,
    ]);
    expect(componentAreas(m, 5, 4).sort()).toEqual([1, 2, 4]);
  });

  test("a region spanning the whole frame is one component", () => {
    expect(componentAreas(new Uint8Array(200 * 200).fill(1), 200, 200)).toEqual([40000]);
  });
});

describe("people counter", () => {
  test("an empty noisy frame has no people (threshold floor, salt filtered by size)", () => {
    expect(countPeople(renderFrame([], 80, 60, [1]), 80, 60)).toBe(0);
  });

  test("counts drawn silhouettes", () => {
    const people = [{ x: 2, y: 2 }, { x: 30, y: 2 }, { x: 50, y: 40 }];
    expect(countPeople(renderFrame(people, 80, 60, [9]), 80, 60)).toBe(3);
  });

  test("two touching silhouettes are one region: the count really comes from the pixels", () => {
    const people = [{ x: 10, y: 10 }, { x: 15, y: 10 }];
    expect(countPeople(renderFrame(people, 80, 60, [3]), 80, 60)).toBe(1);
  });

  test("matches the ground truth on every frame of many seeded scenes", () => {
    let frames = 0;
    const seen = new Set<number>();
    for (const seed of [1, 42, 1234]) {
      for (let camera = 1; camera <= 8; camera++) {
        const source = syntheticSource(seed, camera, 80, 60);
        for (let seq = 0; seq < 200; seq++) {
          const f = source(seq);
          seen.add(f.truth);
          expect({ seed, camera, seq, people: countPeople(f.pixels, f.width, f.height) }).toEqual({ seed, camera, seq, people: f.truth });
          frames++;
        }
      }
    }
    expect(frames).toBe(4800);
    expect(seen.size).toBeGreaterThan(4); // scenes vary between near-empty and crowded
  });

  test("works at other frame sizes", () => {
    const source = syntheticSource(5, 3, 160, 120);
    for (let seq = 0; seq < 50; seq++) {
      const f = source(seq);
      expect(countPeople(f.pixels, 160, 120)).toBe(f.truth);
    }
  });
});

describe("scene", () => {
  test("is deterministic and people move over time", () => {
    const a = new Scene(42, 1, 80, 60);
    const b = new Scene(42, 1, 80, 60);
    expect(a.people(17)).toEqual(b.people(17));
    const xs = new Set(Array.from({ length: 20 }, (_, s) => JSON.stringify(a.people(s))));
    expect(xs.size).toBeGreaterThan(10);
    expect(new Scene(43, 1, 80, 60).people(17)).not.toEqual(a.people(17));
  });

  test("rejects a frame too small to hold a person", () => {
    expect(() => new Scene(1, 1, 8, 8)).toThrow(/too small/);
  });
});
