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
);

export function planFaults(file: string, plan: Plan, diags: Diagnostics): PlannedFault[] {
  const loaded = loadFaultScenario(file, diags);
  if (!loaded) return [];
  const { source } = loaded;
  const hosts = new Map(plan.hosts.map((h) => [h.name, h]));
  const out: PlannedFault[] = [];
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
    if (!hosts.has(e.host)) {
      diags.add({ location: source.locate([...where, "host"]), message: `faults.${i}.host: no host ${e.host} in the stack`, value: e.host, expected: `one of: ${[...hosts.keys()].join(", ")}` });
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
    const known = [
      ...plan.services.filter((s) => s.host === e.host && s.container).map((s) => s.container!),
      ...plan.steps.filter((s) => s.host === e.host && s.phase === "launch").flatMap((s) => s.tasks.flatMap((t) => (t.kind === "shell" ? [...t.command.matchAll(/--name[ =]'?([\w.-]+)/g)].map((m) => m[1]) : []))),
    ];
    diags.add({ location: source.locate([...where, e.action]), message: `faults.${i}.${e.action}: nothing named ${e.target} runs on ${e.host}`, value: e.target, expected: known.length ? `one of: ${known.join(", ")}` : "a service container or an application started by a launch task" });
  });
  return out.sort((a, b) => a.atMs - b.atMs);
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
