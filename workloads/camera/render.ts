import { SeededRandom } from "../shared/random";
import { Person, PERSON_HEIGHT, PERSON_WIDTH } from "./scene";

/**
 * Draws a grayscale frame: a noisy dark background, bright silhouettes with their own noise, and
 * isolated "salt" pixels that a people counter must not mistake for people.
 */
export function renderFrame(people: Person[], width: number, height: number, noiseSeed: number[]): Uint8Array {
  const r = new SeededRandom(...noiseSeed);
  const px = new Uint8Array(width * height);
  for (let i = 0; i < px.length; i++) px[i] = r.int(15, 90);
  for (const p of people) {
    for (let dy = 0; dy < PERSON_HEIGHT; dy++) {
      for (let dx = 0; dx < PERSON_WIDTH; dx++) {
        // Head: the middle 3 columns of the top 3 rows; body: all 5 columns below.
        if (dy < 3 && (dx === 0 || dx === PERSON_WIDTH - 1)) continue;
        px[(p.y + dy) * width + p.x + dx] = r.int(170, 250);
      }
    }
  }
  const salt = Math.floor((width * height) / 400);
  for (let i = 0; i < salt; i++) px[r.int(0, px.length - 1)] = 255;
  return px;
}
