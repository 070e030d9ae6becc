#!/usr/bin/env node
// Writes synthetic camera datasets (the seed's dataset/data-N folders) for the camera's --dataset mode.
import * as path from "node:path";
import { Command } from "commander";
import { nonNegativeInt, positiveInt } from "../shared/cli-parsers";
import { runProgram } from "../shared/program";
import { writeDataset } from "../camera/dataset";
import { syntheticSource } from "../camera/frame-source";

interface Options {
  out: string;
  cameras: number;
  frames: number;
  seed: number;
  width: number;
  height: number;
}

const command = new Command("make-dataset")
  .description("Write <out>/data-1 ... data-N, each with PGM frames and truth.csv.")
  .requiredOption("--out <dir>", "dataset root folder")
  .requiredOption("--cameras <n>", "number of camera folders", positiveInt)
  .requiredOption("--frames <n>", "frames per camera", positiveInt)
  .option("--seed <n>", "scene seed", nonNegativeInt, 1)
  .option("--width <px>", "frame width", positiveInt, 80)
  .option("--height <px>", "frame height", positiveInt, 60);

runProgram<Options>(command, process.argv, async (o) => {
  for (let camera = 1; camera <= o.cameras; camera++) {
    const source = syntheticSource(o.seed, camera, o.width, o.height);
    writeDataset(path.join(o.out, `data-${camera}`), Array.from({ length: o.frames }, (_, seq) => source(seq)));
  }
  console.error(`make-dataset: wrote ${o.cameras} x ${o.frames} frames under ${o.out}`);
});
