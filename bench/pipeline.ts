/**
 * npm run bench:pipeline -- [--rates 80,160,...] [--step-seconds 20]
 *
 * Measures, on this machine, the highest total frame rate the pipeline sustains with a stable
 * end-to-end p99, then the latency percentiles at half that rate. Real services on 127.0.0.1
 * (2 Mosquitto, ZooKeeper, Kafka, Flink JobManager + TaskManager), 8 cameras over 2 gateways,
 * 1 s windows. A rate is sustained when the cameras kept their schedule (>= 95 % of the target
 * rate), every frame reached the input topic within 20 s of the step's end, the end-to-end p99 of
 * the step stayed under P99_BOUND_MS, and latency did not trend upward during the step (median of
 * the last third <= median of the first third + 250 ms). A failed step is retried once (a single
 * GC or checkpoint pause should not decide the result); after the first rate that fails, the gap to
 * the last good rate is bisected twice.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import { parse } from "csv-parse/sync";
import { ProcessGroup, Running } from "../tests/integration/support/processes";
import { freePort, missingPrerequisites, REPO, script, stopAllUnder } from "../tests/integration/support/services";

const CAMERAS = 8;
const GATEWAYS = 2;
const WINDOW_S = 1;
// Window 1 s + out-of-orderness 0.5 s is the floor of the end-to-end latency; 2 s leaves 0.5 s of slack.
const P99_BOUND_MS = 2000;

const opts = new Command("bench:pipeline")
  .option("--rates <list>", "total frame rates to try, ascending", "200,500,1000,1500,2000,2500,3000,3500,4000,5000")
  .option("--step-seconds <n>", "seconds per rate", "30")
  .parse(process.argv)
  .opts<{ rates: string; stepSeconds: string }>();
const rates = opts.rates.split(",").map(Number);
const stepS = Number(opts.stepSeconds);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pipeline-"));
const services = path.join(work, "services");
const metrics = path.join(work, "metrics");
const procs = new ProcessGroup(path.join(work, "logs"));
const BIN = path.join(REPO, "bin/workloads");

function node(name: string, program: string, args: string[]): Running {
  return procs.start(name, process.execPath, [path.join(BIN, program, "main.js"), ...args]);
}

/** Rows of a CSV another process is still appending to: only complete lines. */
function readGrowingCsv(file: string): Record<string, string>[] {
  const text = fs.readFileSync(file, "utf8");
  return parse(text.slice(0, text.lastIndexOf("\n") + 1), { columns: true, skip_empty_lines: true });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function pcts(values: number[]): { n: number; p50: number; p90: number; p99: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}

interface Step {
  rate: number;
  achieved: number;
  drained: boolean;
  e2e: ReturnType<typeof pcts>;
  e2eFirstThirdP50: number;
  e2eLastThirdP50: number;
  fogToCloud: ReturnType<typeof pcts>;
  edgeToKafka: ReturnType<typeof pcts>;
  stable: boolean;
}

let sentSoFar = 0;

async function runStep(rate: number, ports: number[], brokers: string): Promise<Step> {
  const fps = rate / CAMERAS;
  const start = Date.now();
  const cams = Array.from({ length: CAMERAS }, (_, i) =>
    node(`camera-${rate}-${i + 1}`, "camera", [
      "--camera", String(i + 1), "--broker", `tcp://127.0.0.1:${ports[i % GATEWAYS]}`, "--topic", "frames",
      "--fps", String(fps), "--duration", String(stepS), "--metrics", path.join(metrics, `camera-${rate}-${i + 1}`), "--seed", String(rate),
    ]),
  );
  const codes = await Promise.all(cams.map((c) => procs.waitExit(c, (stepS + 90) * 1000)));
  const end = Date.now();
  let sent = 0;
  for (let i = 1; i <= CAMERAS; i++) {
    const rows = readGrowingCsv(path.join(metrics, `camera-${rate}-${i}`, "throughput.csv"));
    for (const r of rows) sent += Number(r.sent);
  }
  sentSoFar += sent;
  const inSink = () => JSON.parse(fs.readFileSync(path.join(metrics, "in-sink", "summary.json"), "utf8")).received as number;
  const drained = codes.every((c) => c === 0) && (await until(() => inSink() >= sentSoFar, 20000));
  // Let the last windows of the step come out (idle flush + out-of-orderness + margin).
  await new Promise((r) => setTimeout(r, 4000));

  // Camera send rate over the seconds it was sending (its schedule is absolute, so lag shows as a deficit).
  const achieved = sent / stepS;
  const steadyFrom = start + 3000;
  const steadyTo = end - 1000;
  const out = readGrowingCsv(path.join(metrics, "out-sink", "latency.csv"))
    .filter((r) => Number(r.windowStart) >= steadyFrom && Number(r.windowEnd) <= steadyTo);
  const third = (steadyTo - steadyFrom) / 3;
  const e2eOf = (from: number, to: number) =>
    out.filter((r) => Number(r.windowStart) >= from && Number(r.windowStart) < to).map((r) => Number(r.latencyMs));
  const inRows = readGrowingCsv(path.join(metrics, "in-sink", "latency.csv"))
    .filter((r) => Number(r.sentTs) >= steadyFrom && Number(r.sentTs) <= steadyTo);
  const gwRows = Array.from({ length: GATEWAYS }, (_, g) => readGrowingCsv(path.join(metrics, `gateway-${g + 1}`, "latency.csv")))
    .flat()
    .filter((r) => Number(r.sentTs) >= steadyFrom && Number(r.sentTs) <= steadyTo);
  const e2e = pcts(out.map((r) => Number(r.latencyMs)));
  const firstP50 = pcts(e2eOf(steadyFrom, steadyFrom + third)).p50;
  const lastP50 = pcts(e2eOf(steadyTo - third, steadyTo)).p50;
  const stable = achieved >= 0.95 * rate && drained && e2e.n > 0 && e2e.p99 <= P99_BOUND_MS && lastP50 <= firstP50 + 250;
  return {
    rate, achieved, drained, e2e, e2eFirstThirdP50: firstP50, e2eLastThirdP50: lastP50,
    fogToCloud: pcts(inRows.map((r) => Number(r.latencyMs))),
    edgeToKafka: pcts(gwRows.map((r) => Number(r.latencyMs))),
    stable,
  };
}

function show(s: Step): string {
  const f = (p: ReturnType<typeof pcts>) => `p50 ${p.p50} p90 ${p.p90} p99 ${p.p99} max ${p.max} (n=${p.n})`;
  return [
    `rate ${s.rate} fps target, ${s.achieved.toFixed(1)} fps sent, drained=${s.drained}, stable=${s.stable}`,
    `  end-to-end window latency ms: ${f(s.e2e)}; p50 first third ${s.e2eFirstThirdP50}, last third ${s.e2eLastThirdP50}`,
    `  fog-to-cloud ms:              ${f(s.fogToCloud)}`,
    `  camera-to-Kafka-ack ms:       ${f(s.edgeToKafka)}`,
  ].join("\n");
}

async function main(): Promise<void> {
  const missing = missingPrerequisites();
  if (missing.length) throw new Error(`prerequisites missing, run scripts/services/install.sh: ${missing.join("; ")}`);
  execFileSync("npx", ["tsc", "-p", "workloads/tsconfig.json"], { cwd: REPO, stdio: "inherit" });
  const ports = [await freePort(), await freePort()];
  const [zk, kafka, rpc, rest] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const brokers = `127.0.0.1:${kafka}`;
  try {
    await Promise.all([
      ...ports.map((p, g) => script("start-mosquitto.sh", [path.join(services, `mosquitto-${g + 1}`), String(p)])),
      script("start-zookeeper.sh", [path.join(services, "zookeeper"), String(zk)]),
      script("start-flink.sh", [path.join(services, "flink"), String(rpc), String(rest), "2"]),
    ]);
    await script("start-kafka.sh", [path.join(services, "kafka"), String(kafka), String(zk)]);
    for (const t of ["in-uni-data", "out-uni-data"]) {
      await script("kafka-topics.sh", [brokers, "--create", "--topic", t, "--partitions", "4", "--replication-factor", "1"]);
    }
    await script("submit-flink-job.sh", [path.join(services, "flink/conf"), "2", brokers, "in-uni-data", "out-uni-data", brokers, String(WINDOW_S), "500", "1000"]);
    node("in-sink", "in-sink", ["--kafka", brokers, "--topic", "in-uni-data", "--metrics", path.join(metrics, "in-sink")]);
    node("out-sink", "out-sink", ["--kafka", brokers, "--topic", "out-uni-data", "--metrics", path.join(metrics, "out-sink")]);
    ports.forEach((p, g) =>
      node(`gateway-${g + 1}`, "gateway", [
        "--id", `gateway-${g + 1}`, "--mqtt", `tcp://127.0.0.1:${p}`, "--mqtt-topic", "frames",
        "--kafka", brokers, "--kafka-topic", "in-uni-data", "--metrics", path.join(metrics, `gateway-${g + 1}`),
      ]),
    );
    await until(() => ["in-sink", "out-sink", "gateway-1", "gateway-2"].every((d) => fs.existsSync(path.join(metrics, d, "summary.json"))), 60000);
    await new Promise((r) => setTimeout(r, 5000)); // consumer groups join

    const attempt = async (rate: number): Promise<Step> => {
      let s = await runStep(rate, ports, brokers);
      console.log(show(s));
      if (!s.stable) {
        console.log(`  (retrying ${rate} fps once)`);
        s = await runStep(rate, ports, brokers);
        console.log(show(s));
      }
      return s;
    };
    let best: Step | undefined;
    let failed: number | undefined;
    for (const rate of rates) {
      const s = await attempt(rate);
      if (!s.stable) {
        failed = rate;
        break;
      }
      best = s;
    }
    if (!best) throw new Error(`no rate was sustained, not even ${rates[0]} fps`);
    if (failed === undefined) console.log(`\nevery rate up to ${best.rate} fps was sustained: the limit is above the ladder (--rates)`);
    for (let i = 0; i < 2 && failed !== undefined; i++) {
      const mid = Math.round((best.rate + failed) / 2 / CAMERAS) * CAMERAS;
      if (mid <= best.rate || mid >= failed) break;
      const s = await attempt(mid);
      if (s.stable) best = s;
      else failed = mid;
    }
    const half = await runStep(best.rate / 2, ports, brokers);
    console.log("\n" + show(half));
    console.log(`\nRESULT highest sustained rate: ${best.rate} fps total (${best.rate / CAMERAS} fps x ${CAMERAS} cameras, 80x60 frames), ` +
      `end-to-end p99 ${best.e2e.p99} ms`);
    console.log(`RESULT at half that rate (${half.rate} fps): end-to-end window latency p50 ${half.e2e.p50} / p90 ${half.e2e.p90} / p99 ${half.e2e.p99} ms; ` +
      `fog-to-cloud p50 ${half.fogToCloud.p50} / p99 ${half.fogToCloud.p99} ms; camera-to-Kafka-ack p50 ${half.edgeToKafka.p50} / p99 ${half.edgeToKafka.p99} ms`);
    console.log(`(work folder: ${work})`);
  } finally {
    await procs.killAll();
    await stopAllUnder(services);
  }
}

main().catch((e) => {
  console.error(`bench:pipeline: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
