import { SeededRandom } from "../shared/random";

/** A person drawn into a frame: top-left corner of a 5x10 silhouette (3x3 head on a 5x7 body). */
export interface Person {
  x: number;
  y: number;
}

export const PERSON_WIDTH = 5;
export const PERSON_HEIGHT = 10;
// Free pixels around each walking slot, so two people never touch and blobs stay separate.
const MARGIN = 2;
const LANE_HEIGHT = PERSON_HEIGHT + 2 * MARGIN;
const COLUMNS = 2;

interface Slot {
  left: number;
  right: number;
  top: number;
  speed: number;
  start: number;
  period: number;
  present: number;
}

/**
 * The people a camera sees at each frame: the frame is split into lanes and columns (slots);
 * in each slot one person walks left and right, appearing and disappearing on a seeded schedule.
 * The scene of frame `seq` depends only on (seed, camera, seq).
 */
export class Scene {
  private readonly slots: Slot[] = [];

  constructor(readonly seed: number, readonly camera: number, readonly width: number, readonly height: number) {
    const lanes = Math.floor(height / LANE_HEIGHT);
    const colWidth = Math.floor(width / COLUMNS);
    if (lanes < 1 || colWidth < PERSON_WIDTH + 2 * MARGIN + 1) {
      throw new Error(`frame ${width}x${height} is too small for the scene (minimum ${COLUMNS * (PERSON_WIDTH + 2 * MARGIN + 1)}x${LANE_HEIGHT})`);
    }
    for (let lane = 0; lane < lanes; lane++) {
      for (let col = 0; col < COLUMNS; col++) {
        const r = new SeededRandom(seed, camera, lane, col);
        const period = r.int(20, 80);
        this.slots.push({
          left: col * colWidth + MARGIN,
          right: (col + 1) * colWidth - MARGIN - PERSON_WIDTH,
          top: lane * LANE_HEIGHT + MARGIN,
          speed: r.int(1, 3),
          start: r.int(0, 1000),
          period,
          present: r.int(Math.floor(period / 4), Math.floor((period * 3) / 4)),
        });
      }
    }
  }

  people(seq: number): Person[] {
    const out: Person[] = [];
    for (const s of this.slots) {
      const t = s.start + seq;
      if (t % s.period >= s.present) continue;
      // Bounce between the slot's edges.
      const span = s.right - s.left;
      const travel = span === 0 ? 0 : (t * s.speed) % (2 * span);
      out.push({ x: s.left + (travel <= span ? travel : 2 * span - travel), y: s.top });
    }
    return out;
  }
}
