import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildReport } from "../../report/buildReport";
import { assessRun, describeStatus } from "../../report/runHealth";

/**
 * The verdict on recorded results folders (tests/report/fixtures/runs, copied from real runs of the local
 * stack by fixtures/copyRun.sh), and on copies of them changed the way a fault would change them.
 */
const FIXTURES = path.join(__dirname, "fixtures", "runs");
let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-health-"))));
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of a fixture, named like a run folder, to change. */
function copy(name: string): string {
  const dir = path.join(tmp, "20261126-013535");
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}
function find(dir: string, name: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? find(path.join(dir, e.name), name) : e.name === name ? [path.join(dir, e.name)] : []));
}
/** Removes the CSV rows of `file` for which `drop` is true; returns how many. */
function dropRows(file: string, drop: (row: Record<string, string>) => boolean): number {
  const [head, ...lines] = fs.readFileSync(file, "utf8").trim().split("\n");
  const cols = head.split(",");
  const keep = lines.filter((l) => !drop(Object.fromEntries(l.split(",").map((v, i) => [cols[i], v]))));
  fs.writeFileSync(file, [head, ...keep].join("\n") + "\n");
  return lines.length - keep.length;
}
const inSinkCsv = (dir: string) => find(path.join(dir, "experiment-results/sinks/in-sink"), "latency.csv")[0];
const outSinkCsv = (dir: string) => find(path.join(dir, "experiment-results/sinks/out-sink"), "latency.csv")[0];

test("today's silent failure: both sinks crashed at start, the run said ok; the verdict is failed, saying why", () => {
  const h = assessRun(path.join(FIXTURES, "sinks-crashed"));
  expect(h.verdict).toBe("failed");
  expect(h.reasons.map((r) => [r.severity, r.kind, r.subject])).toEqual([
    ["failed", "no-results", "in-sink"],
    ["failed", "no-results", "out-sink"],
  ]);
  expect(h.reasons[0].message).toContain("Kafka acknowledged 1200");
  // Every frame got as far as Kafka: the accounting says where they stopped.
  expect(h.accounting.cameras.map((c) => [c.sent, c.acked, c.inKafka, c.atInSink])).toEqual(Array(8).fill([150, 150, 150, 0]));
});

test("a clean run: every frame accounted for at every hop, every window there, nothing ended early", () => {
  const h = assessRun(path.join(FIXTURES, "clean"));
  expect(h.reasons).toEqual([]);
  expect(h.verdict).toBe("clean");
  for (const c of h.accounting.cameras) expect([c.acked, c.inKafka, c.atInSink, c.inWindows]).toEqual([c.sent, c.sent, c.sent, c.sent]);
  expect(h.accounting.gateways.map((g) => g.gateway)).toEqual(["fog.mosquitto.1.1", "fog.mosquitto.2.1"]);
  expect(h.accounting.windows!.received).toBe(h.accounting.windows!.expected);
  // The cameras of the local scenario run 15 s of a longer run: their exits are noted, not held against it.
  expect(h.notes.join("\n")).toMatch(/8 detached task\(s\) finished on their own/);
});

test("frames missing at the in-sink are counted per camera at that hop", () => {
  const dir = copy("clean");
  const dropped = dropRows(inSinkCsv(dir), (r) => r.camera === "3" && Number(r.seq) >= 20 && Number(r.seq) < 27);
  expect(dropped).toBe(7);
  const h = assessRun(dir);
  expect(h.verdict).toBe("degraded");
  const r = h.reasons.find((x) => x.kind === "frames-lost" && x.subject === "in-sink")!;
  expect(r.lost).toBe(7);
  expect(r.evidence[0]).toMatch(/^camera 3: 7 missing, first seq 20/);
});

test("a window missing at the out-sink is named", () => {
  const dir = copy("clean");
  let first: Record<string, string> | undefined;
  dropRows(outSinkCsv(dir), (r) => (first ??= r) === r);
  const h = assessRun(dir);
  expect(h.verdict).toBe("degraded");
  const r = h.reasons.find((x) => x.kind === "windows-missing")!;
  expect(r.lost).toBe(1);
  expect(r.evidence[0]).toContain(`camera ${first!.camera}, window ${new Date(Number(first!.windowStart)).toISOString()}`);
});

test("metrics never finalised, a host that stopped answering, a task killed: each a reason with its evidence", () => {
  const dir = copy("clean");
  const gw = find(path.join(dir, "experiment-results/gateways"), "summary.json").find((f) => f.includes("e2c-fog-2"))!;
  fs.writeFileSync(gw, JSON.stringify({ ...JSON.parse(fs.readFileSync(gw, "utf8")), final: false }));
  fs.writeFileSync(path.join(dir, "missing.txt"), "2026-11-26T01:40:00Z\te2c-edge-2\tdstat.csv\thost unreachable over ssh\n");
  fs.appendFileSync(path.join(dir, "workflow", "e2c-collector.log"), "2026-11-26T01:36:10.000Z\texited\tp5.launch.e2c-collector-t1\tat=2026-11-26T01:36:09.500Z rc=137\n");
  const h = assessRun(dir);
  expect(h.verdict).toBe("degraded");
  expect(h.reasons.find((r) => r.kind === "not-finalised")).toMatchObject({ subject: "gateway fog.mosquitto.2.1", host: "e2c-fog-2" });
  expect(h.reasons.find((r) => r.kind === "host-unreachable")).toMatchObject({ host: "e2c-edge-2", message: "e2c-edge-2 stopped answering over SSH: 1 item(s) not collected" });
  const exit = h.reasons.find((r) => r.kind === "exited-early")!;
  expect(exit).toMatchObject({ host: "e2c-collector", at: "2026-11-26T01:36:09.500Z" });
  expect(exit.evidence[0]).toContain("killed by SIGKILL (137)");
  // The rendered command of the task comes from workflow-validate.out.
  expect(exit.evidence[0]).toContain("in-sink --kafka");
});

test("the runner's record of a failed run makes the verdict failed", () => {
  const h = assessRun(path.join(FIXTURES, "clean"), { status: "failed", errors: ["destroy: e2c-fog-1: connection refused"] });
  expect(h.verdict).toBe("failed");
  expect(h.reasons[0]).toMatchObject({ kind: "run-failed", evidence: ["destroy: e2c-fog-1: connection refused"] });
  expect(assessRun(path.join(tmp, "nowhere")).verdict).toBe("failed");
});

test("exit statuses read as people say them", () => {
  expect(describeStatus(137)).toBe("killed by SIGKILL (137)");
  expect(describeStatus(143)).toBe("killed by SIGTERM (143)");
  expect(describeStatus(124)).toBe("time limit reached (124)");
  expect(describeStatus(3)).toBe("exit 3");
  expect(describeStatus(undefined)).toBe("exit status unknown");
});

test("the verdict is in summary.json and first in report.html", async () => {
  const dir = copy("sinks-crashed");
  await buildReport(dir);
  const summary = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8"));
  expect(summary.health.verdict).toBe("failed");
  const html = fs.readFileSync(path.join(dir, "report.html"), "utf8");
  expect(html.indexOf("Health: failed")).toBeGreaterThan(0);
  expect(html.indexOf("Health: failed")).toBeLessThan(html.indexOf("<h2>Frames</h2>"));
  expect(html).toContain("no frame reached the in-sink");
});

test("a gateway killed during the run (docker kill, recorded from the local stack): degraded, naming it, when, and the frames lost at its hop", () => {
  const h = assessRun(path.join(FIXTURES, "gateway-killed"));
  expect(h.verdict).toBe("degraded");
  expect(h.reasons.map((r) => [r.kind, r.subject])).toEqual([
    ["exited-early", "task p3.launch.e2c-fog-1-t2"],
    ["not-finalised", "gateway fog.mosquitto.1.1"],
    ["frames-lost", "gateway fog.mosquitto.1.1"],
  ]);
  const loss = h.reasons[2];
  expect(loss).toMatchObject({ host: "e2c-fog-1", at: "2026-11-26T01:58:50.891Z", lost: 596 });
  expect(h.reasons[0].evidence[0]).toContain("--id fog.mosquitto.1.1");
  expect(h.reasons[0].evidence[0]).toContain("killed by SIGKILL (137)");
  // Cameras 1, 2, 4 never got a frame through: the workflow's wiring (--broker = --mqtt) names their gateway.
  expect(h.accounting.cameras.filter((c) => c.gateway === "fog.mosquitto.1.1").map((c) => [c.camera, c.acked - c.inKafka])).toEqual([
    ["1", 150],
    ["2", 150],
    ["3", 146],
    ["4", 150],
  ]);
  // The frames its last rows never recorded but the in-sink read count as delivered.
  expect(h.accounting.cameras.find((c) => c.camera === "3")!.inKafka).toBe(4);
  expect(h.accounting.cameras.filter((c) => c.gateway === "fog.mosquitto.2.1").every((c) => c.inKafka === c.sent && c.inWindows === c.sent)).toBe(true);
});

test("a Flink TaskManager restarted on purpose (recorded): the windows that never came are counted, and the fault is named as their cause", () => {
  const h = assessRun(path.join(FIXTURES, "taskmanager-restarted"));
  expect(h.verdict).toBe("degraded");
  expect(h.reasons).toHaveLength(1);
  const r = h.reasons[0];
  expect(r).toMatchObject({ kind: "windows-missing", lost: 7, at: "2026-11-26T02:43:25.000Z" });
  expect(r.message).toBe("7 of 79 windows expected from the frames in Kafka never reached the out-sink (337 frames)");
  expect(r.evidence).toContain("scheduled fault at +5s (2026-11-26T02:43:32.633Z): restart service container e2c-cloud-flink-task_manager (cloud.flink.1.task_manager.1) on e2c-cloud-flink");
  expect(h.timeline.map((m) => m.kind)).toEqual(["fault"]);
  // Every frame reached Kafka and the in-sink; only Flink's output lost camera 4's windows.
  expect(h.accounting.cameras.map((c) => [c.camera, c.inKafka, c.atInSink, c.inWindows])).toEqual(
    ["1", "2", "3", "4", "5", "6", "7", "8"].map((c) => [c, 450, 450, c === "4" ? 113 : 450]),
  );
});

test("a gateway started again keeps both starts: the earlier one, killed, is named with when its records stop and continue", () => {
  const dir = copy("clean");
  const file = find(path.join(dir, "experiment-results/gateways"), "summary.json").find((f) => f.includes("e2c-fog-1"))!;
  const whole = JSON.parse(fs.readFileSync(file, "utf8"));
  // Split as a restarted gateway writes it: the same totals over two segments, the first never finalised.
  const first = { ...whole, received: 250, forwarded: 250, startedTs: whole.updatedTs - 60_000, updatedTs: whole.updatedTs - 40_000, final: false };
  const second = { ...whole, received: 350, forwarded: 350, startedTs: whole.updatedTs - 38_000 };
  fs.writeFileSync(file, JSON.stringify({ ...whole, startedTs: first.startedTs, segments: [first, second] }));
  const h = assessRun(dir);
  expect(h.reasons.map((r) => [r.kind, r.subject, r.host])).toEqual([["not-finalised", "gateway fog.mosquitto.1.1", "e2c-fog-1"]]);
  expect(h.reasons[0].message).toContain(`start 1 of 2 did not end normally: its records stop at ${new Date(first.updatedTs).toISOString()} and continue from its next start at ${new Date(second.startedTs).toISOString()}`);
  // Its counts are the sums over both starts: nothing is missing at any hop.
  expect(h.accounting.gateways.find((g) => g.gateway === "fog.mosquitto.1.1")).toMatchObject({ received: 600, forwarded: 600, notForwarded: 0 });
});
