import * as path from "path";
import { DeclaredResource, HostFanout, SSHD_DEFAULTS, overSshdDefaults, sshFanout } from "../fanout/sshFanout";
import { stackFileName } from "../model/loadStack";
import { planFromFiles } from "../planner/planFromFiles";
import type { FreshLoader } from "../tests/program/mockProgram";

export interface FanoutOfStack {
  stack: string;
  /** `--parallel` assumed; undefined: unbounded, the Pulumi CLI's default. */
  parallel?: number;
  rows: HostFanout[];
  /** Rows beyond sshd's defaults, in words; the jump host's apart (not one of the stack's hosts). */
  hostsOver: string[];
  jumpOver: string[];
}

/**
 * Evaluates the real program (index.ts) for `stack` under Pulumi's runtime mocks, as the program tests do,
 * and computes each host's worst case (fanout/sshFanout.ts) from what it declares.
 */
export async function fanoutOfStack(stack: string, load: FreshLoader, parallel?: number): Promise<FanoutOfStack> {
  // Planned first: a bad stack or scenario is reported with its file:line:col before the program runs.
  const plan = planFromFiles({ stackFile: path.join(__dirname, "..", stackFileName(stack)) });
  // Loaded here, not at the top: it installs Pulumi's mocks, which only this evaluation wants.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { evaluateProgram, reveal } = require("../tests/program/mockProgram") as typeof import("../tests/program/mockProgram");
  const ev = await evaluateProgram(stack, load);
  const resources: DeclaredResource[] = ev.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent,
    custom: r.custom,
    provider: r.provider,
    dependencies: r.dependencies,
    inputs: reveal(r.raw) as Record<string, unknown>,
  }));
  const rows = sshFanout(resources, plan.hosts.map((h) => ({ name: h.name, user: h.user, address: h.address, port: h.port, role: h.layer })), { parallel });
  const over = (jump: boolean) => overSshdDefaults(rows.filter((r) => (r.role === "jump host") === jump));
  return { stack, parallel, rows, hostsOver: over(false), jumpOver: over(true) };
}

/** The table for a person: one line per host, the worst case by role, then what exceeds sshd's defaults. */
export function fanoutToText(f: FanoutOfStack, detail = false): string {
  const d = SSHD_DEFAULTS;
  const lines = [
    `SSH connections opening at once, worst case, stack ${f.stack}, pulumi --parallel ${f.parallel ?? "unbounded (default)"}`,
    `sshd defaults: MaxStartups ${d.maxStartups.start}:${d.maxStartups.rate}:${d.maxStartups.full} (drops begin beyond ${d.maxStartups.start} unauthenticated), MaxSessions ${d.maxSessions}`,
    "",
  ];
  const w = Math.max(4, ...f.rows.map((r) => r.host.length));
  const rw = Math.max(4, ...f.rows.map((r) => r.role.length));
  lines.push(`${"host".padEnd(w)}  ${"role".padEnd(rw)}  ${"up".padStart(3)}  ${"destroy".padStart(7)}  sessions/connection  resources connecting (up/destroy)`);
  for (const r of f.rows) {
    lines.push(
      `${r.host.padEnd(w)}  ${r.role.padEnd(rw)}  ${String(r.up.connections).padStart(3)}  ${String(r.destroy.connections).padStart(7)}  ${String(r.sessionsPerConnection).padStart(19)}  ${r.up.connecting}/${r.destroy.connecting}`,
    );
  }
  lines.push("", "Worst case by role (the resources that can connect at once, on the first host of the role with the most):");
  for (const [role, rows] of byRole(f.rows)) {
    for (const op of ["up", "destroy"] as const) {
      const top = rows.reduce((a, b) => (b[op].connections > a[op].connections ? b : a));
      lines.push(`  ${role}, ${op}: ${top[op].connections} on ${top.host}${top.host.includes("jump") ? "" : `: ${top[op].resources.join(", ")}`}`);
    }
  }
  if (detail) {
    lines.push("", "Per host:");
    for (const r of f.rows) for (const op of ["up", "destroy"] as const) lines.push(`  ${r.host} ${op} (${r[op].connections}): ${r[op].resources.join(", ")}`);
  }
  lines.push("");
  if (f.hostsOver.length) lines.push("EXCEEDS sshd's defaults:", ...f.hostsOver.map((s) => `  ${s}`));
  else lines.push(`Every host of the stack stays within sshd's defaults.`);
  if (f.jumpOver.length) {
    lines.push(
      "The jump host carries every host's connections; beyond sshd's defaults there (a jump host of your own at its defaults would drop",
      "connections: raise its MaxStartups, or run pulumi with `--parallel 10`, which bounds it to 10):",
      ...f.jumpOver.map((s) => `  ${s.replace(/: [^:]*$/, "")}`),
    );
  }
  return lines.join("\n");
}

function byRole(rows: HostFanout[]): Map<string, HostFanout[]> {
  const m = new Map<string, HostFanout[]>();
  for (const r of rows) m.set(r.role, [...(m.get(r.role) ?? []), r]);
  return m;
}
