import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { copyInstall, finalizeScript, monitorScript, stagedCopyPath, stepScript, stopScript } from "../../components/hostScripts";
import { hostWorkDir } from "../../components/shell";
import { RenderedTask, WorkflowStep } from "../../planner/planTypes";

/**
 * The scripts a host runs, executed here with bash as the host would (no SSH in between): detached tasks
 * must return at once and keep running in their own session, die at their time limit, fail the step when
 * they die at start; the stop must end every process group and let them flush; finalize goes on after a
 * failure; copies follow Ansible's meaning. Only local processes and files under a temporary folder.
 */

const ids: string[] = [];
function experiment(): string {
  const id = `jest${process.pid}x${ids.length}`;
  ids.push(id);
  return id;
}
afterAll(() => {
  for (const id of ids) {
    spawnSync("bash", ["-c", stopScript(id, 2)]);
    fs.rmSync(hostWorkDir(id), { recursive: true, force: true });
  }
});

function step(id: string, phase: WorkflowStep["phase"], tasks: RenderedTask[]): WorkflowStep {
  return { id, host: "h1", play: 0, playHosts: "edge.producer.*", phase, services: [], needsServices: [], after: [], tasks, variables: {} };
}

function bash(script: string, timeoutMs = 30_000) {
  const t0 = Date.now();
  const out = spawnSync("bash", ["-c", script], { encoding: "utf8", timeout: timeoutMs });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr, ms: Date.now() - t0 };
}

/** Running, not a zombie (this container's init does not reap orphans; a host's does). */
const alive = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1][0] !== "Z";
  } catch {
    return false;
  }
};
const pidsOf = (id: string) =>
  fs.readdirSync(path.join(hostWorkDir(id), "pids")).map((f) => Number(fs.readFileSync(path.join(hostWorkDir(id), "pids", f), "utf8").trim()));
const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a launch with detached tasks returns at once; each task runs in its own session, one per loop item", () => {
  const id = experiment();
  const tasks: RenderedTask[] = [
    { kind: "debug", msg: "Starting producers" },
    ...["1", "2", "3"].map((item): RenderedTask => ({ kind: "shell", command: `echo started-${item}; exec sleep 300`, async: 220, poll: 0, item })),
  ];
  const res = bash(stepScript(step("p4.launch.h1", "launch", tasks), id, 600));
  expect(res.status).toBe(0);
  expect(res.ms).toBeLessThan(10_000);
  expect(res.stdout).toContain("Starting producers");
  const pids = pidsOf(id);
  expect(pids).toHaveLength(3);
  for (const pid of pids) {
    expect(alive(pid)).toBe(true);
    // session leader of its own session: not tied to the SSH channel that started it
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    expect(Number(stat[3])).toBe(pid); // session id
  }
  const log = fs.readFileSync(path.join(hostWorkDir(id), "log", "p4.launch.h1-t2-i2.log"), "utf8");
  expect(log).toContain("started-2");
  const record = fs.readFileSync(path.join(hostWorkDir(id), "workflow.log"), "utf8");
  expect(record.match(/detached pid=\d+ limit=220s/g)).toHaveLength(3);
});

test("running a launch again ends what its previous version started", () => {
  const id = experiment();
  const s = step("p4.launch.h1", "launch", [{ kind: "shell", command: "exec sleep 300", async: 220, poll: 0 }]);
  expect(bash(stepScript(s, id, 600)).status).toBe(0);
  const [first] = pidsOf(id);
  expect(bash(stepScript(s, id, 600)).status).toBe(0);
  const [second] = pidsOf(id);
  expect(second).not.toBe(first);
  expect(alive(second)).toBe(true);
  expect(alive(first)).toBe(false);
});

test("a detached task is killed at its async limit", async () => {
  const id = experiment();
  expect(bash(stepScript(step("p1.launch.h1", "launch", [{ kind: "shell", command: "exec sleep 300", async: 2, poll: 0 }]), id, 600)).status).toBe(0);
  const [pid] = pidsOf(id);
  expect(alive(pid)).toBe(true);
  for (let i = 0; i < 50 && alive(pid); i++) await sleepMs(200);
  expect(alive(pid)).toBe(false);
});

test("a detached task that dies at start fails the step with its log", () => {
  const id = experiment();
  const res = bash(stepScript(step("p1.launch.h1", "launch", [{ kind: "shell", command: "echo no such jar >&2; exit 3", async: 220, poll: 0 }]), id, 600));
  expect(res.status).toBe(1);
  expect(res.stderr).toContain("exited at once (exit 3)");
  expect(res.stderr).toContain("no such jar");
});

test("a synchronous task that fails stops the step; one that hangs is ended by its limit", () => {
  const id = experiment();
  const failing = bash(stepScript(step("p1.prepare.h1", "prepare", [{ kind: "shell", command: "exit 7" }, { kind: "shell", command: "echo never" }]), id, 600));
  expect(failing.status).toBe(7);
  expect(failing.stdout).not.toContain("never");
  const hanging = bash(stepScript(step("p1.prepare.h1", "prepare", [{ kind: "shell", command: "sleep 300" }]), id, 2));
  expect(hanging.status).toBe(124);
  expect(hanging.ms).toBeLessThan(10_000);
});

test("the stop ends every process group (children included) and gives them time to flush", async () => {
  const id = experiment();
  // A task that writes its file only when asked to stop, like an application flushing on SIGTERM,
  // and has a child process of its own.
  const out = path.join(hostWorkDir(id), "flushed.txt");
  const command = `sleep 300 & trap 'sleep 1; echo flushed > ${out}; kill $!; exit 0' TERM; wait`;
  expect(bash(stepScript(step("p4.launch.h1", "launch", [{ kind: "shell", command, async: 220, poll: 0 }]), id, 600)).status).toBe(0);
  const [pgid] = pidsOf(id);
  await sleepMs(300);
  const members = () =>
    fs
      .readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          const f = fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1].split(" ");
          return f[2] === String(pgid) && f[0] !== "Z";
        } catch {
          return false;
        }
      });
  expect(members().length).toBeGreaterThanOrEqual(2);
  const res = bash(stopScript(id, 10));
  expect(res.status).toBe(0);
  expect(res.stdout).toContain("stopped 1 process groups (0 needed SIGKILL)");
  expect(fs.readFileSync(out, "utf8").trim()).toBe("flushed");
  expect(members()).toEqual([]);
});

test("the stop kills what does not exit within the grace period", () => {
  const id = experiment();
  expect(bash(stepScript(step("p4.launch.h1", "launch", [{ kind: "shell", command: "trap '' TERM; while :; do sleep 1; done", async: 220, poll: 0 }]), id, 600)).status).toBe(0);
  const [pgid] = pidsOf(id);
  const res = bash(stopScript(id, 2));
  expect(res.stdout).toContain("(1 needed SIGKILL)");
  expect(alive(pgid)).toBe(false);
});

test("finalize tasks cannot swallow the rest of the script, which arrives on stdin over ssh", () => {
  const id = experiment();
  const marker = path.join(hostWorkDir(id), "after-cat");
  const script = finalizeScript(step("p1.finalize.h1", "finalize", [{ kind: "shell", command: "cat > /dev/null" }, { kind: "shell", command: `touch ${marker}` }]), id, 60);
  const out = spawnSync("bash", ["-s"], { input: script, encoding: "utf8", timeout: 30_000 });
  expect(out.status).toBe(0);
  expect(fs.existsSync(marker)).toBe(true);
});

test("finalize goes on after a failing task and reports it", () => {
  const id = experiment();
  const marker = path.join(hostWorkDir(id), "second-ran");
  const res = bash(finalizeScript(step("p1.finalize.h1", "finalize", [{ kind: "shell", command: "exit 5" }, { kind: "shell", command: `touch ${marker}` }]), id, 60));
  expect(res.status).toBe(1);
  expect(res.stderr).toContain("finalize task 0 failed: exit 5");
  expect(fs.existsSync(marker)).toBe(true);
});

test("copies follow Ansible: `src/` copies the content, `src` the folder itself, files to dest or into dest/", () => {
  const id = experiment();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-copy-"));
  const cases: { src: string; dest: string; staged: "dir" | "file"; expect: string }[] = [
    { src: "/a/libs/", dest: `${root}/opt/lib/`, staged: "dir", expect: `${root}/opt/lib/x.jar` },
    { src: "/a/dataset", dest: `${root}/opt/`, staged: "dir", expect: `${root}/opt/dataset/x.jar` },
    { src: "/a/job.jar", dest: `${root}/opt/job.jar`, staged: "file", expect: `${root}/opt/job.jar` },
    { src: "/a/job2.jar", dest: `${root}/jobs/`, staged: "file", expect: `${root}/jobs/job2.jar` },
  ];
  cases.forEach((c, n) => {
    const staged = stagedCopyPath(id, "p1.prepare.h1", n);
    fs.mkdirSync(path.dirname(staged), { recursive: true });
    if (c.staged === "dir") {
      fs.mkdirSync(staged, { recursive: true });
      fs.writeFileSync(path.join(staged, "x.jar"), "jar");
    } else fs.writeFileSync(staged, "jar");
  });
  const s = step("p1.prepare.h1", "prepare", cases.map((c): RenderedTask => ({ kind: "copy", src: c.src, dest: c.dest })));
  const res = bash(stepScript(s, id, 60));
  expect(res.status).toBe(0);
  for (const c of cases) expect(fs.readFileSync(c.expect, "utf8")).toBe("jar");
  // staged uploads are consumed, so a re-upload lands at the same path; a rerun without one is a no-op
  cases.forEach((_, n) => expect(fs.existsSync(stagedCopyPath(id, "p1.prepare.h1", n))).toBe(false));
  expect(bash(stepScript(s, id, 60)).status).toBe(0);
  expect(copyInstall({ kind: "copy", src: "/a/libs/", dest: "/opt/lib/" }, "/s", 0)).toContain("cp -a '/s/.' '/opt/lib/'");
  fs.rmSync(root, { recursive: true, force: true });
});

test("monitoring options are dstat flags, never shell", () => {
  expect(monitorScript("x", "-m -c -n --net-packets")).toContain("$DSTAT -m -c -n --net-packets --output");
  expect(() => monitorScript("x", "-m; rm -rf /")).toThrow("only dstat flags");
});

test("a detached task that ends before the stop is recorded with its time and status; running ones are not", async () => {
  const id = experiment();
  const tasks: RenderedTask[] = [
    { kind: "shell", command: "sleep 1.5; exit 5", async: 220, poll: 0, item: "dies" },
    { kind: "shell", command: "exec sleep 300", async: 220, poll: 0, item: "runs" },
  ];
  const t0 = Date.now();
  expect(bash(stepScript(step("p3.launch.h1", "launch", tasks), id, 600)).status).toBe(0);
  const exitFile = path.join(hostWorkDir(id), "exits", "p3.launch.h1-t0-idies.exit");
  for (let i = 0; i < 50 && !fs.existsSync(exitFile); i++) await sleepMs(100);
  const [at, rc] = fs.readFileSync(exitFile, "utf8").trim().split(" ");
  expect(rc).toBe("5");
  expect(Date.parse(at)).toBeGreaterThanOrEqual(t0 - 1000);
  expect(bash(stopScript(id, 5)).status).toBe(0);
  const exited = fs.readFileSync(path.join(hostWorkDir(id), "workflow.log"), "utf8").split("\n").filter((l) => l.split("\t")[1] === "exited");
  expect(exited).toHaveLength(1);
  expect(exited[0].split("\t").slice(2)).toEqual(["p3.launch.h1-t0-idies", `at=${at} rc=5`]);
});
