import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalEngineBackend } from "../lifecycle/localEngineBackend";
import { StackWorkspace } from "../lifecycle/stackWorkspace";
import { EngineRecord } from "../testbed/engine/localEngine";
import { Diagnostics } from "../model/diagnostic";
import { loadStackFile } from "../model/loadStack";
import { writeLocalStackCopy } from "../testbed/localStackCopy";
import { ensureLocalHosts, localHostsOf, publicKeyOf, removeLocalHosts } from "../testbed/localHosts";

/**
 * `npm run bench:local`: deploys the local stack with the local engine onto fresh bare hosts, twice, and
 * measures the time from the start of each deployment to the first end-to-end record (a window result at
 * the out-sink), split by phase (host bootstrap and image distribution included), beside the readiness
 * time of the critical path alone (ZooKeeper -> Kafka -> topics -> Flink -> job -> gateways -> producers,
 * each resource's own create time, in sequence), and the image bytes sent to each host. The first
 * deployment finds bare hosts; the second finds what the first installed and sent. Needs dockerd, the
 * images and Debian's mirror.
 */
const PROJECT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const COLLECTOR = "e2c-collector";
const OUT_SINK = "/opt/e2c/metrics/out-sink/latency.csv";

interface Sample {
  /** Image bytes sent to each host. */
  bytes: Record<string, number>;
  firstRecord: number;
  phases: Record<string, number>;
  critical: Record<string, number>;
  criticalTotal: number;
}

function phaseOf(r: EngineRecord): string {
  if (r.name.endsWith("-bootstrap-packages")) return "host bootstrap";
  if (/-images-/.test(r.name)) return "image distribution";
  if (r.type === "docker:index/container:Container") return "service containers";
  if (/^p\d+\.prepare\./.test(r.name)) return "prepare steps";
  if (/^p\d+\.launch\./.test(r.name)) return "launch steps";
  if (r.name.endsWith("-netem-tc")) return "network rules";
  if (r.name.endsWith("-dstat")) return "monitoring";
  return "bookkeeping";
}

/**
 * Whether the out-sink on the collector host has written a window result since `sinceMs` (the host keeps
 * the previous deployment's file until the new out-sink starts and rewrites it).
 */
function outSinkHasRecord(sinceMs: number): boolean {
  const test = `[ $(stat -c %Y ${OUT_SINK} 2>/dev/null || echo 0) -ge ${Math.floor(sinceMs / 1000)} ] && [ $(wc -l < ${OUT_SINK}) -gt 1 ]`;
  const r = spawnSync("docker", ["exec", COLLECTOR, "sh", "-c", test]);
  return r.status === 0;
}

async function once(work: string, workspace: StackWorkspace): Promise<Sample> {
  const stackFile = writeLocalStackCopy(PROJECT, work, path.join(work, "results"));
  const backend = new LocalEngineBackend(PROJECT, "local", stackFile, workspace);
  const t0 = Date.now();
  let firstRecord = NaN;
  let polling = false;
  const poll = setInterval(() => {
    if (!Number.isNaN(firstRecord) || polling) return;
    polling = true;
    if (outSinkHasRecord(t0)) firstRecord = (Date.now() - t0) / 1000;
    polling = false;
  }, 500);
  const records: EngineRecord[] = [];
  let runDir = "";
  try {
    const out = await backend.up({ E2C_DURATION: "60" }, () => undefined);
    runDir = String(out.resultsFolder);
    records.push(...backend.records);
    for (let i = 0; i < 600 && Number.isNaN(firstRecord); i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    clearInterval(poll);
    await backend.destroy(() => undefined);
  }
  const bytes: Record<string, number> = {};
  const imagesDir = path.join(runDir, "images");
  for (const f of fs.existsSync(imagesDir) ? fs.readdirSync(imagesDir) : []) {
    const rows = fs.readFileSync(path.join(imagesDir, f), "utf8").trim().split("\n").map((l) => l.split("\t"));
    bytes[f.replace(/\.tsv$/, "")] = rows.reduce((n, r) => n + Number(r[3] ?? 0), 0);
  }
  // Phase: from the deployment's start to the last of its resources done.
  const phases: Record<string, number> = {};
  for (const r of records) phases[phaseOf(r)] = Math.max(phases[phaseOf(r)] ?? 0, (r.createdMs - t0) / 1000);
  const own = (pred: (r: EngineRecord) => boolean) => Math.max(0, ...records.filter(pred).map((r) => r.createSeconds));
  const critical: Record<string, number> = {
    "ZooKeeper (healthy)": own((r) => r.name === "cloud.kafka.1.zookeeper.1"),
    "Kafka broker (healthy)": own((r) => r.name === "cloud.kafka.1.leader.1"),
    "topics": own((r) => r.name.startsWith("p1.prepare.")),
    "Flink JobManager (healthy)": own((r) => r.name === "cloud.flink.1.job_manager.1"),
    "Flink TaskManager (registered)": own((r) => r.name === "cloud.flink.1.task_manager.1"),
    "job submitted": own((r) => r.name.startsWith("p2.launch.")),
    "gateways started": own((r) => r.name.startsWith("p3.launch.")),
    "producers started": own((r) => r.name.startsWith("p4.launch.")),
  };
  return { bytes, firstRecord, phases, critical, criticalTotal: Object.values(critical).reduce((a, b) => a + b, 0) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function print(title: string, samples: Sample[]): void {
  const m = (f: (s: Sample) => number) => median(samples.map(f)).toFixed(1);
  console.log(`${title}: ${samples.length} run(s), ${os.cpus().length} CPUs; medians in seconds from the start of the deployment`);
  console.log("phase done at:");
  for (const k of Object.keys(samples[0].phases).sort((a, b) => samples[0].phases[a] - samples[0].phases[b])) console.log(`  ${k.padEnd(28)} ${m((s) => s.phases[k] ?? NaN).padStart(6)}`);
  console.log(`first end-to-end record       ${m((s) => s.firstRecord).padStart(6)}`);
  console.log("critical path alone (each step's own time, in sequence):");
  for (const k of Object.keys(samples[0].critical)) console.log(`  ${k.padEnd(28)} ${m((s) => s.critical[k]).padStart(6)}`);
  console.log(`  ${"total".padEnd(28)} ${m((s) => s.criticalTotal).padStart(6)}`);
  console.log(`deploy-to-first-record / critical path: ${median(samples.map((s) => s.firstRecord / s.criticalTotal)).toFixed(2)}x`);
  console.log("image bytes sent per host (MB):");
  for (const h of Object.keys(samples[0].bytes).sort()) console.log(`  ${h.padEnd(28)} ${(median(samples.map((s) => s.bytes[h] ?? 0)) / 1e6).toFixed(1).padStart(8)}`);
}

(async () => {
  const first: Sample[] = [];
  const second: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-bench-local-"));
    // One tool home for both deployments: the same key, as a user's second run.
    const workspace = new StackWorkspace(PROJECT, "local", path.join(work, "home"));
    workspace.ensure();
    const spec = localHostsOf(loadStackFile(writeLocalStackCopy(PROJECT, work, path.join(work, "results")), new Diagnostics())!);
    removeLocalHosts(spec);
    try {
      await ensureLocalHosts(spec, publicKeyOf(workspace.sshKeyFile));
      first.push(await once(fs.mkdtempSync(path.join(work, "first-")), workspace));
      second.push(await once(fs.mkdtempSync(path.join(work, "second-")), workspace));
    } finally {
      removeLocalHosts(spec);
    }
  }
  print("bench:local, first deployment (bare hosts)", first);
  console.log();
  print("bench:local, second deployment (same hosts)", second);
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
