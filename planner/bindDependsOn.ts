import { Diagnostics } from "../model/diagnostic";
import { PlayDecl } from "../model/scenarioTypes";
import { PlannedService } from "./planTypes";
import { Selector } from "./selector";

/** One host a play runs on, with the service (of those the play selected) it runs for. */
export interface PlayHost {
  host: string;
  address: string;
  service: PlannedService;
}

/** What depends_on gives one host of a play: template variables and the peer services behind them. */
export interface HostBinding {
  vars: Record<string, unknown>;
  peers: PlannedService[];
  /** address_match found nothing for this host: the play does not run there. */
  dropped?: boolean;
}

/**
 * The hosts a play runs on, from the services its `hosts` selector matched (in plan order): one entry per
 * host (a host that runs two matched roles, like Flink's JobManager and TaskManager, is one Ansible host).
 */
export function playHosts(selected: PlannedService[]): PlayHost[] {
  const seen = new Set<string>();
  const out: PlayHost[] = [];
  for (const s of selected) {
    if (seen.has(s.host)) continue;
    seen.add(s.host);
    out.push({ host: s.host, address: s.address, service: s });
  }
  return out;
}

/**
 * Computes every depends_on entry of a play for each of its hosts, as E2Clab's groupings do:
 * - round_robin: the play's hosts, walked in order, each get the next selected service, cycling (per host,
 *   not per loop item);
 * - address_match: the selected service on the host's own address;
 * - asarray: the prefix is the list of all selected services (their id, hostname or IPv6 address);
 * - aggregate: every selected service under `<prefix><service_id>_<machine_id>`.
 */
export function bindDependsOn(
  play: PlayDecl,
  hosts: PlayHost[],
  services: PlannedService[],
  diags: Diagnostics,
  warnings: string[],
): HostBinding[] {
  const bindings: HostBinding[] = hosts.map(() => ({ vars: {}, peers: [] }));
  // A host that address_match finds nothing for leaves the play, as in E2Clab.
  const dropped = new Set<number>();
  for (const dep of play.dependsOn) {
    // E2Clab reads a selector's services host by host: one service per address, the first one.
    const seen = new Set<string>();
    const selected = new Selector(dep.serviceSelector).select(services).filter((s) => !seen.has(s.address) && seen.add(s.address));
    if (selected.length === 0) {
      diags.add({
        location: dep.location,
        message: `depends_on service_selector matches no service`,
        value: JSON.stringify(dep.serviceSelector),
        expected: `a selector of a service in the scenario, such as ${services[0]?.id.replace(/\.\d+$/, ".*") ?? "cloud.kafka.*.leader"}`,
      });
      continue;
    }
    switch (dep.grouping) {
      case "round_robin": {
        let k = 0;
        hosts.forEach((_, i) => {
          if (dropped.has(i)) return;
          const peer = selected[k++ % selected.length];
          bindings[i].vars[dep.prefix] = peer.vars;
          bindings[i].peers.push(peer);
        });
        break;
      }
      case "address_match":
        hosts.forEach((h, i) => {
          if (dropped.has(i)) return;
          const peer = selected.find((s) => s.address === h.address);
          if (!peer) {
            dropped.add(i);
            warnings.push(
              `play ${play.index + 1} (${play.hosts}): address_match finds no '${dep.serviceSelector}' service on host ${h.host} (${h.address}); the play skips that host, as E2Clab does`,
            );
            return;
          }
          bindings[i].vars[dep.prefix] = peer.vars;
          bindings[i].peers.push(peer);
        });
        break;
      case "asarray": {
        const info = dep.arrayInfo ?? "id";
        const values: string[] = [];
        for (const s of selected) {
          // E2Clab: the id is `_id` without its underscores ("1_2_1" -> "121"); hostname is `__address__`.
          const v =
            info === "id"
              ? String(s.vars._id).split("_").join("")
              : info === "hostname"
                ? s.address
                : info === "g5k_ipv6_hostname"
                  ? (s.vars.__g5k_ipv6_address__ as string | undefined)
                  : (s.vars.__address6__ as string | undefined);
          if (v === undefined) {
            diags.add({
              location: dep.location,
              message: `asarray with array_info ${info}: host ${s.host} has no ${info === "ipv6" ? "IPv6 address" : "Grid'5000 IPv6 name"}`,
              expected: info === "ipv6" ? "address6 on the host in the stack file" : "a host whose address is a Grid'5000 name",
            });
          } else values.push(v);
        }
        bindings.forEach((b) => {
          b.vars[dep.prefix] = values;
          b.peers.push(...selected);
        });
        break;
      }
      case "aggregate":
        bindings.forEach((b) => {
          // `<prefix><S>_<M>` from `_id` L_S_M: two layers' services can collide; the last one wins, as in E2Clab.
          for (const s of selected) b.vars[`${dep.prefix}${String(s.vars._id).split("_").slice(1).join("_")}`] = s.vars;
          b.peers.push(...selected);
        });
        break;
    }
  }
  dropped.forEach((i) => (bindings[i].dropped = true));
  return bindings;
}
