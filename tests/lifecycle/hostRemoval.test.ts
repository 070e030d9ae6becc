import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stepScript, stopScript } from "../../components/hostScripts";
import { hostWorkDir } from "../../components/shell";
import { WatchTarget } from "../../components/watchProbe";
import { FaultRunner } from "../../lifecycle/faultRunner";
import { PlannedFault } from "../../planner/faultPlan";
import { WorkflowStep } from "../../planner/planTypes";
import { Triangle } from "../netem/netns";

/**
 * A host removed and restored, for real: the "host" is a network namespace this test creates (with two
 * neighbours on veth links), reached as the runner reaches a host (`ip netns exec <ns> sh -c ...` in place
 * of ssh). The removal kills the experiment's detached task and takes the host's link down until the
 * restore's time; the restore runs the launch step again; the host's record has the time of each stage.
 */
const canNetns = process.getuid?.() === 0 && spawnSync("ip", ["netns", "list"]).status === 0;
if (!canNetns) console.warn("SKIPPED tests/lifecycle/hostRemoval.test.ts: needs root and ip netns");
const maybe = canNetns ? describe : describe.skip;

maybe("remove_host and restore_host on a namespace host", () => {
  const id = `jestrm${process.pid}`;
  const net = new Triangle();
  beforeAll(() => net.create());
  afterAll(() => {
    spawnSync("ip", ["netns", "exec", net.ns.a, "bash", "-c", stopScript(id, 2)]);
    fs.rmSync(hostWorkDir(id), { recursive: true, force: true });
    net.destroy();
  });

  it("kills the host's tasks, cuts its link until the restore, then starts its launch step again; every stage timed", async () => {
    const target: WatchTarget = { host: "h1", ssh: ["ip", "netns", "exec", net.ns.a, "sh", "-c", 'eval "$1"', "root@h1"], experimentId: id, containers: [] };
    const step: WorkflowStep = { id: "p3.launch.h1", host: "h1", play: 0, playHosts: "fog", phase: "launch", services: [], needsServices: [], after: [], variables: {}, tasks: [{ kind: "shell", command: "exec sleep 300", async: 600, poll: 0 }] };
    const pidFile = path.join(hostWorkDir(id), "pids", "p3.launch.h1-t0.pid");
    const alive = (pid: number) => {
      try {
        return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1][0] !== "Z";
      } catch {
        return false;
      }
    };
    const linkUp = () => net.exec(net.ns.a, ["ip", "-o", "link", "show", "dev", net.dev.ab]).stdout.includes("state UP");
    const reachable = () => net.exec(net.ns.a, ["ping", "-c", "1", "-W", "1", net.addr.b], { allowFail: true }).code === 0;

    // The deployment's launch: the detached task, as the workflow starts it.
    expect(net.exec(net.ns.a, ["bash", "-s"], { input: stepScript(step, id, 60) }).code).toBe(0);
    const before = Number(fs.readFileSync(pidFile, "utf8"));
    expect(alive(before)).toBe(true);
    expect(reachable()).toBe(true);

    const faults: PlannedFault[] = [
      { atMs: 100, line: 2, description: "h1 removed (its processes and containers killed, its network cut for 3 s)", kind: "remove_host", host: "h1", forMs: 3000, peers: [net.addr.b], containers: [] },
      { atMs: 4500, line: 4, description: "h1 restored (services started, launch steps run again)", kind: "restore_host", host: "h1", removedAtMs: 100, services: [], launch: [step] },
    ];
    const runner = new FaultRunner(faults, [target], { allowMissingNetem: true });
    runner.start();
    for (let i = 0; i < 30 && runner.records.length < 1; i++) await new Promise((r) => setTimeout(r, 100));
    // Removed: its task is gone at once, its link half a second later.
    expect(runner.records[0]).toMatchObject({ outcome: "0" });
    await new Promise((r) => setTimeout(r, 1000));
    expect(alive(before)).toBe(false);
    expect(linkUp()).toBe(false);
    expect(reachable()).toBe(false);
    expect(runner.explains("h1", "host h1", new Date().toISOString())).toBe(faults[0]);
    for (let i = 0; i < 100 && runner.records.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    await runner.stop();

    // Restored: the link and its routes are back, the launch step ran again under the same tag.
    expect(linkUp()).toBe(true);
    expect(reachable()).toBe(true);
    const after = Number(fs.readFileSync(pidFile, "utf8"));
    expect(after).not.toBe(before);
    expect(alive(after)).toBe(true);

    const [removal, restore] = runner.records;
    expect([removal.outcome, restore.outcome]).toEqual(["0", "0"]);
    expect(removal.detail).toMatch(/killed 1 process group\(s\) and 0 container\(s\); network \(\S+\) cut from half a second later for 3 s/);
    const rec = /host record: killed (\S+);network-down (\S+);network-up (\S+);/.exec(restore.detail);
    expect(rec).not.toBeNull();
    const [killed, down, up] = rec!.slice(1).map(Date.parse);
    expect(killed).toBeGreaterThanOrEqual(Date.parse(removal.startedAt));
    expect(down - killed).toBeGreaterThanOrEqual(400);
    expect(up - down).toBeGreaterThanOrEqual(2400);
    expect(Date.parse(restore.startedAt)).toBeGreaterThanOrEqual(up);
    expect(restore.detail).toContain("started 0 service container(s), ran 1 launch step(s) again");
  }, 30_000);
});
