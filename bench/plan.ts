import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planFromFiles } from "../planner/planFromFiles";

/**
 * `npm run bench:plan`: planning time (load + check + plan) of the seed and of scaled variants
 * (producer hosts x1, x2, x5, x10), medians over repeated runs in one process, plus the cold first run.
 */
const SEED = path.join(__dirname, "..", "configs", "cctv");
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function variant(scale: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `e2c-bench-x${scale}-`));
  for (const f of fs.readdirSync(SEED)) fs.copyFileSync(path.join(SEED, f), path.join(dir, f));
  const ls = path.join(dir, "layers_services.yaml");
  fs.writeFileSync(ls, fs.readFileSync(ls, "utf8").replace("repeat: 7", `repeat: ${8 * scale - 1}`));
  const hostCount = 7 + 8 * scale;
  const hosts = Array.from({ length: hostCount }, (_, i) => `    - name: node-${i + 1}\n      address: 10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  const stack = path.join(dir, "Pulumi.bench.yaml");
  fs.writeFileSync(stack, `config:\n  edge2cloud:scenario: ${dir}\n  edge2cloud:hosts:\n${hosts.join("\n")}\n`);
  return stack;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const rows: { scale: number; hosts: number; producers: number; steps: number; cold: number; median: number }[] = [];
for (const scale of [1, 2, 5, 10]) {
  const stackFile = variant(scale);
  const times: number[] = [];
  let last;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = process.hrtime.bigint();
    last = planFromFiles({ stackFile });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  rows.push({ scale, hosts: last!.hosts.length, producers: last!.producers.length, steps: last!.steps.length, cold: times[0], median: median(times.slice(1)) });
}
const base = rows[0];
console.log(`bench:plan  node ${process.version}, ${os.cpus().length} CPUs, ${RUNS} runs per variant after one cold run`);
console.log("variant  hosts  producers  steps  cold ms  median ms  median/x1  per producer host us");
for (const r of rows) {
  console.log(
    [`x${r.scale}`.padEnd(7), String(r.hosts).padStart(5), String(r.producers).padStart(10), String(r.steps).padStart(6), r.cold.toFixed(1).padStart(8), r.median.toFixed(2).padStart(10), (r.median / base.median).toFixed(2).padStart(10), ((r.median * 1000) / (8 * r.scale)).toFixed(0).padStart(21)].join("  "),
  );
}
