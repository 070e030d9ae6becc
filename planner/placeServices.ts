import { Diagnostics } from "../model/diagnostic";
import { LayerDecl, ServiceDecl } from "../model/scenarioTypes";
import { HostDecl } from "../model/stackTypes";
import { PlannedService } from "./planTypes";
import { hostsForRole, subServicesOf } from "./serviceCatalog";

/**
 * The hosts one service instance (`layer.service.N`) was given. N is E2Clab's service id: the instance's
 * place in its layer once repeats are expanded (see `e2clabServiceOrder`).
 */
export interface InstancePlacement {
  layer: string;
  /** 1-based place of the layer in layers_services.yaml. */
  layerId: number;
  service: ServiceDecl;
  instance: number;
  hosts: HostDecl[];
}

/**
 * A layer's service instances in E2Clab 3.7's order: the services as declared, then, for each service with
 * `repeat: N` in declaration order, its N copies appended at the end of the layer (E2Clab's
 * `_repeat_services`), numbered 1, 2, ... in that order (`_generate_service_id`). In a layer
 * `[A (repeat 1), B]`, A is 1, B is 2 and A's copy is 3.
 */
export function e2clabServiceOrder(layer: LayerDecl): ServiceDecl[] {
  return [...layer.services, ...layer.services.flatMap((s) => Array.from({ length: s.repeat }, () => s))];
}

export interface Placement {
  instances: InstancePlacement[];
  services: PlannedService[];
  /** Host name -> layer it serves. */
  layerOf: Map<string, string>;
  idleHosts: HostDecl[];
}

/**
 * Gives every service instance its hosts, deterministically: services in the order the scenario declares
 * them, instances in order, each taking `quantity` hosts in stack-file order. A host pinned to a service
 * (`service: fog.mosquitto`) or a layer (`layer: fog`) is used only there, and is preferred there over
 * free hosts. Every instance gets hosts of its own: E2Clab never puts two instances on one machine.
 */
export function placeServices(
  layers: LayerDecl[],
  hosts: HostDecl[],
  diags: Diagnostics,
  stackFile: string,
  containerPrefix = "",
): Placement | undefined {
  const layerNames = new Set(layers.map((l) => l.name.toLowerCase()));
  const serviceNames = new Set(layers.flatMap((l) => l.services.map((s) => `${l.name}.${s.name}`.toLowerCase())));
  for (const h of hosts) {
    if (h.layer && !layerNames.has(h.layer.toLowerCase())) {
      diags.add({ location: h.location, message: `host ${h.name} is pinned to unknown layer`, value: JSON.stringify(h.layer), expected: `one of: ${[...layerNames].join(", ")}` });
    }
    if (h.service && !serviceNames.has(h.service)) {
      diags.add({ location: h.location, message: `host ${h.name} is pinned to unknown service`, value: JSON.stringify(h.service), expected: `one of: ${[...serviceNames].join(", ")}` });
    }
    if (h.layer && h.service && !h.service.startsWith(h.layer.toLowerCase() + ".")) {
      diags.add({ location: h.location, message: `host ${h.name} is pinned to service ${h.service} outside its layer ${h.layer}`, expected: "a service of the pinned layer" });
    }
  }

  const used = new Set<string>();
  const take = (layer: string, serviceKey: string, count: number): HostDecl[] => {
    const pick = (pred: (h: HostDecl) => boolean) => hosts.filter((h) => !used.has(h.name) && pred(h));
    const ordered = [
      ...pick((h) => h.service === serviceKey),
      ...pick((h) => !h.service && h.layer?.toLowerCase() === layer.toLowerCase()),
      ...pick((h) => !h.service && !h.layer),
    ].slice(0, count);
    ordered.forEach((h) => used.add(h.name));
    return ordered;
  };

  const instances: InstancePlacement[] = [];
  const layerOf = new Map<string, string>();
  let short = false;
  layers.forEach((layer, li) => {
    e2clabServiceOrder(layer).forEach((service, si) => {
      const key = `${layer.name}.${service.name}`.toLowerCase();
      const got = take(layer.name, key, service.quantity);
      if (got.length < service.quantity) short = true;
      got.forEach((h) => layerOf.set(h.name, layer.name));
      instances.push({ layer: layer.name, layerId: li + 1, service, instance: si + 1, hosts: got });
    });
  });
  if (short) {
    diags.add({ location: { file: stackFile, line: 1, col: 1 }, ...tooFewHosts(layers, hosts) });
    return undefined;
  }

  const services = instances.flatMap((inst) => expandInstance(inst, containerPrefix));
  return { instances, services, layerOf, idleHosts: hosts.filter((h) => !used.has(h.name)) };
}

function tooFewHosts(layers: LayerDecl[], hosts: HostDecl[]) {
  const perLayer = layers.map((l) => {
    const n = l.services.reduce((sum, s) => sum + s.quantity * (s.repeat + 1), 0);
    const parts = l.services.map((s) => `${s.name.toLowerCase()} ${s.quantity * (s.repeat + 1)}`).join(", ");
    return { text: `${l.name} ${n} (${parts})`, n };
  });
  const needed = perLayer.reduce((s, l) => s + l.n, 0);
  const pinned = hosts.filter((h) => h.layer || h.service).length;
  return {
    message: `too few hosts: the scenario needs ${needed} (${perLayer.map((l) => l.text).join("; ")}), the stack gives ${hosts.length}` +
      (pinned ? ` (${pinned} of them pinned to a layer or service)` : ""),
    expected: `at least ${needed} hosts in edge2cloud:hosts, each free or pinned where it is needed`,
  };
}

/**
 * Turns an instance into its per-host roles with E2Clab ids and the variables E2Clab's
 * `Service.register_service` gives them: `_id` `L_S_M`, `layer_id`, `service_id`, `machine_id` (strings, as
 * in E2Clab), `__address__`, `url`, `__address4__`/`url4` (IPv4), `__address6__`/`url6`, and on
 * Grid'5000 hosts `__g5k_ipv6_address__`; then the extras a service plugin adds (container names, port).
 */
function expandInstance(inst: InstancePlacement, containerPrefix: string): PlannedService[] {
  const serviceName = inst.service.name.toLowerCase();
  const out: PlannedService[] = [];
  for (const spec of subServicesOf(serviceName)) {
    hostsForRole(spec, inst.hosts.length).forEach((hostIndex, k) => {
      const host = inst.hosts[hostIndex];
      const machine = k + 1;
      const id = [inst.layer, serviceName, inst.instance, ...(spec.name ? [spec.name] : []), machine].join(".").toLowerCase();
      const url = spec.port ? `${host.address}:${spec.port}` : host.address;
      const container = spec.container && hostTemplate(containerPrefix, host.name) + spec.container;
      const withPort = (a: string) => (spec.port ? `${a}:${spec.port}` : a);
      const address4 = host.address4 ?? (IPV4.test(host.address) ? host.address : undefined);
      const vars: Record<string, unknown> = {
        _id: `${inst.layerId}_${inst.instance}_${machine}`,
        layer_id: String(inst.layerId),
        service_id: String(inst.instance),
        machine_id: String(machine),
        __address__: host.address,
        url,
        ...(host.address6 ? { __address6__: host.address6, url6: withPort(`[${host.address6}]`) } : {}),
        ...(address4 ? { __address4__: address4, url4: withPort(address4) } : {}),
        ...(host.address.includes("grid5000") ? { __g5k_ipv6_address__: g5kIpv6Name(host.address) } : {}),
        hostname: host.name,
        ...(spec.port ? { port: spec.port } : {}),
        ...(container ? { self_container: container, container } : {}),
        ...(Object.keys(inst.service.env).length ? { env: inst.service.env } : {}),
      };
      out.push({
        id,
        layer: inst.layer,
        service: serviceName,
        instance: inst.instance,
        subService: spec.name,
        machine,
        kind: spec.kind,
        host: host.name,
        address: host.address,
        port: spec.port,
        url,
        container,
        roles: inst.service.roles,
        env: inst.service.env,
        metadata: inst.service.metadata,
        vars,
      });
    });
  }
  return out;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** E2Clab's IPv6 host name on Grid'5000: `-ipv6` after the first label (`parasilo-1-ipv6.rennes.grid5000.fr`). */
function g5kIpv6Name(address: string): string {
  const [first, ...rest] = address.split(".");
  return [first + "-ipv6", ...rest].join(".");
}

/** Stack settings that differ per host are written with `{host}` for the host's name. */
export function hostTemplate(template: string, host: string): string {
  return template.split("{host}").join(host);
}
