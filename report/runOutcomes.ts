import * as fs from "fs";
import * as path from "path";
import type { RunOutcome } from "../lifecycle/experimentRunner";

/** One run as `npm run experiment` / `npm start` recorded it in `<results>/<stack>/runs.json`. */
export type RecordedRun = Pick<RunOutcome, "run" | "status" | "resultsFolder" | "startedAt" | "errors" | "health">;

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
