import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough } from "stream";
import { DeploymentBackend } from "../../lifecycle/deploymentBackend";
import { runExperiment, runsAcceptable } from "../../lifecycle/experimentRunner";

/** The runner judges every run from its results folder and records the verdict in runs.json. */
const FIXTURES = path.join(__dirname, "..", "report", "fixtures", "runs");

function backendFor(folders: string[]): DeploymentBackend {
  let run = 0;
  return { name: "fixture", up: async () => ({ resultsFolder: folders[run++] }), destroy: async () => ({ errors: [] }) };
}
const quiet = () => {
  const s = new PassThrough();
  s.resume();
  return s as unknown as NodeJS.WriteStream;
};

test("runs.json holds each run's verdict; a run that is not clean is not acceptable", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-runs-health-"));
  try {
    const outcomes = await runExperiment({ backend: backendFor([path.join(FIXTURES, "clean"), path.join(FIXTURES, "sinks-crashed")]), repeat: 1, durationSeconds: 1, resultsRoot: dir, out: quiet() });
    expect(outcomes.map((o) => [o.status, o.health?.verdict])).toEqual([["ok", "clean"], ["ok", "failed"]]);
    const recorded = JSON.parse(fs.readFileSync(path.join(dir, "runs.json"), "utf8"));
    expect(recorded[1].health.reasons.map((r: { subject: string }) => r.subject)).toEqual(["in-sink", "out-sink"]);
    expect(fs.readFileSync(path.join(dir, "experiment.log"), "utf8")).toContain("run 2: health: failed");
    expect(runsAcceptable(outcomes.slice(0, 1), false)).toBe(true);
    expect(runsAcceptable(outcomes, true)).toBe(false);
    const degraded = { ...outcomes[0], health: { verdict: "degraded" as const, reasons: [] } };
    expect(runsAcceptable([degraded], false)).toBe(false);
    expect(runsAcceptable([degraded], true)).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
