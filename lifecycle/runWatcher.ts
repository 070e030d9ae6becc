import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { probeScript, WatchTarget } from "../components/watchProbe";

/**
 * Watches the hosts while the run goes: every poll, one SSH session per host (the probe of
 * components/watchProbe.ts) reports the experiment's detached tasks and the host's service containers.
 * What changed is an event, logged with its time: a task that ended, a container that stopped, restarted
 * or disappeared, a host that stopped answering (and came back). Sessions are bounded (at most
 * `maxSessions` at once, under sshd's default MaxStartups of 10, which also applies to a jump host).
 */
export interface WatchEvent {
  /** When it happened on the host (its record), or when the watcher saw it. */
  at: string;
  host: string;
  kind: "task-ended" | "container-stopped" | "container-restarted" | "container-absent" | "host-silent" | "host-answering";
  subject: string;
  detail: string;
  /** The run can no longer be a valid measurement (a crash, a service down, a host gone). */
  fatal: boolean;
}

export interface WatcherOptions {
  intervalMs?: number;
  maxSessions?: number;
  /** Limit of one probe session (connect + run). */
  sessionTimeoutMs?: number;
  /** Polls a host may miss before it counts as silent. */
  silentAfter?: number;
  /** Appended with one TSV line per event (the run's `watch.log`). */
  eventsFile?: string;
  onEvent?: (e: WatchEvent) => void;
  /** Says when an event is what a scheduled fault did: it is then recorded as such and is not fatal. */
  explain?: (e: WatchEvent) => string | undefined;
}

interface HostState {
  tasks: Map<string, string>;
  containers: Map<string, { state: string; restarts: number; startedAt?: string }>;
  misses: number;
  silent: boolean;
}

/** Parsed probe output (see probeScript). */
export interface ProbeResult {
  now?: string;
  tasks: { tag: string; running: boolean; at?: string; status?: number }[];
  containers: { name: string; state: string; exitCode?: number; finishedAt?: string; restarts: number; startedAt?: string }[];
}

export function parseProbe(text: string): ProbeResult {
  const out: ProbeResult = { tasks: [], containers: [] };
  for (const line of text.split("\n")) {
    const f = line.split("\t");
    if (f[0] === "now") out.now = f[1];
    else if (f[0] === "task" && f[2] === "running") out.tasks.push({ tag: f[1], running: true });
    else if (f[0] === "task" && f[2] === "ended") out.tasks.push({ tag: f[1], running: false, at: f[3] !== "unknown" ? f[3] : undefined, status: /^\d+$/.test(f[4] ?? "") ? Number(f[4]) : undefined });
    else if (f[0] === "container" && f[2] === "absent") out.containers.push({ name: f[1], state: "absent", restarts: 0 });
    else if (f[0] === "container") out.containers.push({ name: f[1], state: f[2], exitCode: Number(f[3]), finishedAt: f[4], restarts: Number(f[5] ?? 0), startedAt: f[6] });
  }
  return out;
}

export class RunWatcher {
  readonly events: WatchEvent[] = [];
  private readonly state = new Map<string, HostState>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly o: Required<Omit<WatcherOptions, "eventsFile" | "onEvent" | "explain">> & WatcherOptions;

  constructor(
    private readonly targets: WatchTarget[],
    options: WatcherOptions = {},
  ) {
    this.o = { intervalMs: 5000, maxSessions: 8, sessionTimeoutMs: 25_000, silentAfter: 2, ...options };
    for (const t of targets) this.state.set(t.host, { tasks: new Map(), containers: new Map(), misses: 0, silent: false });
  }

  /** The first event that makes the run invalid, if any. */
  get fatal(): WatchEvent | undefined {
    return this.events.find((e) => e.fatal);
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.pollOnce();
      await this.running;
      if (!this.stopped) this.timer = setTimeout(loop, this.o.intervalMs);
    };
    void loop();
  }

  /** Ends the watch after the poll under way (whose events are kept). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One look at every host, at most `maxSessions` at a time. */
  async pollOnce(): Promise<void> {
    const queue = [...this.targets];
    const worker = async () => {
      for (let t = queue.shift(); t; t = queue.shift()) await this.pollHost(t);
    };
    await Promise.all(Array.from({ length: Math.min(this.o.maxSessions, this.targets.length) }, worker));
  }

  private async pollHost(t: WatchTarget): Promise<void> {
    const st = this.state.get(t.host)!;
    const res = await runSsh(t.ssh, probeScript(t.experimentId, t.containers), this.o.sessionTimeoutMs);
    const seenAt = new Date().toISOString();
    if (res.status !== 0 || !res.stdout.includes("now\t")) {
      st.misses++;
      if (st.misses >= this.o.silentAfter && !st.silent) {
        st.silent = true;
        this.emit({ at: seenAt, host: t.host, kind: "host-silent", subject: `host ${t.host}`, detail: `no answer to ${st.misses} probes (${res.status === 255 ? "ssh could not connect" : res.status === null ? "probe timed out" : `exit ${res.status}`}: ${res.stderr.trim().split("\n").pop() ?? ""})`, fatal: true });
      }
      return;
    }
    st.misses = 0;
    const probe = parseProbe(res.stdout);
    if (st.silent) {
      st.silent = false;
      this.emit({ at: probe.now ?? seenAt, host: t.host, kind: "host-answering", subject: `host ${t.host}`, detail: "answers again", fatal: false });
    }
    for (const task of probe.tasks) {
      const before = st.tasks.get(task.tag);
      const now = task.running ? "running" : "ended";
      st.tasks.set(task.tag, now);
      if (now === "ended" && before !== "ended") {
        const status = task.status === undefined ? "status unknown" : `status ${task.status}`;
        this.emit({ at: task.at ?? probe.now ?? seenAt, host: t.host, kind: "task-ended", subject: `task ${task.tag}`, detail: status, fatal: task.status !== 0 });
      }
    }
    for (const c of probe.containers) {
      const before = st.containers.get(c.name);
      st.containers.set(c.name, { state: c.state, restarts: c.restarts, startedAt: c.startedAt });
      if (c.state !== "running" && before?.state !== c.state) {
        const detail = c.state === "absent" ? "no such container" : `${c.state}, exit code ${c.exitCode}${c.finishedAt && !c.finishedAt.startsWith("0001") ? `, finished ${c.finishedAt}` : ""}`;
        const at = c.finishedAt && !c.finishedAt.startsWith("0001") && c.state !== "absent" ? new Date(c.finishedAt).toISOString() : (probe.now ?? seenAt);
        this.emit({ at, host: t.host, kind: c.state === "absent" ? "container-absent" : "container-stopped", subject: `container ${c.name}`, detail, fatal: true });
      } else if (before && (c.restarts > before.restarts || (c.startedAt && before.startedAt && c.startedAt !== before.startedAt))) {
        // `docker restart` keeps the restart count: a new start time says it too.
        const at = c.startedAt && !c.startedAt.startsWith("0001") ? new Date(c.startedAt).toISOString() : (probe.now ?? seenAt);
        this.emit({ at, host: t.host, kind: "container-restarted", subject: `container ${c.name}`, detail: `restarted (started again at ${at})`, fatal: true });
      }
    }
  }

  private emit(e: WatchEvent): void {
    const why = this.o.explain?.(e);
    if (why) Object.assign(e, { fatal: false, detail: `${e.detail} (${why})` });
    this.events.push(e);
    if (this.o.eventsFile) {
      fs.mkdirSync(path.dirname(this.o.eventsFile), { recursive: true });
      fs.appendFileSync(this.o.eventsFile, [e.at, e.host, e.kind, e.subject, e.detail, e.fatal ? "fatal" : "-"].join("\t") + "\n");
    }
    this.o.onEvent?.(e);
  }
}

/** `ssh ... bash -s` with the script on stdin; status null when the time limit ended it. */
function runSsh(argv: string[], script: string, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], [...argv.slice(1), "bash -s"], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ status: 255, stdout, stderr: stderr + e.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ status: timedOut ? null : code, stdout, stderr });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(script);
  });
}
