import * as fs from "fs";
import * as path from "path";

/**
 * What a results folder says about how its run went, beyond the metrics themselves: each program's
 * `summary.json` (its totals and whether it was finalised), the hosts' workflow records (when each was
 * stopped, which detached tasks had ended before), the rendered commands of those tasks, and `missing.txt`.
 */

/** One program's `summary.json`, with where it came from. */
export interface ProgramSummary {
  role: "producer" | "gateway" | "in-sink" | "out-sink";
  /** Host the file was fetched from (`<dest>/<host>/<path>`), when the layout says it. */
  host?: string;
  /** Its folder relative to the results (as the report names producers and gateways). */
  id: string;
  file: string;
  values: Record<string, unknown>;
}

/** A detached task that had ended before the stop (workflow record `exited`). */
export interface EarlyExit {
  host: string;
  tag: string;
  /** UTC time it ended, or undefined when its wrapper could not record it. */
  at?: string;
  /** Exit status (128 + n for signal n), or undefined when unknown. */
  status?: number;
  /** The task's rendered command, from workflow-validate.out. */
  command?: string;
}

/** An event the run watcher saw during the run (`watch.log`, written by lifecycle/runWatcher.ts). */
export interface WatchedEvent {
  at: string;
  host: string;
  kind: string;
  subject: string;
  detail: string;
  fatal: boolean;
}

export interface RunEvidence {
  summaries: ProgramSummary[];
  /** Per host: when its stop began (ms since epoch). */
  stops: { host: string; at: number }[];
  exits: EarlyExit[];
  /** run.yaml's `stopped` (ms since epoch), the planned end of the wait. */
  plannedStop?: number;
  launchStarted?: number;
  /** Lines of missing.txt: `time\thost\titem\treason`. */
  missing: { at: string; host: string; item: string; reason: string }[];
  watched: WatchedEvent[];
  /**
   * Camera -> gateway id as the workflow wired them (the camera's `--broker` is the gateway's `--mqtt`), from
   * the rendered commands: a gateway that died before forwarding anything still gets its cameras' losses.
   */
  cameraGateways: Map<string, string>;
  /** Scheduled faults as they happened (`faults.log`, written by lifecycle/faultRunner.ts). */
  faults: { scheduledS: number; host: string; startedAt: string; endedAt: string; outcome: string; description: string; detail: string }[];
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

const ROLE_ROOTS: [ProgramSummary["role"], string][] = [
  ["producer", "producers"],
  ["gateway", "gateways"],
  ["in-sink", path.join("sinks", "in-sink")],
  ["out-sink", path.join("sinks", "out-sink")],
];

function readSummaries(dir: string): ProgramSummary[] {
  const results = path.join(dir, "experiment-results");
  const out: ProgramSummary[] = [];
  for (const [role, sub] of ROLE_ROOTS) {
    const root = path.join(results, sub);
    for (const file of walk(root).filter((f) => path.basename(f) === "summary.json")) {
      const rel = path.relative(root, path.dirname(file));
      let values: Record<string, unknown>;
      try {
        values = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch (e) {
        values = { unreadable: (e as Error).message };
      }
      // Fetched as Ansible does: `<dest>/<host>/<source path>`; a flat fetch has no host segment.
      const host = rel.includes(path.sep) ? rel.split(path.sep)[0] : undefined;
      out.push({ role, host, id: rel || path.basename(root), file, values });
    }
  }
  return out;
}

/** `e2c_record` lines: time, step, task, outcome (tab-separated). */
function readWorkflowRecords(dir: string): { host: string; at: string; step: string; task: string; outcome: string }[] {
  const wf = path.join(dir, "workflow");
  if (!fs.existsSync(wf)) return [];
  return fs
    .readdirSync(wf)
    .filter((f) => f.endsWith(".log"))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(wf, f), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => {
          const [at, step, task, ...rest] = l.split("\t");
          return { host: path.basename(f, ".log"), at, step, task, outcome: rest.join("\t") };
        }),
    );
}

/** Detached task tag -> its rendered command, from the `log=<dir>/<tag>.log` of workflow-validate.out. */
function detachedCommands(dir: string): Map<string, string> {
  const file = path.join(dir, "workflow-validate.out");
  const map = new Map<string, string>();
  if (!fs.existsSync(file)) return map;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /\| detached pid=\d+ limit=\d+s log=\S*\/([^/\s]+)\.log \|/.exec(line);
    if (!m) continue;
    const fields = line.split(" | ");
    // play | host | phase | step | task | command [async ...] | outcome | time
    const command = fields.slice(5, -2).join(" | ").replace(/\s+\[async \d+s, poll \d+\]$/, "");
    map.set(m[1], command);
  }
  return map;
}

function cameraGateways(commands: Iterable<string>): Map<string, string> {
  const flag = (c: string, name: string) => new RegExp(`--${name}[ =]'?([^\\s']+)`).exec(c)?.[1];
  const gatewayOfBroker = new Map<string, string>();
  const brokerOfCamera = new Map<string, string>();
  for (const c of commands) {
    const [camera, broker, mqtt, id] = [flag(c, "camera"), flag(c, "broker"), flag(c, "mqtt"), flag(c, "id")];
    if (camera && broker) brokerOfCamera.set(camera, broker);
    if (mqtt && id) gatewayOfBroker.set(mqtt, id);
  }
  const out = new Map<string, string>();
  for (const [camera, broker] of brokerOfCamera) if (gatewayOfBroker.has(broker)) out.set(camera, gatewayOfBroker.get(broker)!);
  return out;
}

function runYamlTime(dir: string, key: string): number | undefined {
  const file = path.join(dir, "run.yaml");
  if (!fs.existsSync(file)) return undefined;
  const m = new RegExp(`^${key}:\\s*(\\S+)`, "m").exec(fs.readFileSync(file, "utf8"));
  const t = m ? Date.parse(m[1]) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

export function readRunEvidence(dir: string): RunEvidence {
  const records = readWorkflowRecords(dir);
  const commands = detachedCommands(dir);
  const exits: EarlyExit[] = records
    .filter((r) => r.step === "exited")
    .map((r) => {
      const at = /at=(\S+)/.exec(r.outcome)?.[1];
      const rc = /rc=(\d+)/.exec(r.outcome)?.[1];
      return { host: r.host, tag: r.task, at: at && at !== "unknown" ? at : undefined, status: rc !== undefined ? Number(rc) : undefined, command: commands.get(r.task) };
    });
  const stops = records.filter((r) => r.step === "stop").map((r) => ({ host: r.host, at: Date.parse(r.at) })).filter((s) => Number.isFinite(s.at));
  const missingFile = path.join(dir, "missing.txt");
  const missing = fs.existsSync(missingFile)
    ? fs
        .readFileSync(missingFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => {
          const [at, host, item, reason] = l.split("\t");
          return { at, host, item: item ?? l, reason: reason ?? "" };
        })
    : [];
  const watchFile = path.join(dir, "watch.log");
  const watched = fs.existsSync(watchFile)
    ? fs
        .readFileSync(watchFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => {
          const [at, host, kind, subject, detail, fatal] = l.split("\t");
          return { at, host, kind, subject, detail, fatal: fatal === "fatal" };
        })
    : [];
  const faultsFile = path.join(dir, "faults.log");
  const faults = fs.existsSync(faultsFile)
    ? fs
        .readFileSync(faultsFile, "utf8")
        .split("\n")
        .slice(1)
        .filter(Boolean)
        .map((l) => {
          const [scheduledS, host, startedAt, endedAt, outcome, description, detail] = l.split("\t");
          return { scheduledS: Number(scheduledS), host, startedAt, endedAt, outcome, description, detail: detail ?? "" };
        })
    : [];
  return { faults, cameraGateways: cameraGateways(commands.values()), watched, summaries: readSummaries(dir), stops, exits, plannedStop: runYamlTime(dir, "stopped"), launchStarted: runYamlTime(dir, "launch_started"), missing };
}
