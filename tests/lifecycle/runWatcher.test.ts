import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stepScript, stopScript } from "../../components/hostScripts";
import { hostWorkDir } from "../../components/shell";
import { probeScript, WatchTarget } from "../../components/watchProbe";
import { parseProbe, RunWatcher, WatchEvent } from "../../lifecycle/runWatcher";
import { RenderedTask, WorkflowStep } from "../../planner/planTypes";

/**
 * The watcher against this machine as the "host": the probe runs in bash exactly as it would over SSH
 * (`<ssh argv> 'bash -s'` with the script on stdin), over the detached tasks a real launch step starts.
 * Containers are not checked here (the local stack's end-to-end test does); a missing one is.
 */
const id = `jestw${process.pid}`;
afterAll(() => {
  spawnSync("bash", ["-c", stopScript(id, 2)]);
  fs.rmSync(hostWorkDir(id), { recursive: true, force: true });
});
const step = (tasks: RenderedTask[]): WorkflowStep => ({ id: "p3.launch.h1", host: "h1", play: 0, playHosts: "fog", phase: "launch", services: [], needsServices: [], after: [], tasks, variables: {} });
const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `sh -c 'eval "$1"' x 'bash -s'`: what the watcher appends to the ssh argv, run here. */
const local = (host: string, containers: string[] = []): WatchTarget => ({ host, ssh: ["sh", "-c", 'eval "$1"', "x"], experimentId: id, containers });

test("the probe lists running and ended tasks with their recorded time and status, and absent containers", async () => {
  const launch = stepScript(step([
    { kind: "shell", command: "exec sleep 300", async: 600, poll: 0, item: "a" },
    { kind: "shell", command: "sleep 1.5; exit 3", async: 600, poll: 0, item: "b" },
  ]), id, 60);
  expect(spawnSync("bash", ["-c", launch]).status).toBe(0);
  await sleepMs(2500);
  const out = spawnSync("bash", ["-s"], { input: probeScript(id, ["e2c-no-such-container-x"]), encoding: "utf8" });
  const p = parseProbe(out.stdout);
  expect(p.now).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(p.tasks.find((t) => t.tag === "p3.launch.h1-t0-ia")).toEqual({ tag: "p3.launch.h1-t0-ia", running: true });
  expect(p.tasks.find((t) => t.tag === "p3.launch.h1-t1-ib")).toMatchObject({ running: false, status: 3 });
  expect(p.containers).toEqual([{ name: "e2c-no-such-container-x", state: "absent", restarts: 0 }]);
});

test("the watcher reports each change once, with its time; a crash is fatal, a silent host too", async () => {
  const events: WatchEvent[] = [];
  const file = path.join(hostWorkDir(id), "watch.log");
  const silent: WatchTarget = { host: "gone", ssh: ["sh", "-c", "exit 255", "x"], experimentId: id, containers: [] };
  const w = new RunWatcher([local("h1"), silent], { intervalMs: 200, eventsFile: file, onEvent: (e) => events.push(e) });
  await w.pollOnce();
  await w.pollOnce();
  await w.pollOnce();
  const ended = events.filter((e) => e.kind === "task-ended");
  expect(ended).toHaveLength(1);
  expect(ended[0]).toMatchObject({ host: "h1", subject: "task p3.launch.h1-t1-ib", detail: "status 3", fatal: true });
  expect(events.filter((e) => e.kind === "host-silent")).toEqual([expect.objectContaining({ host: "gone", fatal: true })]);
  expect(w.fatal).toBeDefined();
  expect(fs.readFileSync(file, "utf8").trim().split("\n")).toHaveLength(2);
});

test("a task that ends with status 0 (a camera's --duration) is an event, not a fault; polls run on their own until stopped", async () => {
  const id2 = `${id}b`;
  try {
    expect(spawnSync("bash", ["-c", stepScript(step([{ kind: "shell", command: "sleep 1.2", async: 600, poll: 0 }]), id2, 60)]).status).toBe(0);
    const events: WatchEvent[] = [];
    const w = new RunWatcher([{ ...local("h1"), experimentId: id2 }], { intervalMs: 100, onEvent: (e) => events.push(e) });
    w.start();
    for (let i = 0; i < 60 && !events.length; i++) await sleepMs(100);
    await w.stop();
    expect(events).toEqual([expect.objectContaining({ kind: "task-ended", detail: "status 0", fatal: false })]);
    expect(w.fatal).toBeUndefined();
  } finally {
    fs.rmSync(hostWorkDir(id2), { recursive: true, force: true });
  }
});

test("with stopOnFault the runner ends the wait at the first fault, still destroys, and the verdict says why", async () => {
  const { runExperiment } = await import("../../lifecycle/experimentRunner");
  const { PassThrough } = await import("stream");
  const id3 = `${id}c`;
  const root = fs.mkdtempSync(path.join(hostWorkDir(id), "runs-"));
  const runDir = path.join(root, "20261126-020000");
  fs.cpSync(path.join(__dirname, "..", "report", "fixtures", "runs", "clean"), runDir, { recursive: true });
  const calls: string[] = [];
  const backend = {
    name: "local-bash",
    up: async () => {
      spawnSync("bash", ["-c", stepScript(step([{ kind: "shell", command: "sleep 1.5; exit 9", async: 600, poll: 0 }]), id3, 60)]);
      calls.push("up");
      return { resultsFolder: runDir, watchTargets: [{ ...local("h1"), experimentId: id3 }] };
    },
    destroy: async () => {
      calls.push("destroy");
      return { errors: [] };
    },
  };
  const out = new PassThrough();
  out.resume();
  try {
    const t0 = Date.now();
    const [o] = await runExperiment({ backend, repeat: 0, durationSeconds: 120, resultsRoot: root, out: out as unknown as NodeJS.WriteStream, watch: { intervalSeconds: 0.5, stopOnFault: true } });
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(calls).toEqual(["up", "destroy"]);
    expect(o.stoppedEarly).toMatch(/^h1: task p3.launch.h1-t0 status 9 at /);
    expect(o.health!.verdict).toBe("degraded");
    expect(o.health!.reasons.map((r) => r.kind)).toEqual(["stopped-early", "exited-early"]);
    expect(fs.readFileSync(path.join(runDir, "watch.log"), "utf8")).toContain("task-ended\ttask p3.launch.h1-t0\tstatus 9\tfatal");
  } finally {
    fs.rmSync(hostWorkDir(id3), { recursive: true, force: true });
  }
});

const docker = spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0 && spawnSync("docker", ["image", "inspect", "surveillance-base:bookworm"], { stdio: "ignore" }).status === 0;
(docker ? test : test.skip)(`a container started again (docker restart keeps its restart count) is seen by its new start time${docker ? "" : " (SKIPPED: needs Docker and the image surveillance-base:bookworm)"}`, async () => {
  const name = `e2c-watch-test-${process.pid}`;
  try {
    expect(spawnSync("docker", ["run", "-d", "--name", name, "surveillance-base:bookworm", "sleep", "300"]).status).toBe(0);
    const events: WatchEvent[] = [];
    const w = new RunWatcher([local("h1", [name])], { onEvent: (e) => events.push(e) });
    await w.pollOnce();
    expect(spawnSync("docker", ["restart", "-t", "1", name]).status).toBe(0);
    await w.pollOnce();
    expect(events.filter((e) => e.kind.startsWith("container"))).toEqual([expect.objectContaining({ kind: "container-restarted", subject: `container ${name}`, fatal: true })]);
  } finally {
    spawnSync("docker", ["rm", "-f", name]);
  }
});
