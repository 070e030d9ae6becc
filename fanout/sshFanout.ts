import { dependencyOrder, heaviestAntichain } from "./antichain";
import { SshEndpoint, jumpHostOf, readDeployerScript } from "./deployerScriptSsh";

/**
 * How many SSH connections the program can have opening at once towards each host, in the worst case,
 * when Pulumi's engine runs it (pure: the resources come from an evaluation of the program, see
 * cli/sshFanout.ts; no Pulumi import here).
 *
 * The engine starts an operation as soon as the operations it depends on are done, with no bound by default
 * (`--parallel`, see README). Two operations can therefore overlap exactly when neither depends on the
 * other, transitively: the worst case on a host is the heaviest antichain of the dependency order among
 * the resources that connect to it, each weighing the connections it holds open at once. `pulumi destroy`
 * runs the deletes in the reverse order, which has the same antichains; what differs is which resources
 * connect (delete scripts, containers removed through the Docker provider).
 */

/** sshd's defaults (OpenSSH sshd_config(5)). */
export const SSHD_DEFAULTS = {
  /** `MaxStartups 10:30:100`: beyond 10 unauthenticated connections, sshd drops new ones at random (30 %, up to 100 %). */
  maxStartups: { start: 10, rate: 30, full: 100 },
  /** `MaxSessions 10`: sessions per (multiplexed) connection. */
  maxSessions: 10,
} as const;

/** A resource as the program declared it to the engine, secrets revealed. */
export interface DeclaredResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent ("" for none). */
  parent: string;
  custom: boolean;
  /** `<provider URN>::<id>`, "" for the default provider. */
  provider: string;
  /** URNs it depends on: explicit `dependsOn` and the resources its inputs' Outputs come from. */
  dependencies: string[];
  inputs: Record<string, unknown>;
}

export type Operation = "up" | "destroy";

/** The SSH connections one resource holds open at once towards one host during an operation. */
export interface SshOpen {
  host: SshEndpoint;
  connections: number;
  sessionsPerConnection: number;
  /** Every connection also goes through this jump host (one connection there each). */
  via?: SshEndpoint;
}

/** The hosts as the stack names them, to label endpoints. */
export interface NamedHost extends SshEndpoint {
  name: string;
  /** Layer of its services (cloud, fog, edge...), for the table. */
  role: string;
}

export interface HostLoad {
  /** Connections opening at once, at most (the heaviest antichain, bounded by `--parallel`). */
  connections: number;
  /** The heaviest antichain without the `--parallel` bound: resource names. */
  resources: string[];
  /** How many resources connect to the host during the operation. */
  connecting: number;
}

export interface HostFanout {
  host: string;
  role: string;
  up: HostLoad;
  destroy: HostLoad;
  /** Most sessions on one connection. */
  sessionsPerConnection: number;
}

export interface FanoutOptions {
  /** The engine's `--parallel`; undefined: unbounded (the CLI's default). */
  parallel?: number;
}

/** The SSH connections a resource opens during `op`; an unknown resource type is an error. */
export function sshOpensOf(r: DeclaredResource, op: Operation, byUrn: Map<string, DeclaredResource>): SshOpen[] {
  if (!r.custom) return [];
  const inputs = r.inputs;
  switch (r.type) {
    case "command:remote:Command": {
      // One SSH connection (one session) per run of create/update or delete.
      const runs = op === "up" ? inputs.create !== undefined || inputs.update !== undefined : inputs.delete !== undefined;
      return runs ? [remoteOpen(r)] : [];
    }
    case "command:remote:CopyToRemote":
      return op === "up" ? [remoteOpen(r)] : [];
    case "command:local:Command": {
      // `update` defaults to `create` in @pulumi/command.
      const scripts = op === "up" ? [inputs.create, inputs.update ?? inputs.create] : [inputs.delete];
      const byHost = new Map<string, SshOpen>();
      for (const s of scripts) {
        if (typeof s !== "string") continue;
        let read;
        try {
          read = readDeployerScript(s);
        } catch (e) {
          throw new Error(`${r.name} (${r.type}): ${(e as Error).message}`);
        }
        if (!read.target || read.connections + read.sessionsPerConnection === 0) continue;
        const k = endpointKey(read.target);
        const prev = byHost.get(k);
        byHost.set(k, {
          host: read.target,
          connections: Math.max(prev?.connections ?? 0, read.connections),
          sessionsPerConnection: Math.max(prev?.sessionsPerConnection ?? 0, read.sessionsPerConnection),
          via: read.via ?? prev?.via,
        });
      }
      return [...byHost.values()];
    }
    case "pulumi:providers:docker": {
      // With the daemon check on, configuring the provider pings the daemon (one connection).
      const daemon = dockerDaemon(r);
      const checks = String(inputs.disableDockerDaemonCheck) !== "true";
      return daemon && checks && op === "up" ? [{ ...daemon, connections: 1, sessionsPerConnection: 1 }] : [];
    }
    default:
      if (r.type.startsWith("docker:index/")) {
        // Each create/delete talks to the daemon through one `ssh ... docker system dial-stdio` at a time.
        const provider = byUrn.get(providerUrn(r.provider));
        const daemon = provider && dockerDaemon(provider);
        return daemon ? [{ ...daemon, connections: 1, sessionsPerConnection: 1 }] : [];
      }
      if (r.type.startsWith("random:") || r.type.startsWith("pulumi:providers:")) return [];
      throw new Error(`${r.name}: resource type ${r.type} is unknown to fanout/sshFanout.ts; say how many SSH connections it opens`);
  }
}

/** Worst case per host (and per jump host) for `pulumi up` and `pulumi destroy`. */
export function sshFanout(resources: DeclaredResource[], hosts: NamedHost[], options: FanoutOptions = {}): HostFanout[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const deps = new Map<string, string[]>();
  for (const r of resources) {
    const d = r.dependencies.filter((u) => byUrn.has(u));
    // A custom parent is created before its children (they wait for its URN); a component is not awaited.
    if (r.parent && byUrn.get(r.parent)?.custom) d.push(r.parent);
    const p = providerUrn(r.provider);
    if (p && byUrn.has(p)) d.push(p);
    deps.set(r.urn, d);
  }
  const before = dependencyOrder(deps);
  const label = (e: SshEndpoint) => hosts.find((h) => h.address === e.address && h.port === e.port && h.user === e.user) ?? hosts.find((h) => h.address === e.address && h.port === e.port);
  const rows = new Map<string, HostFanout>();
  const row = (e: SshEndpoint, jump: boolean): HostFanout => {
    const named = jump ? undefined : label(e);
    const key = jump ? `jump ${endpointKey(e)}` : named?.name ?? endpointKey(e);
    let found = rows.get(key);
    if (!found) {
      const empty = (): HostLoad => ({ connections: 0, resources: [], connecting: 0 });
      found = { host: jump ? `${e.address} (jump host)` : key, role: jump ? "jump host" : named?.role ?? "unknown host", up: empty(), destroy: empty(), sessionsPerConnection: 0 };
      rows.set(key, found);
    }
    return found;
  };
  for (const h of hosts) row(h, false);
  for (const op of ["up", "destroy"] as const) {
    const weights = new Map<HostFanout, Map<string, number>>();
    const add = (target: HostFanout, urn: string, n: number) => {
      const w = weights.get(target) ?? new Map<string, number>();
      w.set(urn, (w.get(urn) ?? 0) + n);
      weights.set(target, w);
    };
    for (const r of resources) {
      for (const o of sshOpensOf(r, op, byUrn)) {
        const target = row(o.host, false);
        target.sessionsPerConnection = Math.max(target.sessionsPerConnection, o.sessionsPerConnection);
        if (o.connections > 0) add(target, r.urn, o.connections);
        // Through a jump host, each connection is a connection there too (one session: `-W` or a channel).
        if (o.via && o.connections > 0) {
          const j = row(o.via, true);
          j.sessionsPerConnection = Math.max(j.sessionsPerConnection, 1);
          add(j, r.urn, o.connections);
        }
      }
    }
    for (const [target, w] of weights) {
      const a = heaviestAntichain({ weights: w, before });
      const top = [...w.values()].sort((x, y) => y - x).slice(0, options.parallel ?? Infinity).reduce((s, x) => s + x, 0);
      target[op] = {
        connections: Math.min(a.weight, top),
        resources: a.elements.map((u) => byUrn.get(u)!.name).sort(),
        connecting: w.size,
      };
    }
  }
  return [...rows.values()];
}

/** What exceeds sshd's defaults, in words (empty when everything holds). */
export function overSshdDefaults(rows: HostFanout[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    for (const op of ["up", "destroy"] as const) {
      if (r[op].connections > SSHD_DEFAULTS.maxStartups.start) {
        out.push(`${r.host}: up to ${r[op].connections} connections at once during ${op} (MaxStartups starts dropping beyond ${SSHD_DEFAULTS.maxStartups.start}): ${r[op].resources.join(", ")}`);
      }
    }
    if (r.sessionsPerConnection > SSHD_DEFAULTS.maxSessions) {
      out.push(`${r.host}: ${r.sessionsPerConnection} sessions on one connection (MaxSessions ${SSHD_DEFAULTS.maxSessions})`);
    }
  }
  return out;
}

function remoteOpen(r: DeclaredResource): SshOpen {
  const c = r.inputs.connection as { host?: unknown; user?: unknown; port?: unknown; proxy?: { host?: unknown; user?: unknown; port?: unknown } } | undefined;
  if (!c || typeof c.host !== "string") throw new Error(`${r.name} (${r.type}): no connection host`);
  const endpoint = (x: { host?: unknown; user?: unknown; port?: unknown }): SshEndpoint => ({
    address: String(x.host),
    user: x.user === undefined ? "root" : String(x.user),
    port: x.port === undefined ? 22 : Number(x.port),
  });
  return { host: endpoint(c), connections: 1, sessionsPerConnection: 1, via: c.proxy ? endpoint(c.proxy) : undefined };
}

/** The SSH endpoint of a Docker provider (`ssh://user@host:port`), undefined for a socket or TCP daemon. */
function dockerDaemon(provider: DeclaredResource): { host: SshEndpoint; via?: SshEndpoint } | undefined {
  const url = provider.inputs.host;
  if (typeof url !== "string" || !url.startsWith("ssh://")) return undefined;
  const m = /^ssh:\/\/(?:([^@]+)@)?([^:/]+)(?::(\d+))?/.exec(url);
  if (!m) throw new Error(`${provider.name}: cannot read the Docker host ${url}`);
  const raw = provider.inputs.sshOpts;
  const opts: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
  return {
    host: { user: m[1] ?? "root", address: m[2], port: m[3] ? Number(m[3]) : 22 },
    via: Array.isArray(opts) ? jumpHostOf([opts.map(String).join(" ")]) : undefined,
  };
}

function providerUrn(ref: string): string {
  if (!ref) return "";
  const i = ref.lastIndexOf("::");
  return i > 0 ? ref.slice(0, i) : ref;
}

function endpointKey(e: SshEndpoint): string {
  return `${e.user}@${e.address}:${e.port}`;
}
