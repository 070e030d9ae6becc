import { readDataset } from "./dataset";
import { renderFrame } from "./render";
import { Scene } from "./scene";

export interface SourceFrame {
  width: number;
  height: number;
  pixels: Uint8Array;
  truth: number;
}

/** Frame `seq` of a camera: synthesized from the seeded scene, or read (cycling) from a dataset folder. */
export type FrameSource = (seq: number) => SourceFrame;

/** Size of a synthetic frame unless the camera is given --width/--height (what a camera sends by default). */
export const DEFAULT_FRAME_SIZE = { width: 80, height: 60 } as const;

export function syntheticSource(seed: number, camera: number, width: number, height: number): FrameSource {
  const scene = new Scene(seed, camera, width, height);
  return (seq) => {
    const people = scene.people(seq);
    return { width, height, pixels: renderFrame(people, width, height, [seed, camera, seq]), truth: people.length };
  };
}

export function datasetSource(dir: string): FrameSource {
  const frames = readDataset(dir);
  return (seq) => frames[seq % frames.length];
}
