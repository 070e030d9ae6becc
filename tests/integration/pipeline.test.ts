/**
 * End to end on real services (Mosquitto x2, ZooKeeper, Kafka, Flink JobManager + TaskManager), all
 * local processes on 127.0.0.1 started by scripts/services/: 8 cameras -> 2 gateways -> Kafka ->
 * Flink -> Kafka, with both sinks. Install prerequisites with scripts/services/install.sh.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as mqtt from "mqtt";
import { WindowCount } from "../../workloads/shared/window-count";
import { readMetricsCsv } from "./support/csv";
import { ProcessGroup, Running, tail } from "./support/processes";
import { freePort, missingPrerequisites, REPO, script, stopAllUnder } from "./support/services";
import { collectTopic, produceRaw } from "./support/topic";

const CAMERAS = 8;
const GATEWAYS = 2;
const FPS = 10;
const DURATION_S = 30;
const WINDOW_S = 5;
const FRAMES_PER_CAMERA = FPS * DURATION_S;
const TOTAL = CAMERAS * FRAMES_PER_CAMERA;
const BIN = path.join(REPO, "bin/workloads");

interface InputRecord {
  camera: number;
  area: string;
  seq: number;
  sentTs: number;
  people: number;
  truth: number;
}
/** The fields of the Flink job's output record this test reads. */
type OutputRecord = Pick<WindowCount, "area" | "camera" | "windowStart" | "windowEnd" | "frames" | "people">;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-test-"));
const services = path.join(work, "services");
const metrics = path.join(work, "metrics");
const procs = new ProcessGroup(path.join(work, "logs"));
const ports = { mqtt: [] as number[], zk: 0, kafka: 0, flinkRpc: 0, flinkRest: 0 };
let brokers: string[] = [];
let jobId = "";
let runStart = 0;
let runEnd = 0;
let input: InputRecord[] = [];
let inputUnparsable = 0;
let output: OutputRecord[] = [];
const exitCodes: Record<string, number | null> = {};

function node(name: string, program: string, args: string[]): Running {
  return procs.start(name, process.execPath, [path.join(BIN, program, "main.js"), ...args]);
}

function summary(dir: string): Record<string, number | string | boolean> {
  return JSON.parse(fs.readFileSync(path.join(metrics, dir, "summary.json"), "utf8"));
}

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function publishGarbage(port: number): Promise<void> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `garbage-${port}` });
  await c.publishAsync("frames", Buffer.from("this is not a frame"), { qos: 1 });
  await c.endAsync();
}

beforeAll(async () => {
  const missing = missingPrerequisites();
  if (missing.length) throw new Error(`prerequisites missing, run scripts/services/install.sh: ${missing.join("; ")}`);
  execFileSync("npx", ["tsc", "-p", "workloads/tsconfig.json"], { cwd: REPO, stdio: "inherit" });

  for (let g = 0; g < GATEWAYS; g++) ports.mqtt.push(await freePort());
  ports.zk = await freePort();
  ports.kafka = await freePort();
  ports.flinkRpc = await freePort();
  ports.flinkRest = await freePort();
  brokers = [`127.0.0.1:${ports.kafka}`];

  await Promise.all([
    ...ports.mqtt.map((p, g) => script("start-mosquitto.sh", [path.join(services, `mosquitto-${g + 1}`), String(p)])),
    script("start-zookeeper.sh", [path.join(services, "zookeeper"), String(ports.zk)]),
    script("start-flink.sh", [path.join(services, "flink"), String(ports.flinkRpc), String(ports.flinkRest), "2"]),
  ]);
  await script("start-kafka.sh", [path.join(services, "kafka"), String(ports.kafka), String(ports.zk)]);
  for (const topic of ["in-uni-data", "out-uni-data"]) {
    await script("kafka-topics.sh", [brokers[0], "--create", "--topic", topic, "--partitions", "4", "--replication-factor", "1"]);
  }
  // Seed argument order, then out-of-orderness 3 s (two gateways share partitions), idle flush 2 s.
  jobId = await script("submit-flink-job.sh", [
    path.join(services, "flink/conf"), "2", brokers[0], "in-uni-data", "out-uni-data", brokers[0], String(WINDOW_S), "3000", "2000",
  ]);

  const inSink = node("in-sink", "in-sink", ["--kafka", brokers[0], "--topic", "in-uni-data", "--metrics", path.join(metrics, "in-sink")]);
  const outSink = node("out-sink", "out-sink", ["--kafka", brokers[0], "--topic", "out-uni-data", "--metrics", path.join(metrics, "out-sink")]);
  const gateways = ports.mqtt.map((p, g) =>
    node(`gateway-${g + 1}`, "gateway", [
      "--id", `gateway-${g + 1}`, "--mqtt", `tcp://127.0.0.1:${p}`, "--mqtt-topic", "frames",
      "--kafka", brokers[0], "--kafka-topic", "in-uni-data", "--metrics", path.join(metrics, `gateway-${g + 1}`),
    ]),
  );
  await until("gateways and sinks to start", () => [...gateways, inSink, outSink].every((r) => fs.existsSync(path.join(metrics, r.name, "summary.json"))), 60000);
  await until("gateways to subscribe", () => gateways.every((r) => tail(r.log).includes(" -> ")), 30000);

  // The last camera replays a dataset folder (the seed's dataset/data-N) instead of synthesizing.
  const dataset = path.join(work, "dataset");
  execFileSync(process.execPath, [path.join(BIN, "dataset/main.js"), "--out", dataset, "--cameras", "1", "--frames", "40", "--seed", "7"]);

  runStart = Date.now();
  const cameras: Running[] = [];
  for (let c = 1; c <= CAMERAS; c++) {
    // Round robin over gateways, as the seed's depends_on grouping does per host.
    const port = ports.mqtt[(c - 1) % GATEWAYS];
    const source = c === CAMERAS ? ["--dataset", path.join(dataset, "data-1")] : ["--seed", "42"];
    cameras.push(node(`camera-${c}`, "camera", [
      "--camera", String(c), "--broker", `tcp://127.0.0.1:${port}`, "--topic", "frames",
      "--fps", String(FPS), "--duration", String(DURATION_S), "--metrics", path.join(metrics, `camera-${c}`), ...source,
    ]));
  }
  // Bad input mid-run: a malformed frame to each gateway, a malformed record on each Kafka topic.
  await new Promise((r) => setTimeout(r, 5000));
  await Promise.all(ports.mqtt.map(publishGarbage));
  await produceRaw(brokers, "in-uni-data", ["{not json"]);
  await produceRaw(brokers, "out-uni-data", ["[1,2,3]"]);

  for (const c of cameras) exitCodes[c.name] = await procs.waitExit(c, (DURATION_S + 60) * 1000);
  runEnd = Date.now();

  const inputValues = await collectTopic(brokers, "in-uni-data", (v) => v.length >= TOTAL + 1, 60000);
  for (const v of inputValues) {
    try {
      input.push(JSON.parse(v) as InputRecord);
    } catch {
      inputUnparsable++;
    }
  }
  const outputValues = await collectTopic(
    brokers, "out-uni-data",
    (v) => v.flatMap((s) => { try { return [JSON.parse(s) as OutputRecord]; } catch { return []; } })
      .reduce((n, w) => n + (w.frames ?? 0), 0) >= TOTAL,
    90000,
  );
  output = outputValues.flatMap((s) => {
    try {
      const w = JSON.parse(s);
      return typeof w === "object" && w !== null && !Array.isArray(w) ? [w as OutputRecord] : [];
    } catch {
      return [];
    }
  });

  // Let the sinks catch up with what the test saw, then stop everything and collect exit codes.
  await until("in-sink to see every result", () => summary("in-sink").received === TOTAL, 60000);
  await until("out-sink to see every window", () => summary("out-sink").received === output.length, 60000);
  for (const r of [...gateways, inSink, outSink]) exitCodes[r.name] = await procs.stop(r);
}, 420000);

afterAll(async () => {
  await procs.killAll();
  await stopAllUnder(services);
}, 180000);

describe("pipeline on real Mosquitto, Kafka and Flink", () => {
  test("every program exited cleanly", () => {
    expect(Object.keys(exitCodes)).toHaveLength(CAMERAS + GATEWAYS + 2);
    for (const [name, code] of Object.entries(exitCodes)) expect({ name, code }).toEqual({ name, code: 0 });
  });

  test("every frame sent reaches the input topic exactly once", () => {
    let sentTotal = 0;
    for (let c = 1; c <= CAMERAS; c++) {
      const s = summary(`camera-${c}`);
      expect(s).toMatchObject({ sent: FRAMES_PER_CAMERA, acked: FRAMES_PER_CAMERA, failed: 0, final: true });
      sentTotal += s.sent as number;
      const seqs = input.filter((r) => r.camera === c).map((r) => r.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: FRAMES_PER_CAMERA }, (_, i) => i));
    }
    expect(input).toHaveLength(sentTotal);
    expect(inputUnparsable).toBe(1); // the record the test injected
  });

  test("gateways detect exactly the ground truth in every frame", () => {
    expect(input.length).toBe(TOTAL);
    const wrong = input.filter((r) => r.people !== r.truth);
    expect(wrong).toEqual([]);
    // Frames really have people in them, and counts vary.
    expect(new Set(input.map((r) => r.truth)).size).toBeGreaterThan(2);
  });

  test("output windows hold the summed ground truth of their frames", () => {
    const expected = new Map<string, { people: number; frames: number }>();
    for (const r of input) {
      const start = r.sentTs - (r.sentTs % (WINDOW_S * 1000));
      const key = `${r.area}/${r.camera}/${start}`;
      const e = expected.get(key) ?? { people: 0, frames: 0 };
      e.people += r.truth;
      e.frames += 1;
      expected.set(key, e);
    }
    const actual = new Map<string, { people: number; frames: number }>();
    for (const w of output) {
      const key = `${w.area}/${w.camera}/${w.windowStart}`;
      expect(actual.has(key)).toBe(false); // one result per window
      expect(w.windowEnd - w.windowStart).toBe(WINDOW_S * 1000);
      actual.set(key, { people: w.people, frames: w.frames });
    }
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    expect(fs.readFileSync(path.join(services, "flink/taskmanager.log"), "utf8")).not.toContain("Late frame dropped");
  });

  test("malformed input is logged and counted, not fatal", async () => {
    for (let g = 1; g <= GATEWAYS; g++) {
      expect(summary(`gateway-${g}`)).toMatchObject({ malformed: 1, lost: 0, final: true });
      expect(tail(path.join(work, "logs", `gateway-${g}.log`), 200)).toContain("skipping malformed message #1");
    }
    expect(summary("in-sink")).toMatchObject({ malformed: 1, received: TOTAL, final: true });
    expect(summary("out-sink")).toMatchObject({ malformed: 1, received: output.length, duplicateWindows: 0, final: true });
    expect(fs.readFileSync(path.join(services, "flink/taskmanager.log"), "utf8")).toMatch(/Skipping malformed record at in-uni-data-\d+@\d+ \(skipped so far: 1\)/);
    const job = JSON.parse(execFileSync("curl", ["-fsS", `http://127.0.0.1:${ports.flinkRest}/jobs/${jobId}`], { encoding: "utf8" }));
    expect(job.state).toBe("RUNNING");
  });

  test("camera metrics parse and cover the run", () => {
    for (let c = 1; c <= CAMERAS; c++) {
      const rows = readMetricsCsv(path.join(metrics, `camera-${c}`, "throughput.csv"), ["second", "sent", "acked", "bytes"]);
      expectContiguousSeconds(rows);
      // Covers this camera's sends, first to last, as the input topic saw them.
      const sent = input.filter((r) => r.camera === c).map((r) => r.sentTs);
      expect(rows[0].second).toBeLessThanOrEqual(Math.min(...sent));
      expect(rows[rows.length - 1].second).toBeGreaterThanOrEqual(Math.floor(Math.max(...sent) / 1000) * 1000);
      expect(sum(rows, "sent")).toBe(FRAMES_PER_CAMERA);
      expect(sum(rows, "acked")).toBe(FRAMES_PER_CAMERA);
      expect(sum(rows, "bytes")).toBeGreaterThan(FRAMES_PER_CAMERA * 4800);
      // The rate was held: sending spanned the duration and no second in the middle stalled.
      const active = rows.filter((r) => (r.sent as number) > 0);
      const span = ((active[active.length - 1].second as number) - (active[0].second as number)) / 1000;
      expect(span).toBeGreaterThanOrEqual(DURATION_S - 1);
      expect(span).toBeLessThanOrEqual(DURATION_S + 3);
      expect(Math.min(...rows.slice(2, -2).map((r) => r.sent as number))).toBeGreaterThanOrEqual(FPS / 2);
    }
  });

  test("gateway metrics parse and cover the run", () => {
    let received = 0;
    for (let g = 1; g <= GATEWAYS; g++) {
      const dir = path.join(metrics, `gateway-${g}`);
      const thr = readMetricsCsv(path.join(dir, "throughput.csv"), ["second", "received", "forwarded", "malformed"]);
      expectContiguousSeconds(thr);
      expect(thr[0].second).toBeLessThanOrEqual(runStart);
      expect(thr[thr.length - 1].second).toBeGreaterThanOrEqual(runEnd - 1000);
      const lat = readMetricsCsv(path.join(dir, "latency.csv"), ["camera", "seq", "sentTs", "receivedTs", "ackedTs", "people", "truth", "latencyMs"]);
      const s = summary(`gateway-${g}`);
      expect(sum(thr, "received")).toBe(s.received);
      expect(sum(thr, "forwarded")).toBe(s.received);
      expect(sum(thr, "malformed")).toBe(1);
      expect(lat).toHaveLength(s.received as number);
      for (const r of lat) {
        expect(r.people).toBe(r.truth);
        expect(r.latencyMs).toBe((r.ackedTs as number) - (r.sentTs as number));
        expect(r.sentTs).toBeLessThanOrEqual(r.receivedTs as number);
        expect(r.receivedTs).toBeLessThanOrEqual(r.ackedTs as number);
        expect(r.sentTs).toBeGreaterThanOrEqual(runStart);
      }
      received += s.received as number;
    }
    expect(received).toBe(TOTAL);
  });

  test("sink metrics parse and cover the run", () => {
    const inRows = readMetricsCsv(
      path.join(metrics, "in-sink", "latency.csv"),
      ["camera", "seq", "area", "gateway", "people", "truth", "sentTs", "gatewaySendTs", "receivedTs", "partition", "offset", "latencyMs"],
      ["area", "gateway"],
    );
    expect(inRows).toHaveLength(TOTAL);
    expect(new Set(inRows.map((r) => `${r.camera}/${r.seq}`)).size).toBe(TOTAL);
    for (const r of inRows) {
      expect(r.latencyMs).toBe((r.receivedTs as number) - (r.gatewaySendTs as number));
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const outRows = readMetricsCsv(
      path.join(metrics, "out-sink", "latency.csv"),
      ["area", "camera", "windowStart", "windowEnd", "frames", "people", "truth", "firstSentTs", "lastSentTs", "emitTs", "receivedTs", "partition", "offset", "latencyMs"],
      ["area"],
    );
    expect(outRows).toHaveLength(output.length);
    expect(sum(outRows, "frames")).toBe(TOTAL);
    for (const r of outRows) {
      expect(r.latencyMs).toBe((r.receivedTs as number) - (r.lastSentTs as number));
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
      expect(r.people).toBe(r.truth);
    }
    // Windows cover every frame sent, first to last.
    const sent = input.map((r) => r.sentTs);
    expect(Math.min(...outRows.map((r) => r.windowStart as number))).toBeLessThanOrEqual(Math.min(...sent));
    expect(Math.max(...outRows.map((r) => r.windowEnd as number))).toBeGreaterThan(Math.max(...sent));
  });
});

function sum(rows: Record<string, number | string>[], col: string): number {
  return rows.reduce((n, r) => n + (r[col] as number), 0);
}

function expectContiguousSeconds(rows: Record<string, number | string>[]): void {
  expect(rows.length).toBeGreaterThan(0);
  rows.forEach((r, i) => {
    expect((r.second as number) % 1000).toBe(0);
    if (i > 0) expect(r.second).toBe((rows[i - 1].second as number) + 1000);
  });
}
