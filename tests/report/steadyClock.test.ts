import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildReport } from "../../report/buildReport";
import { RepeatSummary } from "../../report/renderHtml";
import { findRunFiles } from "../../report/resultsLayout";
import { loadRun } from "../../report/runData";
import { RunSummary, summarizeRun } from "../../report/summarize";
import { CAMERAS, COLLECTOR, END_TS, GATEWAY, LAUNCH_TS, T0, TruthRecord, trueOffset, writeRecordedRun } from "./recordedRun";

/** Nearest-rank percentile, written here again so that the test does not lean on the report's own. */
function rank(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil((p / 100) * s.length)) - 1];
}

const PROJECT = path.resolve(__dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-report-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("a recorded run with known clock offsets and run edges", () => {
  const { dir, truth } = writeRecordedRun(work, "20260101-000000");
  const data = loadRun(findRunFiles(dir));
  const summary = summarizeRun(data);

  test("the steady state runs from the first result after every camera sends, plus the warm-up, to the first camera stopping", () => {
    const i = summary.steadyState.interval!;
    expect(i).toBeDefined();
    expect(i.events).toEqual({
      firstSendTs: T0,
      allSendingTs: T0 + 3000, // camera 2 starts in second 2
      firstResultTs: T0 + 8000 - 4, // the Flink backlog, on the collector's clock
      resultFrom: "out-sink",
      firstStopTs: T0 + 49_000, // camera 3's last second
      lastStopTs: T0 + 60_000,
    });
    expect(i.startTs).toBe(T0 + 8000 - 4 + 10_000);
    expect(i.endTs).toBe(T0 + 49_000);
    expect(i.durationS).toBeCloseTo(31.004, 6);
    expect(i.source).toBe("data");
    expect(i.options).toEqual({ warmupS: 10, drainS: 0 });
    expect(i.optionsFrom).toBe("defaults");
    expect(summary.steadyState.framesSentPerSecond).toBe(3); // seconds 18..48, three cameras at 1 frame/s
  });

  test("steady-state percentiles are those of the steady records only; whole-run figures keep warm-up and drain", () => {
    for (const m of ["endToEnd", "fogToCloud", "gateway"] as const) {
      const steady = truth[m].filter((r) => r.phase === "steady").map((r) => r.rawMs);
      const d = summary.steadyState.latencyMs[m]!;
      expect(d.count).toBe(steady.length);
      // some records straddle an edge (sent before the start, or received after the end) and are left out
      expect(d.count).toBeLessThan(truth[m].filter((r) => r.second >= 17 && r.second <= 48).length);
      for (const p of [50, 90, 95, 99] as const) expect(d[`p${p}`]).toBe(rank(steady, p));
      expect(d.max).toBe(Math.max(...steady));
      expect(summary.latencyMs[m]!.count).toBe(truth[m].length);
    }
    // the edges are what made the whole-run tail: warm-up backlog and idle-flush windows
    const e2e = truth.endToEnd.map((r) => r.rawMs);
    expect(summary.latencyMs.endToEnd!.p99).toBe(rank(e2e, 99));
    expect(summary.latencyMs.endToEnd!.max).toBeGreaterThan(10_000);
    expect(summary.steadyState.latencyMs.endToEnd!.max).toBeLessThan(1000);
  });

  test("corrected latencies recover the true ones where both hosts have offsets, with the pair's offset and bound", () => {
    const known = (r: TruthRecord) => r.camera !== 3; // camera 3's host (e2c-edge-3) has no offset
    for (const m of ["endToEnd", "gateway"] as const) {
      const c = summary.clockCorrectedMs[m]!;
      const ok = truth[m].filter(known);
      expect(c.records).toBe(truth[m].length);
      expect(c.correctedRecords).toBe(ok.length);
      expect(c.uncorrectedRecords).toBe(truth[m].length - ok.length);
      expect(c.uncorrectedHosts).toEqual(["e2c-edge-3"]);
      for (const p of [50, 90, 99] as const) {
        expect(c.raw![`p${p}`]).toBe(rank(ok.map((r) => r.rawMs), p));
        expect(c.corrected![`p${p}`]).toBeCloseTo(rank(ok.map((r) => r.trueMs), p), 2);
      }
      expect(c.corrected!.min).toBeCloseTo(Math.min(...ok.map((r) => r.trueMs)), 2);
    }
    // every fog-to-cloud record: gateway host and collector both measured; one pair, constant offset
    const f2c = summary.clockCorrectedMs.fogToCloud!;
    expect(f2c.uncorrectedRecords).toBe(0);
    expect(f2c.pairs).toEqual([{ sendHost: GATEWAY.host, receiveHost: COLLECTOR, records: truth.fogToCloud.length, offsetMs: -4 - 7, boundMs: 2 + 2 }]);
    expect(f2c.corrected!.p50).toBeCloseTo(rank(truth.fogToCloud.map((r) => r.trueMs), 50), 6);
    // end-to-end pairs: edge-1 drifts (offset interpolated per record), edge-2 has only its launch offset
    const pairs = summary.clockCorrectedMs.endToEnd!.pairs;
    expect(pairs.map((p) => [p.sendHost, p.receiveHost, p.records])).toEqual([
      ["e2c-edge-1", COLLECTOR, truth.endToEnd.filter((r) => r.camera === 1).length],
      ["e2c-edge-2", COLLECTOR, truth.endToEnd.filter((r) => r.camera === 2).length],
    ]);
    // bound: half of each host's round trip + 1 ms reading resolution; edge-1's two measurements (bounds 2
    // and 3 ms) are mixed as its offset is, so its largest bound is at its latest frame
    const latest = Math.max(...truth.endToEnd.filter((r) => r.camera === 1).map((r) => T0 + r.second * 1000 + 500));
    const f = (latest - LAUNCH_TS) / (END_TS - LAUNCH_TS);
    expect(pairs[0].boundMs).toBeCloseTo((1 - f) * (2 / 2 + 1) + f * (4 / 2 + 1) + (2 / 2 + 1), 3);
    expect(pairs[1].boundMs).toBe(4 / 2 + 1 + (2 / 2 + 1));
    expect(pairs[1].offsetMs).toBe(-4 - -2);
    const edge1 = truth.endToEnd.filter((r) => r.camera === 1);
    const meanEdge1 = edge1.reduce((s, r) => s + (-4 - trueOffset("e2c-edge-1", T0 + r.second * 1000 + 500)!), 0) / edge1.length;
    expect(pairs[0].offsetMs).toBeCloseTo(meanEdge1, 3);
    // in the steady state as well
    const st = summary.steadyState.clockCorrectedMs.endToEnd!;
    const steadyKnown = truth.endToEnd.filter((r) => r.phase === "steady" && known(r));
    expect(st.correctedRecords).toBe(steadyKnown.length);
    expect(st.corrected!.p50).toBeCloseTo(rank(steadyKnown.map((r) => r.trueMs), 50), 2);
  });

  test("says which hosts' offsets are missing, and each host's drift", () => {
    expect(summary.clocks.endMeasured).toBe(true);
    expect(summary.clocks.missing.launch).toEqual(["e2c-cloud", "e2c-edge-3"]);
    expect(summary.clocks.missing.end).toEqual(["e2c-cloud", "e2c-edge-2", "e2c-edge-3"]);
    const edge1 = summary.clocks.hosts.find((h) => h.host === "e2c-edge-1")!;
    expect(edge1.driftMs).toBe(2);
    expect(edge1.driftBoundMs).toBe(2 / 2 + 1 + (4 / 2 + 1));
    expect(edge1.driftPpm).toBeCloseTo((2 / (END_TS - LAUNCH_TS)) * 1e6, 9);
    expect(summary.clocks.hosts.find((h) => h.host === "e2c-edge-2")!.driftMs).toBeUndefined();
  });

  test("a run without the end measurement says so and still corrects with the launch offsets", () => {
    const copy = path.join(work, "no-end", "20260101-020000");
    fs.cpSync(dir, copy, { recursive: true });
    fs.rmSync(path.join(copy, "clock-offsets-end.csv"));
    const s = summarizeRun(loadRun(findRunFiles(copy)));
    expect(s.clocks.endMeasured).toBe(false);
    expect(s.clocks.hosts.every((h) => h.driftMs === undefined)).toBe(true);
    expect(s.clockCorrectedMs.fogToCloud!.correctedRecords).toBe(truth.fogToCloud.length);
  });

  test("an explicit interval, or other margins, replace the data's rule and are recorded", () => {
    const given = summarizeRun(data, { options: { warmupS: 10, drainS: 0, fromS: 20, toS: 40 }, from: "command line" }).steadyState.interval!;
    expect([given.startTs, given.endTs, given.source]).toEqual([T0 + 20_000, T0 + 40_000, "option"]);
    expect(given.rule).toContain("20 s to 40 s after the first frame sent");
    const margins = summarizeRun(data, { options: { warmupS: 5, drainS: 2 }, from: "command line" }).steadyState.interval!;
    expect([margins.startTs, margins.endTs]).toEqual([T0 + 8000 - 4 + 5000, T0 + 47_000]);
    const empty = summarizeRun(data, { options: { warmupS: 60, drainS: 0 }, from: "command line" }).steadyState;
    expect(empty.interval).toBeUndefined();
    expect(empty.reason).toMatch(/empty/);
  });

  test("summary.json and report.html carry both; charts name producers and gateways by host and camera", async () => {
    await buildReport(dir);
    const written: RunSummary = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8"));
    expect(written.steadyState.interval!.startTs).toBe(T0 + 17_996);
    expect(written.clockCorrectedMs.endToEnd!.uncorrectedHosts).toEqual(["e2c-edge-3"]);
    expect(written.producers.map((p) => p.label)).toEqual(CAMERAS.map((c) => `${c.host} camera ${c.camera}`));
    expect(written.gateways.map((g) => g.label)).toEqual([`${GATEWAY.host} (${GATEWAY.id})`]);
    const html = fs.readFileSync(path.join(dir, "report.html"), "utf8");
    expect(html).toContain("Steady state: 31 s");
    expect(html).toContain("no offset at launch for e2c-cloud, e2c-edge-3");
    expect(html).toContain("Latency corrected by clock offsets");
    const svgs = [...html.matchAll(/<img alt="([^"]*)" src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) => ({ title: m[1], svg: Buffer.from(m[2], "base64").toString() }));
    const overTime = svgs.find((s) => s.title.startsWith("Latency over time"))!;
    expect(overTime.title).toContain("shaded: steady state");
    expect(overTime.svg).toContain("steady state");
    const producers = svgs.find((s) => s.title === "Throughput per producer")!;
    for (const c of CAMERAS) expect(producers.svg).toContain(`${c.host} camera ${c.camera}`);
    expect(svgs.find((s) => s.title === "Throughput per gateway")!.svg).toContain(GATEWAY.host);
    for (const s of svgs) expect(s.svg).not.toContain("var/tmp");
  });
});

describe("across repeats", () => {
  test("the steady-state figures of the runs are aggregated", async () => {
    const root = path.join(work, "repeat");
    writeRecordedRun(root, "20260101-000000");
    writeRecordedRun(root, "20260101-010000", 50);
    await buildReport(root);
    const runs: RunSummary[] = ["20260101-000000", "20260101-010000"].map((r) => JSON.parse(fs.readFileSync(path.join(root, r, "summary.json"), "utf8")));
    const repeat: RepeatSummary = JSON.parse(fs.readFileSync(path.join(root, "summary.json"), "utf8"));
    expect(repeat.steadyState.runs).toEqual(["20260101-000000", "20260101-010000"]);
    const p50s = runs.map((s) => s.steadyState.latencyMs.endToEnd!.p50);
    expect(p50s[1] - p50s[0]).toBe(50);
    expect(repeat.steadyState.endToEnd.p50).toEqual({ runs: 2, mean: (p50s[0] + p50s[1]) / 2, sd: Math.sqrt(2 * 25 ** 2), min: p50s[0], max: p50s[1] });
    expect(repeat.steadyState.clockCorrected.endToEnd.p99!.runs).toBe(2);
    expect(repeat.steadyState.durationS!.mean).toBeCloseTo(31.004, 6);
    expect(fs.readFileSync(path.join(root, "report.html"), "utf8")).toContain("Steady state (2 of 2 runs have one)");
  });
});

describe("npm run report options", () => {
  const { dir } = writeRecordedRun(path.join(work, "cli"), "20260101-000000");
  const report = (...args: string[]) =>
    spawnSync(path.join(PROJECT, "node_modules/.bin/ts-node"), ["--transpile-only", path.join(PROJECT, "cli/report.ts"), ...args], { cwd: PROJECT, encoding: "utf8" });

  test("--warmup and --drain set a run's interval, recorded in summary.json and kept for the run's later reports", () => {
    const r = report(dir, "--warmup", "5", "--drain", "1");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const interval = () => (JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")) as RunSummary).steadyState.interval!;
    expect(interval().options).toEqual({ warmupS: 5, drainS: 1 });
    expect(interval().optionsFrom).toBe("command line");
    expect([interval().startTs, interval().endTs]).toEqual([T0 + 12_996, T0 + 48_000]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "steady-state.json"), "utf8"))).toEqual({ warmupS: 5, drainS: 1 });
    // the folder of runs reported again, without options: this run keeps its own interval
    const again = report(path.dirname(dir));
    expect(again.status).toBe(0);
    expect(interval().optionsFrom).toBe("steady-state.json");
    expect([interval().startTs, interval().endTs]).toEqual([T0 + 12_996, T0 + 48_000]);
  });

  test("bad values are refused with what was expected", () => {
    const bad = report(dir, "--steady", "40:20");
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('expected FROM:TO in seconds since the first frame sent, FROM < TO (e.g. 30:200), got "40:20"');
    const neg = report(dir, "--warmup", "-3");
    expect(neg.status).not.toBe(0);
    expect(neg.stderr).toContain("--warmup: expected seconds");
  });
});
