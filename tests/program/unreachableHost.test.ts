import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stepScript, finalizeScript, monitorScript, stopScript } from "../../components/hostScripts";
import { hostShaping } from "../../netem/netemPlan";
import { tcApplyScript, tcRemoveScript } from "../../netem/tcScript";
import { planFromFiles } from "../../planner/planFromFiles";
import { CapturedResource, Evaluation, FAKE_KEY, jestLoader, MOCK_EXPERIMENT_ID, MOCK_RUN_STARTED, PROJECT_DIR, evaluateProgram, reveal } from "./mockProgram";

/**
 * The destroy-time scripts, run for real against hosts that cannot be reached: loopback addresses on a
 * closed port (nothing outside this machine is contacted). Each must finish quickly with exit status 0 and
 * write what was lost to `<run>/missing.txt`, so one dead host never blocks the others' finalize and fetch.
 */


let dir: string;
let stackFile: string;
let ev: Evaluation;
const HOSTS = 15;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-unreachable-"));
  stackFile = path.join(dir, "Pulumi.unreachable.yaml");
  const hosts = Array.from({ length: HOSTS }, (_, i) => `    - name: h${i + 1}\n      address: 127.0.0.${i + 1}\n      port: 1`).join("\n");
  fs.writeFileSync(
    stackFile,
    [
      "config:",
      `  edge2cloud:scenario: ${path.join(PROJECT_DIR, "configs/cctv")}`,
      `  edge2cloud:artifacts: ${path.join(dir, "artifacts")}`,
      `  edge2cloud:results: ${path.join(dir, "results")}`,
      "  edge2cloud:images: {zookeeper: z, kafka: k, flink: f, mosquitto: m}",
      "  edge2cloud:hosts:",
      hosts,
      "",
    ].join("\n"),
  );
  ev = await evaluateProgram("unreachable", jestLoader, stackFile);
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function runDelete(r: CapturedResource): { status: number | null; stderr: string; ms: number } {
  const t0 = Date.now();
  const out = spawnSync("bash", ["-c", String(reveal(r.raw.delete))], {
    env: { PATH: process.env.PATH, HOME: dir, E2C_SSH_KEY: FAKE_KEY },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: out.status, stderr: out.stderr, ms: Date.now() - t0 };
}

test("a dead host costs only its own files, recorded in missing.txt, and never fails the destroy", () => {
  const runDir = path.join(dir, "results", "unreachable", MOCK_RUN_STARTED);
  const missing = path.join(runDir, "missing.txt");
  const plan = planFromFiles({ stackFile });
  const host = plan.producers[0].host;
  const deletes = ev.resources.filter(
    (r) => r.type === "command:local:Command" && r.raw.delete !== undefined && new RegExp(`(^|\\.)${host}(-|$)`).test(r.name),
  );
  // stop, the producers' finalize step, fetch (no tc: edge hosts only receive traffic shaped elsewhere),
  // the clock offset measured at the end
  expect(deletes.map((r) => r.name).sort()).toEqual([`${host}-clock-offset`, `${host}-fetch`, `${host}-stop`, `p4.finalize.${host}`].sort());
  for (const r of deletes) {
    const res = runDelete(r);
    expect({ name: r.name, status: res.status }).toEqual({ name: r.name, status: 0 });
    expect(res.stderr).toContain("WARNING");
    expect(res.ms).toBeLessThan(60_000);
  }
  const lines = fs.readFileSync(missing, "utf8").trim().split("\n").map((l) => l.split("\t"));
  expect(lines.every((l) => l[1] === host && l[3] === "host unreachable over ssh")).toBe(true);
  const lost = lines.map((l) => l[2]);
  // every camera's metrics of that host is listed, plus its monitoring data and the record of stop/finalize
  for (let i = 1; i <= 40; i++) expect(lost).toContain(`/opt/e2c/metrics-${i}/throughput.csv (p4.finalize.${host})`);
  expect(lost).toContain(`/tmp/e2c-${MOCK_EXPERIMENT_ID}/dstat.csv (monitoring)`);
  expect(lost).toContain("detached processes not stopped, files may be incomplete");
  expect(lost).toContain(`finalize p4.finalize.${host}`);
  expect(lost).toContain("clock offset at the end of the run");
  // the end offset is written empty, so the report names the host among those without one
  expect(fs.readFileSync(path.join(runDir, "clock-end", `${host}.csv`), "utf8")).toMatch(new RegExp(`^${host},,,\\d+\n$`));
  // the key was rewritten from the secret environment for ssh, and only readable by its owner
  const key = path.join(dir, "results", ".ssh", "unreachable", "id");
  expect(fs.statSync(key).mode & 0o077).toBe(0);
}, 180_000);

test("the network rules' delete of a dead host is recorded too", () => {
  const netem = ev.resources.find((r) => r.name.endsWith("-netem-tc"))!;
  const res = runDelete(netem);
  expect(res.status).toBe(0);
  const text = fs.readFileSync(path.join(dir, "results", "unreachable", MOCK_RUN_STARTED, "missing.txt"), "utf8");
  expect(text).toContain("network emulation rules not removed\thost unreachable over ssh");
}, 60_000);

test("every script the program sends is valid bash", () => {
  const plan = planFromFiles({ stackFile });
  const scripts: [string, string][] = [];
  for (const s of plan.steps) {
    scripts.push([s.id, s.phase === "finalize" ? finalizeScript(s, "x", 600) : stepScript(s, "x", 600)]);
  }
  scripts.push(["stop", stopScript("x", 30)], ["monitor", monitorScript("x", "-m -c -n")], ["netem-remove", tcRemoveScript("h1")]);
  for (const shaping of hostShaping(plan)) scripts.push([`netem ${shaping.host}`, tcApplyScript(shaping, { allowMissingNetem: false })]);
  for (const r of ev.resources.filter((r) => r.type.startsWith("command:") && r.type !== "command:remote:CopyToRemote")) {
    for (const k of ["create", "update", "delete"]) if (r.raw[k] !== undefined) scripts.push([`${r.name}.${k}`, String(reveal(r.raw[k]))]);
  }
  expect(scripts.length).toBeGreaterThan(100);
  for (const [name, script] of scripts) {
    const out = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    expect({ name, status: out.status, stderr: out.stderr }).toEqual({ name, status: 0, stderr: "" });
  }
});
