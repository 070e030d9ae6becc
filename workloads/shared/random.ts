/** Seeded pseudo-random numbers (mulberry32) so frames are reproducible from (seed, camera, seq). */
export class SeededRandom {
  private state: number;

  constructor(...seeds: number[]) {
    // Mix every seed component so (1, 2) and (2, 1) give different streams.
    let h = 0x9e3779b9;
    for (const s of seeds) {
      h = Math.imul(h ^ (s | 0), 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
    this.state = h >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}
