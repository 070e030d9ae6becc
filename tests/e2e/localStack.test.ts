import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough } from "stream";
import { runExperiment, RunOutcome } from "../../lifecycle/experimentRunner";
import { LocalEngineBackend } from "../../lifecycle/localEngineBackend";
import { StackWorkspace } from "../../lifecycle/stackWorkspace";
import { jestLoader } from "../program/mockProgram";
import { setConfigAsCli } from "../../testbed/engine/cliStackFile";
import { Diagnostics } from "../../model/diagnostic";
import { loadStackFile } from "../../model/loadStack";
import { buildReport } from "../../report/buildReport";
import { writeLocalStackCopy } from "../../testbed/localStackCopy";
import { dockerVolumeOf, ensureLocalHosts, LocalHosts, localHostsOf, publicKeyOf, removeLocalHosts } from "../../testbed/localHosts";
import { RunSummary } from "../../report/summarize";
import { planFromFiles } from "../../planner/planFromFiles";

/**
 * The `local` stack end to end on bare hosts: 7 containers with only sshd (testbed/localHosts.ts), which the
 * program prepares like Grid'5000 nodes (bootstrap installs the engine and tools, each host receives its own
 * images over SSH), then the real services and applications on each host's own engine, 60 s of experiment,
 * destroy (finalize + fetch), the report. A second deployment onto the same hosts installs nothing and
 * sends nothing; after one image changes, only the hosts that use it receive it. Realised by the local
 * engine. Needs dockerd and the images (`npm run local:images`; .ci/run does both) and Debian's mirror.
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

/** A host's record of one deployment: `<run>/<kind>/<host>.tsv` as rows of fields. */
function hostRecords(runDir: string, kind: "bootstrap" | "images"): Record<string, string[][]> {
  const dir = path.join(runDir, kind);
  if (!fs.existsSync(dir)) return {};
  return Object.fromEntries(
    fs.readdirSync(dir).map((f) => [f.replace(/\.tsv$/, ""), fs.readFileSync(path.join(dir, f), "utf8").trim().split("\n").filter(Boolean).map((l) => l.split("\t"))]),
  );
}

/** One more deployment onto the same hosts, up then destroy, into a results folder of its own. */
async function deployAgain(work: string, workspace: StackWorkspace, name: string): Promise<{ runDir: string; errors: string[] }> {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  const stackFile = writeLocalStackCopy(PROJECT, dir, path.join(dir, "results"));
  setConfigAsCli(stackFile, workspace.passphrase, {});
  const backend = new LocalEngineBackend(PROJECT, "local", stackFile, workspace, jestLoader);
  const errors: string[] = [];
  let runDir = "";
  try {
    const out = await backend.up({ E2C_DURATION: "30" }, () => undefined);
    runDir = String(out.resultsFolder);
  } catch (e) {
    errors.push((e as Error).message);
  }
  errors.push(...(await backend.destroy(() => undefined)).errors);
  return { runDir, errors };
}

const CHANGED_IMAGE = "surveillance-mosquitto:2.0.11";

describe("stack local, end to end on bare hosts", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-e2e-"));
  const resultsRoot = path.join(work, "results", "local");
  let outcome: RunOutcome;
  let runDir: string;
  let spec: LocalHosts;
  let second: { runDir: string; errors: string[] };
  let third: { runDir: string; errors: string[] };
  /** What each host's engine still ran after the destroys, and what its sshd logged. */
  const leftOnHosts: Record<string, string> = {};
  const sshdLogs: Record<string, string> = {};

  beforeAll(async () => {
    const missing = requirements();
    if (missing.length) throw new Error(`the local stack test needs ${missing.join(", ")}`);
    // The committed stack, with its results going to this test's own folder, rewritten as `pulumi config
    // set` leaves a stack file (values as strings, an encryptionsalt); a fresh tool home (no key, no state).
    const workspace = new StackWorkspace(PROJECT, "local", path.join(work, "home"));
    workspace.ensure(); // the key the hosts authorise, as `npm start` makes it
    const stackFile = writeLocalStackCopy(PROJECT, work, path.join(work, "results"));
    setConfigAsCli(stackFile, workspace.passphrase, {});
    spec = localHostsOf(loadStackFile(stackFile, new Diagnostics())!);
    removeLocalHosts(spec); // fresh, bare hosts
    const originalId = execFileSync("docker", ["image", "inspect", "-f", "{{.Id}}", CHANGED_IMAGE], { encoding: "utf8" }).trim();
    let rebuiltId = "";
    try {
      await ensureLocalHosts(spec, publicKeyOf(workspace.sshKeyFile));
      const backend = new LocalEngineBackend(PROJECT, "local", stackFile, workspace, jestLoader);
      const sink = new PassThrough();
      sink.resume();
      [outcome] = await runExperiment({ backend, repeat: 0, durationSeconds: DURATION, resultsRoot, out: sink as unknown as NodeJS.WriteStream });
      runDir = outcome.resultsFolder!;
      second = await deployAgain(work, workspace, "second");
      // A new build of one image: the same name, another ID (a label changes it).
      const ctx = fs.mkdtempSync(path.join(work, "rebuild-"));
      fs.writeFileSync(path.join(ctx, "Dockerfile"), `FROM ${CHANGED_IMAGE}\nLABEL e2c.e2e.rebuild="${Date.now()}"\n`);
      rebuiltId = execFileSync("docker", ["build", "-q", "-t", CHANGED_IMAGE, ctx], { encoding: "utf8" }).trim();
      third = await deployAgain(work, workspace, "third");
      for (const h of spec.hosts) {
        leftOnHosts[h.name] = spawnSync("docker", ["exec", h.name, "docker", "ps", "-aq", "--filter", "label=e2c.stack=local"], { encoding: "utf8" }).stdout.trim();
        const logs = spawnSync("docker", ["logs", h.name], { encoding: "utf8" });
        sshdLogs[h.name] = logs.stdout + logs.stderr;
      }
    } finally {
      // The shared image back as it was.
      spawnSync("docker", ["tag", originalId, CHANGED_IMAGE]);
      if (rebuiltId) spawnSync("docker", ["rmi", rebuiltId]);
      removeLocalHosts(spec);
    }
  }, 3_600_000);

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

  it("prepares bare hosts: installs each host's packages and sends each host exactly its images", () => {
    const boot = hostRecords(runDir, "bootstrap");
    const images = hostRecords(runDir, "images");
    const plan = planFromFiles({ stackFile: STACK });
    expect(Object.keys(boot).sort()).toEqual(plan.hosts.map((h) => h.name).sort());
    for (const h of plan.hosts) {
      // Bare hosts: everything the host needs was installed, and its engine started by the bootstrap.
      expect(boot[h.name].filter((r) => r[0] === "installed").map((r) => r[1]).sort()).toEqual([...h.packages].sort());
      expect(boot[h.name].find((r) => r[0] === "engine")![1]).toMatch(/^started/);
      // Records are written as streams finish: compared as sets.
      expect(images[h.name].map((r) => [r[0], r[2]]).sort()).toEqual(h.images.map((i) => [i, "sent"]).sort());
      for (const r of images[h.name]) expect(Number(r[3])).toBeGreaterThan(1_000_000);
    }
  });

  it("a second deployment onto the same hosts installs nothing and sends no image", () => {
    expect(second.errors).toEqual([]);
    const boot = hostRecords(second.runDir, "bootstrap");
    const images = hostRecords(second.runDir, "images");
    for (const [host, rows] of Object.entries(boot)) {
      expect({ host, installed: rows.filter((r) => r[0] === "installed") }).toEqual({ host, installed: [] });
      expect(rows.find((r) => r[0] === "engine")).toEqual(["engine", "running"]);
    }
    for (const [host, rows] of Object.entries(images)) expect({ host, actions: rows.map((r) => r[2]) }).toEqual({ host, actions: rows.map(() => "present") });
    // The hosts still hold the first run's data files: this run's, rewritten, are told apart and brought home.
    const missing = path.join(second.runDir, "missing.txt");
    expect(fs.existsSync(missing) ? fs.readFileSync(missing, "utf8").split("\n").filter((l) => l.includes("earlier run")) : []).toEqual([]);
    expect(find(second.runDir, "latency.csv").length).toBe(find(runDir, "latency.csv").length);
  });

  it("after one image changes, only the hosts that use it receive it", () => {
    expect(third.errors).toEqual([]);
    const images = hostRecords(third.runDir, "images");
    const sent = Object.entries(images).flatMap(([host, rows]) => rows.filter((r) => r[2] === "sent").map((r) => `${host} ${r[0]}`));
    expect(sent.sort()).toEqual([`e2c-fog-1 ${CHANGED_IMAGE}`, `e2c-fog-2 ${CHANGED_IMAGE}`]);
  });

  it("keeps within sshd's default limits (MaxStartups 10:30:100, MaxSessions 10) on every host", () => {
    for (const [host, log] of Object.entries(sshdLogs)) {
      expect({ host, drops: log.split("\n").filter((l) => /MaxStartups|drop connection|Too many|refused/i.test(l)) }).toEqual({ host, drops: [] });
    }
  });

  it("leaves nothing behind: no experiment container on the hosts, then no host, volume, network or process here", () => {
    for (const [host, left] of Object.entries(leftOnHosts)) expect({ host, left }).toEqual({ host, left: "" });
    expect(execFileSync("docker", ["ps", "-aq", "--filter", "label=e2c.stack=local"], { encoding: "utf8" }).trim()).toBe("");
    expect(execFileSync("docker", ["ps", "-aq", "--filter", "label=e2c.testbed=local"], { encoding: "utf8" }).trim()).toBe("");
    expect(execFileSync("docker", ["ps", "-a", "--format", "{{.Names}}"], { encoding: "utf8" })).not.toMatch(/^e2c-/m);
    expect(execFileSync("docker", ["volume", "ls", "-q"], { encoding: "utf8" }).split("\n").filter((v) => spec.hosts.some((h) => v === dockerVolumeOf(h.name)))).toEqual([]);
    expect(spawnSync("docker", ["network", "inspect", "e2c-local"], { stdio: "ignore" }).status).not.toBe(0);
    // The hosts' network namespaces (and their qdiscs) went with their containers; nothing was shaped here.
    expect(execFileSync("tc", ["qdisc", "show"], { encoding: "utf8" })).not.toContain("e2c:");
    expect(spawnSync("pgrep", ["-f", "surveillance-apps"]).status).not.toBe(0);
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
