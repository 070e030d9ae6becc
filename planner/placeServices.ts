import { Diagnostics } from "../model/diagnostic";
import { LayerDecl, ServiceDecl } from "../model/scenarioTypes";
import { HostDecl } from "../model/stackTypes";
import { PlannedService } from "./planTypes";
import { hostsForRole, subServicesOf } from "./serviceCatalog";

/** The hosts one service instance (`layer.service.N`) was given. */
export interface InstancePlacement {
  layer: string;
  service: ServiceDecl;
  instance: number;
  hosts: HostDecl[];
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
  for (const layer of layers) {
    for (const service of layer.services) {
      const key = `${layer.name}.${service.name}`.toLowerCase();
      for (let n = 1; n <= service.repeat + 1; n++) {
        const got = take(layer.name, key, service.quantity);
        if (got.length < service.quantity) short = true;
        got.forEach((h) => layerOf.set(h.name, layer.name));
        instances.push({ layer: layer.name, service, instance: n, hosts: got });
      }
    }
  }
  if (short) {
    diags.add({ location: { file: stackFile, line: 1, col: 1 }, ...tooFewHosts(layers, hosts) });
    return undefined;
  }

  const layerIndex = new Map(layers.map((l, i) => [l.name, i + 1]));
  const services = instances.flatMap((inst) => expandInstance(inst, layerIndex.get(inst.layer)!, containerPrefix));
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

/** Turns an instance into its per-host roles with E2Clab ids and template variables. */
function expandInstance(inst: InstancePlacement, layerId: number, containerPrefix: string): PlannedService[] {
  const serviceName = inst.service.name.toLowerCase();
  const out: PlannedService[] = [];
  for (const spec of subServicesOf(serviceName)) {
    hostsForRole(spec, inst.hosts.length).forEach((hostIndex, k) => {
      const host = inst.hosts[hostIndex];
      const machine = k + 1;
      const id = [inst.layer, serviceName, inst.instance, ...(spec.name ? [spec.name] : []), machine].join(".").toLowerCase();
      const url = spec.port ? `${host.address}:${spec.port}` : host.address;
      const container = spec.container && hostTemplate(containerPrefix, host.name) + spec.container;
      const vars: Record<string, unknown> = {
        _id: id,
        layer_id: layerId,
        service_id: inst.instance,
        machine_id: machine,
        __address__: host.address,
        __address4__: host.address,
        url,
        url4: url,
        hostname: host.name,
        ...(host.address6 ? { __address6__: host.address6, url6: spec.port ? `[${host.address6}]:${spec.port}` : host.address6 } : {}),
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

/** Stack settings that differ per host are written with `{host}` for the host's name. */
export function hostTemplate(template: string, host: string): string {
  return template.split("{host}").join(host);
}
