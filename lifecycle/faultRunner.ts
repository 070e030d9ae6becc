import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { faultScripts } from "../components/faultScripts";
import { WatchTarget } from "../components/watchProbe";
import { PlannedFault } from "../planner/faultPlan";

/** One fault as it happened on one host (a line of `<run>/faults.log`). */
export interface FaultRecord {
  /** Seconds after launch it was scheduled at. */
  scheduledS: number;
  host: string;
  /** The host's clock when the action began and ended; empty when it never ran. */
  startedAt: string;
  endedAt: string;
  /** Exit status of the action, or `not-run` / `unreachable`. */
  outcome: string;
  description: string;
  detail: string;
}

/** How long a restored host has to answer over SSH again. */
const RESTORE_ANSWER_MS = 60_000;

export const FAULTS_LOG_HEADER = "scheduledS\thost\tstartedAt\tendedAt\toutcome\tdescription\tdetail";

/**
 * Runs the planned faults at their times after launch, each over one SSH session to its host (the
 * watch targets' `ssh`), and records each with the host's own times in `faults.log`.
 */
export class FaultRunner {
  readonly records: FaultRecord[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running: Promise<void>[] = [];
  private readonly pending = new Set<PlannedFault>();

  constructor(
    private readonly faults: PlannedFault[],
    private readonly targets: WatchTarget[],
    private readonly o: { allowMissingNetem: boolean; logFile?: string; log?: (line: string) => void },
  ) {}

  /** Schedules every fault relative to now (the end of launch). */
  /** When the faults were scheduled from (the end of launch, this machine's clock). */
  private startedAt?: number;

  start(): void {
    this.startedAt = Date.now();
    if (this.o.logFile) {
      fs.mkdirSync(path.dirname(this.o.logFile), { recursive: true });
      fs.writeFileSync(this.o.logFile, FAULTS_LOG_HEADER + "\n");
    }
    for (const f of this.faults) {
      this.pending.add(f);
      this.timers.push(
        setTimeout(() => {
          this.pending.delete(f);
          this.running.push(this.run(f));
        }, f.atMs),
      );
    }
  }

  /** Faults not yet due are recorded as not run; the ones under way are awaited. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const f of this.pending) this.record({ scheduledS: f.atMs / 1000, host: "host" in f ? f.host : "-", startedAt: "", endedAt: "", outcome: "not-run", description: f.description, detail: "the run ended first" });
    this.pending.clear();
    await Promise.all(this.running);
  }

  private async run(f: PlannedFault): Promise<void> {
    const experimentId = this.targets[0]?.experimentId ?? "";
    await Promise.all(
      faultScripts(f, experimentId, this.o.allowMissingNetem).map(async ({ host, script, asRoot }) => {
        const t = this.targets.find((x) => x.host === host);
        if (!t) {
          this.record({ scheduledS: f.atMs / 1000, host, startedAt: "", endedAt: "", outcome: "unreachable", description: f.description, detail: "no watch target for the host" });
          return;
        }
        const user = t.ssh[t.ssh.length - 1].split("@")[0];
        const remote = asRoot && user !== "root" ? "sudo -n bash -s" : "bash -s";
        let res = await runOver(t.ssh, remote, script, 300_000);
        // A restored host brings its network back itself, at about this time: it is given a minute to answer.
        for (const until = Date.now() + RESTORE_ANSWER_MS; f.kind === "restore_host" && res.status === 255 && !/^E2C_FAULT_START/m.test(res.stdout) && Date.now() < until; ) {
          await new Promise((r) => setTimeout(r, 1000));
          res = await runOver(t.ssh, remote, script, 300_000);
        }
        const stampOf = (w: string) => new RegExp(`^E2C_FAULT_${w} (\\S+)$`, "m").exec(res.stdout)?.[1] ?? "";
        const rest = (res.stdout + res.stderr).split("\n").filter((l) => l && !l.startsWith("E2C_FAULT_"));
        this.record({
          scheduledS: f.atMs / 1000,
          host,
          startedAt: stampOf("START"),
          endedAt: stampOf("END"),
          outcome: res.status === 255 && !stampOf("START") ? "unreachable" : String(res.status ?? "timeout"),
          description: f.description,
          detail: rest.slice(-2).join(" | "),
        });
      }),
    );
  }

  private record(r: FaultRecord): void {
    this.records.push(r);
    if (this.o.logFile) fs.appendFileSync(this.o.logFile, [r.scheduledS, r.host, r.startedAt, r.endedAt, r.outcome, r.description, r.detail.replace(/[\t\n]/g, " ")].join("\t") + "\n");
    this.o.log?.(`fault at +${r.scheduledS}s on ${r.host}: ${r.description}: ${r.outcome}${r.startedAt ? ` (${r.startedAt} -> ${r.endedAt})` : ""}${r.detail ? ` ${r.detail}` : ""}`);
  }

  /** Whether a watch event on `host` about `subject` at `at` is what a scheduled fault did. */
  explains(host: string, subject: string, at?: string): PlannedFault | undefined {
    // Whatever the watch sees of a removed host from its removal on (silent, its tasks and containers gone,
    // started again) is the removal; before it, the host's events are its own.
    const t = at ? Date.parse(at) : NaN;
    const removal = this.faults.find((f) => f.kind === "remove_host" && f.host === host && (this.startedAt === undefined || !Number.isFinite(t) || t >= this.startedAt + f.atMs - 1000));
    if (removal) return removal;
    return this.faults.find(
      (f) =>
        (f.kind === "container" || f.kind === "application") &&
        f.host === host &&
        (subject === `container ${f.container}` || (f.kind === "application" && subject.startsWith(`task ${f.step.id.replace(/[^A-Za-z0-9._-]/g, "_")}-t${f.task}`))),
    ) ?? this.faults.find((f) => f.kind === "link_down" && f.host === host && subject === `host ${host}`);
  }
}

function runOver(argv: string[], remote: string, script: string, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], [...argv.slice(1), remote], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) => resolve({ status: 255, stdout, stderr: stderr + e.message }));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ status: code, stdout, stderr });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(script);
  });
}
