import * as fs from "fs";
import * as path from "path";
import type { RunHealthRecord } from "./runHealth";

/** One run as `npm run experiment` / `npm start` recorded it in `<results>/<stack>/runs.json`. */
export interface RecordedRun {
  run: number;
  status: "ok" | "failed" | "interrupted";
  resultsFolder?: string;
  startedAt: string;
  errors: string[];
  /** The run's verdict when the runner judged it (clean, degraded, failed) and its reasons. */
  health?: RunHealthRecord;
}

/** The runs recorded in `dir/runs.json`, or none when the folder was not made by the runner. */
export function readRecordedRuns(dir: string): RecordedRun[] {
  const file = path.join(dir, "runs.json");
  if (!fs.existsSync(file)) return [];
  return JSON.parse(fs.readFileSync(file, "utf8")) as RecordedRun[];
}

/** The recorded outcome of the run whose results are in `runDir`, if the runner recorded it. */
export function recordedRunOf(runs: RecordedRun[], runDir: string): RecordedRun | undefined {
  return runs.find((r) => r.resultsFolder !== undefined && path.resolve(r.resultsFolder) === path.resolve(runDir));
}
