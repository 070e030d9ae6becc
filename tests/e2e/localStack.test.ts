import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough } from "stream";
import { runExperiment, RunOutcome } from "../../lifecycle/experimentRunner";
import { LocalEngineBackend } from "../../lifecycle/localEngineBackend";
import { StackWorkspace } from "../../lifecycle/stackWorkspace";
import { setConfigAsCli } from "../../testbed/engine/cliStackFile";
import { Diagnostics } from "../../model/diagnostic";
import { loadStackFile } from "../../model/loadStack";
import { buildReport } from "../../report/buildReport";
import { writeLocalStackCopy } from "../../testbed/localStackCopy";
import { RunSummary } from "../../report/summarize";

/**
 * The `local` stack end to end: the real program, realised by the local engine against this machine's
 * Docker (emulated hosts over SSH, real Mosquitto, ZooKeeper, Kafka, Flink and the applications), 60 s of
 * experiment, destroy (finalize + fetch), then the report. Needs dockerd and the images
 * (`npm run local:images`; .ci/run does both).
 */
const PROJECT = path.resolve(__dirname, "../..");
const STACK = path.join(PROJECT, "Pulumi.local.yaml");
const DURATION = Number(process.env.E2C_E2E_DURATION ?? 60);

function requirements(): string[] {
  const missing: string[] = [];
  if (spawnSync("docker", ["info"], { stdio: "ignore" }).status !== 0) missing.push("a running Docker engine (testbed/start-dockerd.sh)");
  const diags = new Diagnostics();
  const s = loadStackFile(STACK, diags)!;
  for (const image of [...Object.values(s.images), s.localTestbed!.hostImage, "surveillance-apps:1.0.0"]) {
    if (spawnSync("docker", ["image", "inspect", image], { stdio: "ignore" }).status !== 0) missing.push(`image ${image} (npm run local:images)`);
  }
  return missing;
}

/** Every file under `dir` whose name is `name`. */
function find(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? find(path.join(dir, e.name), name) : e.name === name ? [path.join(dir, e.name)] : []));
}

/** A CSV read with nothing but split, independent of the report's parser. */
function rows(file: string): Record<string, string>[] {
  const [head, ...lines] = fs.readFileSync(file, "utf8").trim().split("\n");
  const cols = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
}

describe("stack local, end to end", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-e2e-"));
  const resultsRoot = path.join(work, "results", "local");
  let outcome: RunOutcome;
  let runDir: string;

  beforeAll(async () => {
    const missing = requirements();
    if (missing.length) throw new Error(`the local stack test needs ${missing.join(", ")}`);
    // The committed stack, with its results going to this test's own folder, rewritten as `pulumi config
    // set` leaves a stack file (values as strings, an encryptionsalt); a fresh tool home (no key, no state).
    const workspace = new StackWorkspace(PROJECT, "local", path.join(work, "home"));
    const stackFile = writeLocalStackCopy(PROJECT, work, path.join(work, "results"));
    setConfigAsCli(stackFile, workspace.passphrase, {});
    const backend = new LocalEngineBackend(PROJECT, "local", stackFile, workspace);
    const sink = new PassThrough();
    sink.resume();
    [outcome] = await runExperiment({ backend, repeat: 0, durationSeconds: DURATION, resultsRoot, out: sink as unknown as NodeJS.WriteStream });
    runDir = outcome.resultsFolder!;
  }, 900_000);

  it("deploys, runs and destroys without an error", () => {
    expect(outcome.errors).toEqual([]);
    expect(outcome.status).toBe("ok");
    expect(path.dirname(runDir)).toBe(resultsRoot);
    expect(path.basename(runDir)).toMatch(/^\d{8}-\d{6}$/);
  });

  it("loses nothing: camera -> gateway -> Kafka -> in-sink, every frame exactly once", () => {
    const cameras = find(path.join(runDir, "experiment-results/producers"), "summary.json").map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    expect(cameras).toHaveLength(8);
    for (const c of cameras) {
      expect(c.sent).toBeGreaterThan(0);
      expect(c.acked).toBe(c.sent);
    }
    const [inSink] = find(path.join(runDir, "experiment-results/sinks/in-sink"), "latency.csv");
    const seen = new Map<string, number[]>();
    for (const r of rows(inSink)) (seen.get(r.camera) ?? seen.set(r.camera, []).get(r.camera)!).push(Number(r.seq));
    for (const c of cameras) {
      const seqs = (seen.get(String(c.camera)) ?? []).sort((a, b) => a - b);
      expect({ camera: c.camera, count: seqs.length }).toEqual({ camera: c.camera, count: c.sent });
      expect(seqs).toEqual(Array.from({ length: c.sent }, (_, i) => i));
    }
  });

  it("Flink's windows count what the cameras drew, and account for every frame", () => {
    const [outSink] = find(path.join(runDir, "experiment-results/sinks/out-sink"), "latency.csv");
    const windows = rows(outSink);
    expect(windows.length).toBeGreaterThan(8);
    for (const w of windows) expect({ window: `${w.camera}@${w.windowStart}`, people: w.people }).toEqual({ window: `${w.camera}@${w.windowStart}`, people: w.truth });
    const framesPerCamera = new Map<string, number>();
    for (const w of windows) framesPerCamera.set(w.camera, (framesPerCamera.get(w.camera) ?? 0) + Number(w.frames));
    const cameras = find(path.join(runDir, "experiment-results/producers"), "summary.json").map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    for (const c of cameras) expect({ camera: c.camera, frames: framesPerCamera.get(String(c.camera)) }).toEqual({ camera: c.camera, frames: c.sent });
  });

  it("brings home the metrics of every producer, gateway and sink, monitoring and network validation", () => {
    const results = path.join(runDir, "experiment-results");
    expect(find(path.join(results, "producers"), "throughput.csv")).toHaveLength(8);
    expect(find(path.join(results, "gateways"), "latency.csv")).toHaveLength(2);
    expect(find(path.join(results, "gateways"), "throughput.csv")).toHaveLength(2);
    expect(find(path.join(results, "sinks"), "latency.csv")).toHaveLength(2);
    expect(fs.readdirSync(path.join(runDir, "dstat")).sort()).toEqual(["e2c-cloud-flink.csv", "e2c-cloud-kafka.csv", "e2c-edge-1.csv", "e2c-edge-2.csv", "e2c-fog-1.csv", "e2c-fog-2.csv"]);
    expect(fs.readdirSync(path.join(runDir, "network-validate")).sort()).toEqual(["cloud-fog-asymmetric", "fog-edge-asymmetric"]);
    expect(fs.existsSync(path.join(runDir, "layers_services-validate.yaml"))).toBe(true);
    expect(fs.existsSync(path.join(runDir, "workflow-validate.out"))).toBe(true);
    expect(fs.existsSync(path.join(runDir, "missing.txt"))).toBe(false);
    // Every host's clock against the deployer's, measured at launch (same machine here: near zero).
    const offsets = rows(path.join(runDir, "clock-offsets.csv"));
    expect(offsets.map((o) => o.host).sort()).toEqual(["e2c-cloud-flink", "e2c-cloud-kafka", "e2c-collector", "e2c-edge-1", "e2c-edge-2", "e2c-fog-1", "e2c-fog-2"]);
    for (const o of offsets) expect(Math.abs(Number(o.offsetMs))).toBeLessThanOrEqual(Number(o.roundTripMs) + 5);
    // and again at destroy, before finalize: every host answered, so drift can be given for each
    const atEnd = rows(path.join(runDir, "clock-offsets-end.csv"));
    expect(atEnd.map((o) => o.host).sort()).toEqual(offsets.map((o) => o.host).sort());
    for (const o of atEnd) expect(Math.abs(Number(o.offsetMs))).toBeLessThanOrEqual(Number(o.roundTripMs) + 5);
    for (const o of atEnd) expect(Number(o.measuredTs)).toBeGreaterThan(Number(offsets.find((l) => l.host === o.host)!.measuredTs) + (DURATION - 15) * 1000);
  });

  it("leaves no container, network, process, qdisc or data folder of the testbed behind", () => {
    expect(execFileSync("docker", ["ps", "-aq", "--filter", "label=e2c.stack=local"], { encoding: "utf8" }).trim()).toBe("");
    expect(execFileSync("docker", ["ps", "-aq", "--filter", "label=e2c.testbed=local"], { encoding: "utf8" }).trim()).toBe("");
    expect(execFileSync("docker", ["ps", "-a", "--format", "{{.Names}}"], { encoding: "utf8" })).not.toMatch(/^e2c-/m);
    expect(spawnSync("docker", ["network", "inspect", "e2c-local"], { stdio: "ignore" }).status).not.toBe(0);
    // The hosts' network namespaces (and their qdiscs) went with their containers; nothing was shaped here.
    expect(execFileSync("tc", ["qdisc", "show"], { encoding: "utf8" })).not.toContain("e2c:");
    expect(spawnSync("pgrep", ["-f", "surveillance-apps"]).status).not.toBe(0);
    const dataRoot = "/var/tmp/e2c-local";
    expect(fs.existsSync(dataRoot) ? fs.readdirSync(dataRoot) : []).toEqual([]);
  });

  it("reports figures that match an independent computation, as a page that renders", async () => {
    await buildReport(resultsRoot);
    const summary: RunSummary = JSON.parse(fs.readFileSync(path.join(runDir, "summary.json"), "utf8"));
    const cameras = find(path.join(runDir, "experiment-results/producers"), "summary.json").map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    expect(summary.frames.sent).toBe(cameras.reduce((s, c) => s + c.sent, 0));
    const [inSink] = find(path.join(runDir, "experiment-results/sinks/in-sink"), "latency.csv");
    const f2c = rows(inSink).map((r) => Number(r.latencyMs)).sort((a, b) => a - b);
    expect(summary.frames.inSink).toBe(f2c.length);
    expect(summary.latencyMs.fogToCloud!.p50).toBe(f2c[Math.ceil(0.5 * f2c.length) - 1]);
    expect(summary.latencyMs.fogToCloud!.p99).toBe(f2c[Math.ceil(0.99 * f2c.length) - 1]);
    const [outSink] = find(path.join(runDir, "experiment-results/sinks/out-sink"), "latency.csv");
    const e2e = rows(outSink).map((r) => Number(r.latencyMs));
    expect(summary.latencyMs.endToEnd!.max).toBe(Math.max(...e2e));
    // steady state: inside the cameras' sending time, and no wider than the records that fall in it
    const st = summary.steadyState;
    expect({ steadyStateMissing: st.reason }).toEqual({ steadyStateMissing: undefined }); // says why if there is none
    expect(st.interval).toBeDefined();
    expect(st.interval!.startTs).toBeGreaterThan(st.interval!.events.allSendingTs);
    expect(st.interval!.endTs).toBeLessThanOrEqual(st.interval!.events.firstStopTs);
    expect(st.latencyMs.endToEnd!.count).toBeGreaterThan(0);
    expect(st.latencyMs.endToEnd!.count).toBeLessThan(summary.latencyMs.endToEnd!.count);
    // every host has both offsets; every record was stamped by hosts the results name, so all are corrected
    expect(summary.clocks.missing).toEqual({ launch: [], end: [] });
    for (const m of ["endToEnd", "fogToCloud", "gateway"] as const) {
      const c = summary.clockCorrectedMs[m]!;
      expect(c.uncorrectedRecords).toBe(0);
      expect(c.correctedRecords).toBe(summary.latencyMs[m]!.count);
    }
    expect(summary.hosts).toHaveLength(6);
    for (const h of summary.hosts) expect(h.samples).toBeGreaterThan(DURATION / 2);
    expect(fs.existsSync(path.join(resultsRoot, "report.html"))).toBe(true);
    // The page, rendered by a real browser: every figure is an image that decoded.
    const html = path.join(runDir, "report.html");
    const shot = path.join(work, "report.png");
    const chromium = spawnSync("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1100,3000", `--screenshot=${shot}`, `file://${html}`], { encoding: "utf8", timeout: 120_000 });
    expect(chromium.status).toBe(0);
    expect(fs.statSync(shot).size).toBeGreaterThan(50_000);
    const dom = spawnSync("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom", `file://${html}`], { encoding: "utf8", timeout: 120_000 }).stdout;
    expect((dom.match(/<img /g) ?? []).length).toBeGreaterThanOrEqual(8);
  });
});
