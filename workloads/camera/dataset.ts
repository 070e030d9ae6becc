import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { decodePgm, encodePgm, GrayImage } from "./pgm";

/** One camera's frames on disk (the seed's dataset/data-N): PGM files plus truth.csv (file,people). */
export interface DatasetFrame extends GrayImage {
  truth: number;
}

export function readDataset(dir: string): DatasetFrame[] {
  const truthFile = path.join(dir, "truth.csv");
  if (!fs.existsSync(truthFile)) throw new Error(`dataset ${dir} has no truth.csv`);
  const rows = parse(fs.readFileSync(truthFile), { columns: true, skip_empty_lines: true }) as { file?: string; people?: string }[];
  if (rows.length === 0) throw new Error(`dataset ${dir} lists no frames in truth.csv`);
  return rows.map((row, i) => {
    const people = Number(row.people);
    if (!row.file || !Number.isInteger(people) || people < 0) throw new Error(`truth.csv row ${i + 2} needs file,people`);
    try {
      return { ...decodePgm(fs.readFileSync(path.join(dir, row.file))), truth: people };
    } catch (e) {
      throw new Error(`dataset frame ${row.file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

export function writeDataset(dir: string, frames: DatasetFrame[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const rows = frames.map((f, i) => {
    const file = `frame-${String(i).padStart(6, "0")}.pgm`;
    fs.writeFileSync(path.join(dir, file), encodePgm(f));
    return { file, people: f.truth };
  });
  fs.writeFileSync(path.join(dir, "truth.csv"), stringify(rows, { header: true, columns: ["file", "people"] }));
}
