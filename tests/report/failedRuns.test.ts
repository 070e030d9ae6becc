import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildReport } from "../../report/buildReport";

/** A run that failed is never reported as if it had results. */
let root: string;
beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-failed-runs-"))));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const writeRuns = (runs: unknown[]) => fs.writeFileSync(path.join(root, "runs.json"), JSON.stringify(runs));

test("a run that failed to deploy gives a report that says so, and no figures", async () => {
  writeRuns([{ run: 1, status: "failed", startedAt: "2026-11-26T01:00:00Z", errors: ["up: ENOENT: no such file or directory, open '/root/.edge2cloud/local/id_ed25519'"] }]);
  const files = await buildReport(root);
  expect(files).toEqual([path.join(root, "report.html")]);
  const html = fs.readFileSync(path.join(root, "report.html"), "utf8");
  expect(html).toContain("No run produced results");
  expect(html).toContain("1 of 1 runs did not end well");
  expect(html).toContain("ENOENT");
  expect(html).not.toContain("<h2>Frames</h2>");
  const summary = JSON.parse(fs.readFileSync(path.join(root, "summary.json"), "utf8"));
  expect(summary.runs).toEqual([]);
  expect(summary.recordedRuns[0].status).toBe("failed");
});

test("in a folder of runs, a failed run is marked failed with its reason and left out of the figures across runs", async () => {
  const ok = path.join(root, "20261126-010000");
  const bad = path.join(root, "20261126-020000");
  fs.mkdirSync(ok);
  fs.mkdirSync(bad);
  writeRuns([
    { run: 1, status: "ok", resultsFolder: ok, startedAt: "2026-11-26T01:00:00Z", errors: [] },
    { run: 2, status: "failed", resultsFolder: bad, startedAt: "2026-11-26T02:00:00Z", errors: ["destroy: e2c-fog-1: connection refused"] },
  ]);
  await buildReport(root);
  const badHtml = fs.readFileSync(path.join(bad, "report.html"), "utf8");
  expect(badHtml).toContain("This run failed");
  expect(badHtml).toContain("connection refused");
  expect(JSON.parse(fs.readFileSync(path.join(bad, "summary.json"), "utf8")).outcome).toEqual({ status: "failed", errors: ["destroy: e2c-fog-1: connection refused"] });
  expect(fs.readFileSync(path.join(ok, "report.html"), "utf8")).not.toContain("This run");
  const across = JSON.parse(fs.readFileSync(path.join(root, "summary.json"), "utf8"));
  expect(across.runs).toEqual(["20261126-010000"]);
  expect(fs.readFileSync(path.join(root, "report.html"), "utf8")).toContain("1 of 2 runs did not end well");
});
