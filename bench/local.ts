import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalEngineBackend } from "../lifecycle/localEngineBackend";
import { StackWorkspace } from "../lifecycle/stackWorkspace";
import { EngineRecord } from "../testbed/engine/localEngine";
import { writeLocalStackCopy } from "../testbed/localStackCopy";

/**
 * `npm run bench:local`: deploys the local stack with the local engine and measures the time from the start
 * of the deployment to the first end-to-end record (a window result at the out-sink), split by phase,
 * beside the readiness time of the critical path alone (ZooKeeper -> Kafka -> topics -> Flink -> job ->
 * gateways -> producers, each resource's own create time, in sequence). Needs dockerd and the images.
 */
const PROJECT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const OUT_SINK = "/var/tmp/e2c-local/e2c-collector/metrics/out-sink/latency.csv";

interface Sample {
  firstRecord: number;
  phases: Record<string, number>;
  critical: Record<string, number>;
  criticalTotal: number;
}

function phaseOf(r: EngineRecord): string {
  if (r.name.endsWith("-host") || r.type === "docker:index/network:Network") return "emulated hosts";
  if (r.type === "docker:index/container:Container") return "service containers";
  if (/^p\d+\.prepare\./.test(r.name)) return "prepare steps";
  if (/^p\d+\.launch\./.test(r.name)) return "launch steps";
  if (r.name.endsWith("-netem-tc")) return "network rules";
  if (r.name.endsWith("-dstat")) return "monitoring";
  return "bookkeeping";
}

async function once(work: string): Promise<Sample> {
  const stackFile = writeLocalStackCopy(PROJECT, work, path.join(work, "results"));
  const backend = new LocalEngineBackend(PROJECT, "local", stackFile, new StackWorkspace(PROJECT, "local", path.join(work, "home")));
  const t0 = Date.now();
  let firstRecord = NaN;
  const poll = setInterval(() => {
    if (Number.isNaN(firstRecord) && fs.existsSync(OUT_SINK) && fs.readFileSync(OUT_SINK, "utf8").trim().split("\n").length > 1) firstRecord = (Date.now() - t0) / 1000;
  }, 100);
  const records: EngineRecord[] = [];
  try {
    await backend.up({ E2C_DURATION: "60" }, () => undefined);
    records.push(...backend.records);
    for (let i = 0; i < 600 && Number.isNaN(firstRecord); i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    clearInterval(poll);
    await backend.destroy(() => undefined);
  }
  // Phase: from the deployment's start to the last of its resources done.
  const phases: Record<string, number> = {};
  for (const r of records) phases[phaseOf(r)] = Math.max(phases[phaseOf(r)] ?? 0, (r.createdMs - t0) / 1000);
  const own = (pred: (r: EngineRecord) => boolean) => Math.max(0, ...records.filter(pred).map((r) => r.createSeconds));
  const critical: Record<string, number> = {
    "ZooKeeper (healthy)": own((r) => r.name === "cloud.kafka.2.zookeeper.1"),
    "Kafka broker (healthy)": own((r) => r.name === "cloud.kafka.2.leader.1"),
    "topics": own((r) => r.name.startsWith("p1.prepare.")),
    "Flink JobManager (healthy)": own((r) => r.name === "cloud.flink.1.job_manager.1"),
    "Flink TaskManager (registered)": own((r) => r.name === "cloud.flink.1.task_manager.1"),
    "job submitted": own((r) => r.name.startsWith("p2.launch.")),
    "gateways started": own((r) => r.name.startsWith("p3.launch.")),
    "producers started": own((r) => r.name.startsWith("p4.launch.")),
  };
  return { firstRecord, phases, critical, criticalTotal: Object.values(critical).reduce((a, b) => a + b, 0) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

(async () => {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-bench-local-"));
    samples.push(await once(work));
  }
  const m = (f: (s: Sample) => number) => median(samples.map(f)).toFixed(1);
  console.log(`bench:local  ${RUNS} run(s), ${os.cpus().length} CPUs; medians in seconds from the start of the deployment`);
  console.log("phase done at:");
  for (const k of Object.keys(samples[0].phases).sort((a, b) => samples[0].phases[a] - samples[0].phases[b])) console.log(`  ${k.padEnd(28)} ${m((s) => s.phases[k] ?? NaN).padStart(6)}`);
  console.log(`first end-to-end record       ${m((s) => s.firstRecord).padStart(6)}`);
  console.log("critical path alone (each step's own time, in sequence):");
  for (const k of Object.keys(samples[0].critical)) console.log(`  ${k.padEnd(28)} ${m((s) => s.critical[k]).padStart(6)}`);
  console.log(`  ${"total".padEnd(28)} ${m((s) => s.criticalTotal).padStart(6)}`);
  console.log(`deploy-to-first-record / critical path: ${median(samples.map((s) => s.firstRecord / s.criticalTotal)).toFixed(2)}x (goal <= 1.5x)`);
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
