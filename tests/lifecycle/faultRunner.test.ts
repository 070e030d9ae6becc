import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stepScript, stopScript } from "../../components/hostScripts";
import { hostWorkDir } from "../../components/shell";
import { WatchTarget } from "../../components/watchProbe";
import { FaultRunner } from "../../lifecycle/faultRunner";
import { PlannedFault } from "../../planner/faultPlan";
import { WorkflowStep } from "../../planner/planTypes";

/**
 * Scheduled faults run against this machine as the "host" (`sh -c 'eval "$1"'` in place of ssh): an
 * application restarted under its own tag (so the stop still ends it), a fault recorded with the host's
 * times in faults.log, a fault not yet due when the run ends recorded as not run.
 */
const id = `jestf${process.pid}`;
afterAll(() => {
  spawnSync("bash", ["-c", stopScript(id, 2)]);
  fs.rmSync(hostWorkDir(id), { recursive: true, force: true });
});
const target: WatchTarget = { host: "h1", ssh: ["sh", "-c", 'eval "$1"', "x"], experimentId: id, containers: [] };
// The "application": a detached task whose command names its container as the workflow's do.
const step: WorkflowStep = { id: "p3.launch.h1", host: "h1", play: 0, playHosts: "fog", phase: "launch", services: [], needsServices: [], after: [], variables: {}, tasks: [{ kind: "shell", command: "exec sleep 300 # docker run --name e2c-test-app", async: 600, poll: 0 }] };
const pidFile = path.join(hostWorkDir(id), "pids", "p3.launch.h1-t0.pid");
const alive = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1][0] !== "Z";
  } catch {
    return false;
  }
};

test("a restart of an application starts its task again under the same tag; faults.log has the host's times", async () => {
  expect(spawnSync("bash", ["-c", stepScript(step, id, 60)]).status).toBe(0);
  const before = Number(fs.readFileSync(pidFile, "utf8"));
  const log = path.join(hostWorkDir(id), "run", "faults.log");
  const faults: PlannedFault[] = [
    { atMs: 100, line: 2, description: "restart application e2c-test-app on h1", kind: "application", host: "h1", action: "restart", container: "e2c-test-app", step, task: 0 },
    { atMs: 60_000, line: 5, description: "kill application e2c-test-app on h1", kind: "application", host: "h1", action: "kill", container: "e2c-test-app", step, task: 0 },
  ];
  const r = new FaultRunner(faults, [target], { allowMissingNetem: true, logFile: log });
  const t0 = Date.now();
  r.start();
  for (let i = 0; i < 100 && !r.records.length; i++) await new Promise((res) => setTimeout(res, 100));
  await r.stop();
  const after = Number(fs.readFileSync(pidFile, "utf8"));
  expect(after).not.toBe(before);
  expect(alive(after)).toBe(true);
  // The replaced task is ended even though no container of that name existed to kill.
  expect(alive(before)).toBe(false);
  const lines = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => l.split("\t"));
  expect(lines[0]).toEqual(["scheduledS", "host", "startedAt", "endedAt", "outcome", "description", "detail"]);
  expect(lines[1].slice(0, 2)).toEqual(["0.1", "h1"]);
  expect(lines[1][4]).toBe("0");
  expect(Date.parse(lines[1][2])).toBeGreaterThanOrEqual(t0 - 1000);
  expect(Date.parse(lines[1][3])).toBeGreaterThanOrEqual(Date.parse(lines[1][2]));
  expect(lines[2]).toEqual(["60", "h1", "", "", "not-run", "kill application e2c-test-app on h1", "the run ended first"]);
  // A watch event on the restarted task is what the fault did.
  expect(r.explains("h1", "task p3.launch.h1-t0")).toBe(faults[0]);
  expect(r.explains("h1", "container e2c-other")).toBeUndefined();
});
