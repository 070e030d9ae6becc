import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough } from "stream";
import { runExperiment, RunOutcome } from "../../lifecycle/experimentRunner";
import { LocalEngineBackend } from "../../lifecycle/localEngineBackend";
import { StackWorkspace } from "../../lifecycle/stackWorkspace";
import { Diagnostics } from "../../model/diagnostic";
import { loadStackFile } from "../../model/loadStack";
import { buildReport } from "../../report/buildReport";
import { RunSummary } from "../../report/summarize";
import { setConfigAsCli } from "../../testbed/engine/cliStackFile";
import { writeLocalStackCopy } from "../../testbed/localStackCopy";
import { ensureLocalHosts, LocalHosts, localHostsOf, publicKeyOf, removeLocalHosts } from "../../testbed/localHosts";
import { jestLoader } from "../program/mockProgram";
import { planFromFiles } from "../../planner/planFromFiles";

/**
 * A gateway killed during a run of the `local` stack (as `docker kill` would by accident): the run must
 * end `degraded`, naming the gateway, when it stopped and how many frames were lost at its hop, in
 * runs.json, summary.json and the report. Needs dockerd and the images; run under the heavy-test lock.
 */
const PROJECT = path.resolve(__dirname, "../..");
const STACK = path.join(PROJECT, "Pulumi.local.yaml");
const KILL_AFTER_MS = 4000;
const GATEWAY_CONTAINER = "e2c-fog-1-gateway";
const FIRST_CAMERA = "e2c-edge-1-camera-1";
/** A gateway's id as the workflow passes it (`--id {{ _id }}`: E2Clab's L_S_M), from the plan. */
function gatewayIdOn(host: string): string {
  return String(planFromFiles({ stackFile: STACK }).services.find((s) => s.kind === "mosquitto" && s.host === host)!.vars._id);
}
const KILLED_GATEWAY = gatewayIdOn("e2c-fog-1");
const OTHER_GATEWAY = gatewayIdOn("e2c-fog-2");

function requirements(): string[] {
  const missing: string[] = [];
  if (spawnSync("docker", ["info"], { stdio: "ignore" }).status !== 0) return ["a running Docker engine (testbed/start-dockerd.sh)"];
  const s = loadStackFile(STACK, new Diagnostics())!;
  for (const image of [...Object.values(s.images), s.localTestbed!.hostImage, "surveillance-apps:1.0.0"]) {
    if (spawnSync("docker", ["image", "inspect", image], { stdio: "ignore" }).status !== 0) missing.push(`image ${image} (npm run local:images)`);
  }
  return missing;
}

const missing = requirements();
const maybe = missing.length ? describe.skip : describe;
if (missing.length) console.warn(`SKIPPED tests/e2e/runHealth.test.ts: needs ${missing.join(", ")}`);

maybe("a gateway killed during a run", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-health-"));
  const resultsRoot = path.join(work, "results", "local");
  let outcome: RunOutcome;
  let killedAt = 0;
  let summary: RunSummary;

  beforeAll(async () => {
    const workspace = new StackWorkspace(PROJECT, "local", path.join(work, "home"));
    workspace.ensure(); // the key the hosts authorise, as `npm start` makes it
    const stackFile = writeLocalStackCopy(PROJECT, work, path.join(work, "results"));
    setConfigAsCli(stackFile, workspace.passphrase, {});
    // Fresh bare hosts (each with its own engine), as reserved nodes; removed again after the run.
    hosts = localHostsOf(loadStackFile(stackFile, new Diagnostics())!);
    removeLocalHosts(hosts);
    await ensureLocalHosts(hosts, publicKeyOf(workspace.sshKeyFile));
    const backend = new LocalEngineBackend(PROJECT, "local", stackFile, workspace, jestLoader);
    // The kill comes while the cameras send (they run 15 s, started during launch, before up returns).
    // Both are done on the emulated hosts themselves, with their own docker command, as on a real host.
    // (A bare host gets its docker command during `up`: until then `docker exec` fails, and says so on stdout.)
    const cameraRuns = () => {
      const r = spawnSync("docker", ["exec", "e2c-edge-1", "docker", "ps", "-q", "--filter", `name=^${FIRST_CAMERA}$`], { encoding: "utf8" });
      return r.status === 0 && /^[0-9a-f]{12,}$/m.test(r.stdout ?? "");
    };
    const killer = setInterval(() => {
      if (killedAt || !cameraRuns()) return;
      killedAt = -1;
      setTimeout(() => {
        killedAt = Date.now();
        execFileSync("docker", ["exec", "e2c-fog-1", "docker", "kill", GATEWAY_CONTAINER]);
      }, KILL_AFTER_MS);
    }, 250);
    const sink = new PassThrough();
    sink.resume();
    [outcome] = await runExperiment({ backend, repeat: 0, durationSeconds: 30, resultsRoot, out: sink as unknown as NodeJS.WriteStream });
    clearInterval(killer);
    await buildReport(resultsRoot);
    summary = JSON.parse(fs.readFileSync(path.join(outcome.resultsFolder!, "summary.json"), "utf8"));
    if (process.env.E2C_KEEP_RESULTS) fs.cpSync(outcome.resultsFolder!, process.env.E2C_KEEP_RESULTS, { recursive: true });
  }, 900_000);

  let hosts: LocalHosts | undefined;
  afterAll(() => {
    if (hosts) removeLocalHosts(hosts);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("the run itself deployed and destroyed without an error", () => {
    expect(outcome.errors).toEqual([]);
    expect(outcome.status).toBe("ok");
    expect(killedAt).toBeGreaterThan(0);
  });

  it("is degraded, naming the gateway, when it stopped and the frames lost at its hop", () => {
    expect(outcome.health?.verdict).toBe("degraded");
    const h = summary.health!;
    expect(h.verdict).toBe("degraded");
    const loss = h.reasons.find((r) => r.kind === "frames-lost" && r.subject === `gateway ${KILLED_GATEWAY}`)!;
    expect(loss).toBeDefined();
    expect(loss.host).toBe("e2c-fog-1");
    // The time it stopped is the kill's, within the clocks' and the recorder's slack.
    expect(Math.abs(Date.parse(loss.at!) - killedAt)).toBeLessThan(3000);
    // Exactly the frames its cameras' broker acknowledged that never reached Kafka.
    const cams = h.accounting.cameras.filter((c) => c.gateway === KILLED_GATEWAY);
    expect(cams.length).toBe(4);
    expect(loss.lost).toBe(cams.reduce((a, c) => a + c.acked - c.inKafka, 0));
    expect(loss.lost).toBeGreaterThan(0);
    // The other gateway lost nothing.
    expect(h.reasons.find((r) => r.subject === `gateway ${OTHER_GATEWAY}`)).toBeUndefined();
    // Its exit is on record with the signal, and its metrics were never finalised.
    const exit = h.reasons.find((r) => r.kind === "exited-early" && r.host === "e2c-fog-1")!;
    expect(exit.message).toContain("SIGKILL");
    expect(h.reasons.some((r) => r.kind === "not-finalised" && r.subject === `gateway ${KILLED_GATEWAY}`)).toBe(true);
  });

  it("the watch saw the gateway's task end during the run, with its status", () => {
    const watch = fs.readFileSync(path.join(outcome.resultsFolder!, "watch.log"), "utf8").trim().split("\n").map((l) => l.split("\t"));
    const ended = watch.find((f) => f[1] === "e2c-fog-1" && f[2] === "task-ended")!;
    expect(ended).toBeDefined();
    expect(ended[4]).toBe("status 137");
    expect(ended[5]).toBe("fatal");
    // Nothing else went down: every service container kept running.
    expect(watch.filter((f) => f[2].startsWith("container-") || f[2] === "host-silent")).toEqual([]);
  });

  it("runs.json and the report say so first", () => {
    const runs = JSON.parse(fs.readFileSync(path.join(resultsRoot, "runs.json"), "utf8"));
    expect(runs[0].health.verdict).toBe("degraded");
    const html = fs.readFileSync(path.join(outcome.resultsFolder!, "report.html"), "utf8");
    expect(html.indexOf("Health: degraded")).toBeGreaterThan(0);
    expect(html.indexOf("Health: degraded")).toBeLessThan(html.indexOf("<h2>Frames</h2>"));
    expect(html).toContain(`gateway ${KILLED_GATEWAY} on e2c-fog-1`);
  });
});
