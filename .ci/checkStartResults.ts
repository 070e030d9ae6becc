import * as fs from "fs";
import * as path from "path";
import { readRecordedRuns } from "../report/runOutcomes";

/**
 * CI's check of what `npm start` left: the run recorded as ok, its folder with a report, and the frame
 * accounting whole (every frame a camera sent was acknowledged, received by a gateway, forwarded to Kafka
 * and read by the in-sink; windows came out). Exits non-zero with the reason otherwise.
 */
const root = path.resolve(process.argv[2] ?? "results/local");
const problems: string[] = [];
const runs = readRecordedRuns(root);
if (!runs.length) throw new Error(`no runs.json in ${root}`);
const last = runs[runs.length - 1];
if (last.status !== "ok") problems.push(`the run ended ${last.status}: ${last.errors.join("; ")}`);
const dir = last.resultsFolder ?? "";
for (const f of ["report.html", "summary.json", "run.yaml", "workflow-validate.out"]) {
  if (!fs.existsSync(path.join(dir, f))) problems.push(`${f} missing in ${dir}`);
}
if (fs.existsSync(path.join(dir, "missing.txt"))) problems.push(`missing.txt: ${fs.readFileSync(path.join(dir, "missing.txt"), "utf8")}`);
if (fs.existsSync(path.join(dir, "summary.json"))) {
  const f = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")).frames as Record<string, number>;
  console.log(`frames: ${JSON.stringify(f)}`);
  if (!(f.sent > 0)) problems.push("no frame was sent");
  for (const k of ["acked", "gatewayReceived", "gatewayForwarded", "inSink"]) if (f[k] !== f.sent) problems.push(`${k} ${f[k]} != sent ${f.sent}`);
  if (!(f.outSinkWindows > 0)) problems.push("no window reached the out-sink");
}
if (problems.length) {
  console.error(`npm start's results are not right:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`npm start: run ok, report ${path.join(dir, "report.html")}`);
