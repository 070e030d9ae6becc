import { Diagnostics } from "../model/diagnostic";
import { FaultEvent, loadFaultScenario } from "../model/faultScenario";
import { parseDelayMs, parseLossPercent, parseRateBps } from "../model/units";
import { HostShaping, hostShaping } from "../netem/netemPlan";
import { Plan, WorkflowStep } from "./planTypes";

/**
 * The fault scenario resolved against the plan (pure, no Pulumi): what each event does on which host.
 * A name that is neither a service container nor an application on its host, an unknown host or network
 * entry: an error at the event's file:line:col.
 */
export type PlannedFault = { atMs: number; line: number; description: string } & (
  | { kind: "container"; host: string; action: "kill" | "restart" | "stop" | "start"; container: string }
  /** An application the workflow started detached (`docker run --name <container>` in a launch task). */
  | { kind: "application"; host: string; action: "kill" | "restart" | "stop" | "start"; container: string; step: WorkflowStep; task: number }
  | { kind: "network"; entry: number; shapings: HostShaping[] }
  | { kind: "link_down"; host: string; forMs: number; peers: string[] }
  /**
   * The host leaves the experiment as if it lost power: every detached process of the experiment and every
   * container of its services and applications killed (SIGKILL, nothing flushed), then its network cut
   * until its restore (`forMs`), by the host itself since nothing can reach it meanwhile.
   */
  | { kind: "remove_host"; host: string; forMs: number; peers: string[]; containers: string[] }
  /** The removed host is back: its service containers started again, then its launch steps run again. */
  | { kind: "restore_host"; host: string; removedAtMs: number; services: string[]; launch: WorkflowStep[]; monitoring?: string }
);

export function planFaults(file: string, plan: Plan, diags: Diagnostics): PlannedFault[] {
  const loaded = loadFaultScenario(file, diags);
  if (!loaded) return [];
  const { source } = loaded;
  const hosts = new Map(plan.hosts.map((h) => [h.name, h]));
  const out: PlannedFault[] = [];
  // Each removal and the restore that ends it (the first restore of the host after it).
  const removals: { host: string; index: number; fromMs: number; toMs?: number; restoreIndex?: number }[] = [];
  const byTime = loaded.events.map((e, i) => ({ e, i })).sort((a, b) => a.e.atMs - b.e.atMs);
  for (const { e, i } of byTime) {
    if (e.action === "remove_host" && !removals.some((r) => r.host === e.host && r.toMs === undefined)) removals.push({ host: e.host, index: i, fromMs: e.atMs });
    if (e.action === "restore_host") {
      const open = removals.find((r) => r.host === e.host && r.toMs === undefined && r.fromMs < e.atMs);
      if (open) Object.assign(open, { toMs: e.atMs, restoreIndex: i });
    }
  }
  loaded.events.forEach((e, i) => {
    const where = ["faults", i];
    const base = { atMs: e.atMs, line: e.line };
    if (e.action === "network") {
      const rules = plan.network.filter((r) => r.entry === e.entry);
      if (!rules.length) {
        diags.add({ location: source.locate([...where, "network"]), message: `faults.${i}.network: no network.yaml entry ${e.entry} shapes any host`, value: String(e.entry), expected: `an entry index from 0 to ${Math.max(...plan.network.map((r) => r.entry), -1)}` });
        return;
      }
      const changed: Plan = {
        ...plan,
        network: plan.network.map((r) =>
          r.entry !== e.entry
            ? r
            : {
                ...r,
                ...(e.delay !== undefined && { delay: e.delay, delayMs: parseDelayMs(e.delay) }),
                ...(e.rate !== undefined && { rate: e.rate, rateBps: parseRateBps(e.rate) }),
                ...(e.loss !== undefined && { loss: e.loss, lossPercent: parseLossPercent(e.loss) }),
              },
        ),
      };
      const affected = new Set(rules.map((r) => r.host));
      const values = [e.delay && `delay ${e.delay}`, e.rate && `rate ${e.rate}`, e.loss && `loss ${e.loss}`].filter(Boolean).join(", ");
      out.push({ ...base, kind: "network", entry: e.entry, shapings: hostShaping(changed).filter((s) => affected.has(s.host)), description: `network entry ${e.entry} (${rules[0].src} -> ${rules[0].dst}) to ${values}` });
      return;
    }
    const hostKey = e.action === "remove_host" || e.action === "restore_host" ? e.action : "host";
    if (!hosts.has(e.host)) {
      diags.add({ location: source.locate([...where, hostKey]), message: `faults.${i}.${hostKey}: no host ${e.host} in the stack`, value: e.host, expected: `one of: ${[...hosts.keys()].join(", ")}` });
      return;
    }
    // Nothing reaches a removed host until its restore: every other event on it in between is an error.
    const removal = removals.find((r) => r.host === e.host && r.fromMs <= e.atMs && (r.toMs === undefined || e.atMs <= r.toMs) && r.index !== i && r.restoreIndex !== i);
    if (removal) {
      diags.add({ location: source.locate([...where, hostKey]), message: `faults.${i}: ${e.host} is removed from ${removal.fromMs / 1000} s (faults.${removal.index})${removal.toMs !== undefined ? ` to ${removal.toMs / 1000} s` : ""}, nothing reaches it then`, expected: "an event before its removal or after its restore" });
      return;
    }
    if (e.action === "remove_host") {
      const r = removals.find((x) => x.index === i);
      if (r?.toMs === undefined) {
        diags.add({ location: source.locate([...where, hostKey]), message: `faults.${i}: ${e.host} is removed and never restored (its network stays cut: nothing could stop its experiment or fetch its results)`, expected: `a later event "restore_host: ${e.host}"` });
        return;
      }
      const peers = plan.hosts.filter((h) => h.name !== e.host).map((h) => h.address);
      const containers = [...serviceContainers(plan, e.host), ...applicationContainers(plan, e.host)];
      out.push({ ...base, kind: "remove_host", host: e.host, forMs: r.toMs - r.fromMs, peers, containers, description: `${e.host} removed (its processes and containers killed, its network cut for ${(r.toMs - r.fromMs) / 1000} s)` });
      return;
    }
    if (e.action === "restore_host") {
      const r = removals.find((x) => x.restoreIndex === i);
      if (!r) {
        diags.add({ location: source.locate([...where, hostKey]), message: `faults.${i}: ${e.host} is not removed at ${e.atMs / 1000} s`, expected: `an earlier event "remove_host: ${e.host}"` });
        return;
      }
      const launch = plan.steps.filter((s) => s.host === e.host && s.phase === "launch");
      // Its monitoring agent too, with the options the deployment started it with.
      const monitoring = hosts.get(e.host)!.monitored && plan.monitoring ? plan.monitoring.options : undefined;
      out.push({ ...base, kind: "restore_host", host: e.host, removedAtMs: r.fromMs, services: serviceContainers(plan, e.host), launch, monitoring, description: `${e.host} restored (services started, launch steps run again)` });
      return;
    }
    if (e.action === "link_down") {
      const peers = plan.hosts.filter((h) => h.name !== e.host).map((h) => h.address);
      out.push({ ...base, kind: "link_down", host: e.host, forMs: e.forMs, peers, description: `${e.host}: network interface down for ${e.forMs / 1000} s` });
      return;
    }
    const service = plan.services.find((s) => s.host === e.host && s.container === e.target);
    if (service) {
      out.push({ ...base, kind: "container", host: e.host, action: e.action, container: e.target, description: `${e.action} service container ${e.target} (${service.id}) on ${e.host}` });
      return;
    }
    const app = applicationTask(plan, e.host, e.target);
    if (app) {
      out.push({ ...base, kind: "application", host: e.host, action: e.action, container: e.target, step: app.step, task: app.task, description: `${e.action} application ${e.target} on ${e.host}` });
      return;
    }
    const known = [...serviceContainers(plan, e.host), ...applicationContainers(plan, e.host)];
    diags.add({ location: source.locate([...where, e.action]), message: `faults.${i}.${e.action}: nothing named ${e.target} runs on ${e.host}`, value: e.target, expected: known.length ? `one of: ${known.join(", ")}` : "a service container or an application started by a launch task" });
  });
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** The containers of the services placed on `host`, in plan order (ZooKeeper before its broker). */
function serviceContainers(plan: Plan, host: string): string[] {
  return plan.services.filter((s) => s.host === host && s.container).map((s) => s.container!);
}

/** The containers the launch tasks of `host` name (`docker run --name <name>`). */
function applicationContainers(plan: Plan, host: string): string[] {
  return plan.steps
    .filter((s) => s.host === host && s.phase === "launch")
    .flatMap((s) => s.tasks.flatMap((t) => (t.kind === "shell" ? [...t.command.matchAll(/--name[ =]'?([\w.-]+)/g)].map((m) => m[1]) : [])));
}

/** The detached launch task of `host` that runs a container named `name`. */
function applicationTask(plan: Plan, host: string, name: string): { step: WorkflowStep; task: number } | undefined {
  for (const step of plan.steps.filter((s) => s.host === host && s.phase === "launch")) {
    const task = step.tasks.findIndex((t) => t.kind === "shell" && t.async !== undefined && (t.poll ?? 15) === 0 && new RegExp(`--name[ =]'?${name.replace(/[.]/g, "\\.")}(?![\\w.-])`).test(t.command));
    if (task >= 0) return { step, task };
  }
  return undefined;
}

/** Reads, checks and resolves a fault file; throws a ScenarioError with every problem. */
export function faultsFromFile(file: string, plan: Plan): PlannedFault[] {
  const diags = new Diagnostics();
  const faults = planFaults(file, plan, diags);
  diags.throwIfAny();
  return faults;
}

export type { FaultEvent };
