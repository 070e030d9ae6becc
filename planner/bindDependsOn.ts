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
): HostBinding[] {
  const bindings: HostBinding[] = hosts.map(() => ({ vars: {}, peers: [] }));
  for (const dep of play.dependsOn) {
    const selected = new Selector(dep.serviceSelector).select(services);
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
      case "round_robin":
        hosts.forEach((_, i) => {
          const peer = selected[i % selected.length];
          bindings[i].vars[dep.prefix] = peer.vars;
          bindings[i].peers.push(peer);
        });
        break;
      case "address_match":
        hosts.forEach((h, i) => {
          const peer = selected.find((s) => s.address === h.address);
          if (!peer) {
            diags.add({
              location: dep.location,
              message: `address_match finds no '${dep.serviceSelector}' service on host ${h.host} (${h.address})`,
              expected: "a selector whose services run on the play's hosts",
            });
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
          const v = info === "id" ? s.id : info === "hostname" ? s.address : (s.vars.__address6__ as string | undefined);
          if (v === undefined) {
            diags.add({
              location: dep.location,
              message: `asarray with array_info ipv6: host ${s.host} has no IPv6 address`,
              expected: "address6 on the host in the stack file",
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
          for (const s of selected) b.vars[`${dep.prefix}${s.instance}_${s.machine}`] = s.vars;
          b.peers.push(...selected);
        });
        break;
    }
  }
  return bindings;
}
