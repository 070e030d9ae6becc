/**
 * `npm run bench:program`: evaluates the Pulumi program (index.ts) under runtime mocks for the dev and x10
 * stacks and prints the evaluation time and what the program declares: resources per type, and how many
 * of them open SSH sessions to hosts at `pulumi up` and at `pulumi destroy`.
 *
 * Each run is a fresh process (as `pulumi up` runs the program once per process); evaluation time is
 * from requiring index.ts to the last resource registration answered, which includes transpiling the
 * project's TypeScript. Targets: dev < 3 s, x10 < 15 s.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STACKS = (process.env.BENCH_STACKS ?? "dev,x10").split(",");
const TARGET_S: Record<string, number> = { dev: 3, x10: 15 };

interface ChildResult {
  stack: string;
  seconds: number;
  /** Loading and transpiling the program's modules (TypeScript compiler, @pulumi/*, project files). */
  loadSeconds: number;
  resources: number;
  byType: Record<string, number>;
  sshAtUp: number;
  sshAtDestroy: number;
  dockerProviders: number;
  hosts: number;
  producers: number;
}

async function child(stack: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  // Everything index.ts imports is loaded (and transpiled) first and timed apart: Pulumi pays that once
  // per process whatever the stack's size; the evaluation is what grows with the testbed.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { evaluateProgram, reveal } = require("../tests/program/mockProgram") as typeof import("../tests/program/mockProgram");
  for (const m of ["../components", "../model/loadStack", "../model/loadScenario", "../planner/planExperiment", "@pulumi/command", "@pulumi/docker", "@pulumi/random"]) require(m);
  for (const m of ["@pulumi/command/local", "@pulumi/command/remote", "@pulumi/docker/container", "@pulumi/docker/provider", "@pulumi/docker/remoteImage", "@pulumi/random/randomString"]) require(m);
  /* eslint-enable @typescript-eslint/no-require-imports */
  const loadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (f: string) => require(f);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { planFromFiles } = require("../planner/planFromFiles") as typeof import("../planner/planFromFiles");
  const ev = await evaluateProgram(stack, load);
  const byType: Record<string, number> = {};
  for (const r of ev.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  const text = (v: unknown) => (v === undefined ? "" : String(reveal(v)));
  // A local command opens SSH sessions when its script targets a host ("$TARGET").
  const sshLocal = (field: string) =>
    ev.resources.filter((r) => r.type === "command:local:Command" && text(r.raw[field]).includes('"$TARGET"')).length;
  const remote = ev.resources.filter((r) => r.type === "command:remote:Command" || r.type === "command:remote:CopyToRemote").length;
  const plan = planFromFiles({ stackFile: path.join(__dirname, "..", `Pulumi.${stack}.yaml`) });
  const result: ChildResult = {
    stack,
    seconds: ev.seconds,
    loadSeconds,
    resources: ev.resources.length,
    byType,
    sshAtUp: remote + sshLocal("create"),
    sshAtDestroy: sshLocal("delete"),
    dockerProviders: byType["pulumi:providers:docker"] ?? 0,
    hosts: plan.hosts.length,
    producers: plan.producers.length,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const results: ChildResult[][] = [];
  for (const stack of STACKS) {
    const runs: ChildResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      const out = spawnSync(process.execPath, [...process.execArgv, __filename, "--child", stack], {
        encoding: "utf8",
        cwd: path.join(__dirname, ".."),
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        maxBuffer: 16 * 1024 * 1024,
      });
      if (out.status !== 0) {
        process.stderr.write(out.stderr);
        process.exit(1);
      }
      runs.push(JSON.parse(out.stdout.trim().split("\n").pop()!));
    }
    results.push(runs);
  }
  console.log(`program evaluation under Pulumi mocks (node ${process.version}, ${RUNS} fresh processes per stack, median)`);
  console.log("stack  hosts  producers  resources  ssh-at-up  ssh-at-destroy  docker-providers  load-s  eval-s (min..max)  target");
  for (const runs of results) {
    const r = runs[0];
    const secs = runs.map((x) => x.seconds);
    const m = median(secs);
    const target = TARGET_S[r.stack];
    console.log(
      [
        r.stack.padEnd(5),
        String(r.hosts).padStart(5),
        String(r.producers).padStart(10),
        String(r.resources).padStart(10),
        String(r.sshAtUp).padStart(10),
        String(r.sshAtDestroy).padStart(15),
        String(r.dockerProviders).padStart(17),
        median(runs.map((x) => x.loadSeconds)).toFixed(2).padStart(6),
        `${m.toFixed(2)} (${Math.min(...secs).toFixed(2)}..${Math.max(...secs).toFixed(2)})`.padStart(18),
        target ? `${m < target ? "<" : ">="} ${target} s ${m < target ? "ok" : "MISSED"}` : "",
      ].join("  "),
    );
  }
  for (const runs of results) {
    console.log(`\n${runs[0].stack}: resources by type`);
    for (const [t, n] of Object.entries(runs[0].byType).sort()) console.log(`  ${t.padEnd(42)} ${n}`);
  }
  const missed = results.filter((runs) => {
    const t = TARGET_S[runs[0].stack];
    return t !== undefined && median(runs.map((x) => x.seconds)) >= t;
  });
  if (missed.length) process.exit(2);
}

const i = process.argv.indexOf("--child");
if (i >= 0) {
  child(process.argv[i + 1]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else main();
