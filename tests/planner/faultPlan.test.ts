import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatDiagnostic, ScenarioError } from "../../model/diagnostic";
import { faultsFromFile } from "../../planner/faultPlan";
import { planFromFiles } from "../../planner/planFromFiles";

/** Fault scenarios against the local stack's plan: what each event resolves to, and bad input at its file:line:col. */
const PROJECT = path.resolve(__dirname, "../..");
const plan = planFromFiles({ stackFile: path.join(PROJECT, "Pulumi.local.yaml") });
let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-faults-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (text: string) => {
  const f = path.join(dir, "faults.yaml");
  fs.writeFileSync(f, text);
  return f;
};

test("each kind of event resolves against the plan, in time order", () => {
  const faults = faultsFromFile(
    write(`faults:
  - at: 30s
    host: e2c-cloud-kafka
    restart: leader
  - at: 10s
    host: e2c-fog-1
    restart: e2c-fog-1-gateway
  - at: 20s
    network: 1
    delay: 80ms
    rate: 20mbit
  - at: 40.5s
    host: e2c-fog-2
    link_down: 5s
`),
    plan,
  );
  expect(faults.map((f) => [f.atMs, f.kind])).toEqual([
    [10000, "application"],
    [20000, "network"],
    [30000, "container"],
    [40500, "link_down"],
  ]);
  const app = faults[0] as Extract<(typeof faults)[number], { kind: "application" }>;
  expect(app.step.id).toBe("p3.launch.e2c-fog-1");
  expect(app.step.tasks[app.task]).toMatchObject({ kind: "shell", command: expect.stringContaining("--name e2c-fog-1-gateway") });
  const net = faults[1] as Extract<(typeof faults)[number], { kind: "network" }>;
  // Every host the entry shapes gets the new values; the other entries' destinations keep theirs.
  expect(net.shapings.length).toBeGreaterThan(0);
  const changed = plan.network.filter((r) => r.entry === 1);
  for (const s of net.shapings) {
    for (const d of s.destinations) {
      const rule = plan.network.find((r) => r.host === s.host && r.destinationHost === d.destinationHost)!;
      if (changed.includes(rule)) expect([d.rate, d.netemArgs.split(" limit")[0]]).toEqual(["20mbit", rule.loss ? `delay 80ms loss ${rule.loss}` : "delay 80ms"]);
      else expect(d.rate).toBe(rule.rate ?? "10gbit");
    }
  }
});

test("bad fault files: every error at once, each at its file:line:col, saying what was expected", () => {
  const file = write(`faults:
  - at: 10
    host: e2c-fog-1
    kill: e2c-fog-1-gateway
  - at: 20s
    host: e2c-fog-9
    kill: e2c-fog-1-gateway
  - at: 30s
    host: e2c-fog-1
    kill: kafka
  - at: 40s
    network: 7
    delay: 5ms
  - at: 50s
    host: e2c-fog-1
    kill: e2c-fog-1-gateway
    restart: e2c-fog-1-gateway
  - at: 60s
    host: e2c-fog-1
    reboot: now
`);
  let err: ScenarioError | undefined;
  try {
    faultsFromFile(file, plan);
  } catch (e) {
    err = e as ScenarioError;
  }
  expect(err).toBeInstanceOf(ScenarioError);
  const lines = err!.diagnostics.map(formatDiagnostic);
  expect(lines).toEqual([
    `${file}:2:9: wrong type for faults.0.at (got 10); expected a time in seconds such as "20s"`,
    `${file}:20:5: unknown key 'reboot' in faults.5; expected one of: at, host, kill, restart, stop, start, network, delay, rate, loss, link_down, remove_host, restore_host`,
  ]);
  // Schema errors first; once the shapes are right, the meaning is checked against the plan.
  const file2 = write(fs.readFileSync(file, "utf8").replace("at: 10\n", "at: 10s\n").replace("    reboot: now\n", "    stop: mosquitto\n"));
  try {
    faultsFromFile(file2, plan);
    throw new Error("accepted");
  } catch (e) {
    expect((e as ScenarioError).diagnostics.map(formatDiagnostic)).toEqual([
      `${file2}:6:11: faults.1.host: no host e2c-fog-9 in the stack (got e2c-fog-9); expected one of: ${plan.hosts.map((h) => h.name).join(", ")}`,
      `${file2}:10:11: faults.2.kill: nothing named kafka runs on e2c-fog-1 (got kafka); expected one of: mosquitto, e2c-fog-1-gateway`,
      `${file2}:12:14: faults.3.network: no network.yaml entry 7 shapes any host (got 7); expected an entry index from 0 to ${Math.max(...plan.network.map((r) => r.entry))}`,
      `${file2}:14:5: event faults.4 has kill and restart; expected exactly one of: kill, restart, stop, start, network, link_down, remove_host, restore_host`,
    ]);
  }
});

test("remove and restore a host: the removal kills what the host runs and cuts it until its restore, which starts its services and launch steps again", () => {
  const faults = faultsFromFile(
    write(`faults:
  - at: 50s
    restore_host: e2c-fog-2
  - at: 20s
    host: e2c-fog-2
    restart: e2c-fog-2-gateway
  - at: 30s
    remove_host: e2c-fog-2
  - at: 55s
    host: e2c-fog-2
    restart: e2c-fog-2-gateway
`),
    plan,
  );
  expect(faults.map((f) => [f.atMs, f.kind, "host" in f ? f.host : "-"])).toEqual([
    [20000, "application", "e2c-fog-2"],
    [30000, "remove_host", "e2c-fog-2"],
    [50000, "restore_host", "e2c-fog-2"],
    [55000, "application", "e2c-fog-2"],
  ]);
  const remove = faults[1] as Extract<(typeof faults)[number], { kind: "remove_host" }>;
  expect(remove.forMs).toBe(20000);
  expect(remove.containers).toEqual(["mosquitto", "e2c-fog-2-gateway"]);
  expect(remove.peers).toEqual(plan.hosts.filter((h) => h.name !== "e2c-fog-2").map((h) => h.address));
  expect(remove.description).toBe("e2c-fog-2 removed (its processes and containers killed, its network cut for 20 s)");
  const restore = faults[2] as Extract<(typeof faults)[number], { kind: "restore_host" }>;
  expect(restore.removedAtMs).toBe(30000);
  expect(restore.services).toEqual(["mosquitto"]);
  // Its monitoring agent is started again with the scenario's options (Mosquitto has the monitoring role).
  expect(restore.monitoring).toBe(plan.monitoring!.options);
  expect(restore.launch.map((s) => s.id)).toEqual(plan.steps.filter((s) => s.host === "e2c-fog-2" && s.phase === "launch").map((s) => s.id));
  expect(restore.launch.length).toBeGreaterThan(0);
});

test("a removal without restore, a restore without removal, an event on a removed host: errors at their file:line:col", () => {
  const file = write(`faults:
  - at: 10s
    remove_host: e2c-edge-1
  - at: 20s
    host: e2c-edge-1
    link_down: 2s
  - at: 30s
    restore_host: e2c-edge-1
  - at: 40s
    restore_host: e2c-fog-1
  - at: 50s
    remove_host: e2c-fog-2
  - at: 60s
    remove_host: e2c-nowhere
  - at: 70s
    host: e2c-fog-1
    remove_host: e2c-fog-1
`);
  let err: ScenarioError | undefined;
  try {
    faultsFromFile(file, plan);
  } catch (e) {
    err = e as ScenarioError;
  }
  expect(err!.diagnostics.map(formatDiagnostic)).toEqual([
    `${file}:5:11: faults.1: e2c-edge-1 is removed from 10 s (faults.0) to 30 s, nothing reaches it then; expected an event before its removal or after its restore`,
    `${file}:10:19: faults.3: e2c-fog-1 is not removed at 40 s; expected an earlier event "remove_host: e2c-fog-1"`,
    `${file}:12:18: faults.4: e2c-fog-2 is removed and never restored (its network stays cut: nothing could stop its experiment or fetch its results); expected a later event "restore_host: e2c-fog-2"`,
    `${file}:14:18: faults.5.remove_host: no host e2c-nowhere in the stack (got e2c-nowhere); expected one of: ${plan.hosts.map((h) => h.name).join(", ")}`,
    `${file}:16:5: 'host' in faults.6 is not needed: the host is the value of remove_host`,
    `${file}:17:18: faults.6: e2c-fog-1 is removed and never restored (its network stays cut: nothing could stop its experiment or fetch its results); expected a later event "restore_host: e2c-fog-1"`,
  ]);
});

test("the README's fault scenario example is valid against the local stack", () => {
  const readme = fs.readFileSync(path.join(PROJECT, "README.md"), "utf8");
  const example = [...readme.matchAll(/```yaml\n(faults:\n[\s\S]*?)```/g)].map((m) => m[1]);
  expect(example).toHaveLength(1);
  const faults = faultsFromFile(write(example[0]), plan);
  expect(faults.map((f) => f.kind)).toEqual(["application", "container", "network", "network", "link_down", "remove_host", "restore_host"]);
});
