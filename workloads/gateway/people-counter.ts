import { componentAreas } from "./connected-components";
import { otsuThreshold } from "./threshold";

export interface CountOptions {
  /** Regions smaller than this many pixels are noise, not people. */
  minArea: number;
  /** Lowest threshold allowed: on a frame with no people Otsu would split the background itself. */
  minThreshold: number;
}

export const DEFAULT_COUNT_OPTIONS: CountOptions = { minArea: 12, minThreshold: 128 };

/** Counts people in a grayscale frame: threshold (Otsu, floored), connected components, size filter. */
export function countPeople(pixels: Uint8Array, width: number, height: number, opts: CountOptions = DEFAULT_COUNT_OPTIONS): number {
  const t = Math.max(otsuThreshold(pixels), opts.minThreshold);
  const mask = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) mask[i] = pixels[i] > t ? 1 : 0;
  return componentAreas(mask, width, height).filter((a) => a >= opts.minArea).length;
}
