import * as fs from "fs";
import * as path from "path";
import { Diagnostics } from "./diagnostic";
import {
  DependsOnDecl,
  EnvironmentDecl,
  Grouping,
  LayerDecl,
  MonitoringDecl,
  NetworkDecl,
  PHASES,
  Phase,
  PlayDecl,
  Scenario,
  ServiceDecl,
  TaskDecl,
} from "./scenarioTypes";
import { readTask } from "./ansibleTask";
import { checkSchema } from "./schemaCheck";
import { layersServicesSchema } from "./schemas/layersServicesSchema";
import { networkSchema } from "./schemas/networkSchema";
import { dependsOnSchema, workflowEnvSchema, workflowSchema } from "./schemas/workflowSchema";
import { parseDelayMs, parseLossPercent, parseRateBps } from "./units";
import { PathSegment, YamlSource } from "./yamlSource";

export const SCENARIO_FILES = {
  layersServices: "layers_services.yaml",
  network: "network.yaml",
  workflow: "workflow.yaml",
  workflowEnv: "workflow_env.yaml",
} as const;

/**
 * Reads and checks one scenario folder. Every problem goes to `diags` (all files are checked, even after
 * an error), and the returned scenario is only meaningful when `diags` stays empty.
 */
export function loadScenario(dir: string, diags: Diagnostics): Scenario | undefined {
  const ls = readSource(dir, SCENARIO_FILES.layersServices, diags, true);
  const net = readSource(dir, SCENARIO_FILES.network, diags, true);
  const wf = readSource(dir, SCENARIO_FILES.workflow, diags, true);
  const wfEnv = readSource(dir, SCENARIO_FILES.workflowEnv, diags, false);

  const layersPart = ls && readLayersServices(ls, diags);
  const networks = net ? readNetwork(net, diags) : [];
  const plays = wf ? readWorkflow(wf, diags) : [];
  const workflowEnv = wfEnv ? readWorkflowEnv(wfEnv, diags) : {};
  if (!layersPart) return undefined;
  return { dir, ...layersPart, networks, plays, workflowEnv, workflowEnvLocation: wfEnv?.locate([]) };
}

function readSource(dir: string, name: string, diags: Diagnostics, required: boolean): YamlSource | undefined {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    if (required) {
      diags.add({
        location: { file, line: 1, col: 1 },
        message: `missing scenario file ${name}`,
        expected: `${Object.values(SCENARIO_FILES).slice(0, 3).join(", ")} in ${dir}`,
      });
    }
    return undefined;
  }
  const source = YamlSource.read(file);
  return source.reportSyntax(diags) ? source : undefined;
}

interface RawService {
  name: string;
  quantity?: number;
  repeat?: number;
  roles?: string[];
  env?: Record<string, string | number | boolean>;
  [key: string]: unknown;
}

interface RawLayersServices {
  environment: Record<string, unknown> & { job_name?: string; walltime?: string; cluster?: string };
  monitoring?: { type: MonitoringDecl["type"]; options?: string };
  provenance?: Record<string, unknown>;
  monitoring_iotlab?: Record<string, unknown>;
  kwollect?: Record<string, unknown>;
  layers: { name: string; services: RawService[] }[];
}

function readLayersServices(
  src: YamlSource,
  diags: Diagnostics,
): Pick<Scenario, "environment" | "monitoring" | "layers" | "managers"> | undefined {
  const raw = src.toJS();
  if (!checkSchema(layersServicesSchema, raw, src, diags)) return undefined;
  const doc = raw as RawLayersServices;
  const { job_name, walltime, cluster, ...testbeds } = doc.environment;
  // E2Clab takes job_name and walltime from the top of `environment` or from a testbed block (the first
  // one is its master environment), with its defaults E2Clab and 01:00:00.
  const blocks = Object.values(testbeds) as { job_name?: string; walltime?: string }[];
  const environment: EnvironmentDecl = {
    jobName: job_name ?? blocks.find((b) => b.job_name)?.job_name ?? "E2Clab",
    walltime: walltime ?? blocks.find((b) => b.walltime)?.walltime ?? "01:00:00",
    cluster,
    testbeds,
  };
  const managers = Object.fromEntries((["provenance", "monitoring_iotlab", "kwollect"] as const).filter((k) => doc[k]).map((k) => [k, doc[k]!]));
  const monitoring: MonitoringDecl | undefined = doc.monitoring && {
    type: doc.monitoring.type,
    options: doc.monitoring.options ?? "-m -c -n",
    location: src.locate(["monitoring"]),
  };

  const layers: LayerDecl[] = [];
  const seenLayers = new Map<string, number>();
  doc.layers.forEach((layer, li) => {
    const layerKey = layer.name.toLowerCase();
    if (seenLayers.has(layerKey)) {
      diags.add({
        location: src.locate(["layers", li, "name"]),
        message: `duplicate layer name`,
        value: JSON.stringify(layer.name),
        expected: `a name not already used by layer ${seenLayers.get(layerKey)! + 1}`,
      });
    }
    seenLayers.set(layerKey, li);
    const seenServices = new Set<string>();
    const services: ServiceDecl[] = layer.services.map((s, si) => {
      const key = s.name.toLowerCase();
      if (seenServices.has(key)) {
        diags.add({
          location: src.locate(["layers", li, "services", si, "name"]),
          message: `duplicate service '${s.name}' in layer '${layer.name}'`,
          expected: "each service once per layer (use repeat for more instances)",
        });
      }
      seenServices.add(key);
      const { name, quantity, repeat, roles, env, ...metadata } = s;
      return {
        name,
        layer: layer.name,
        quantity: quantity ?? 1,
        repeat: repeat ?? 0,
        roles: roles ?? [],
        env: Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)])),
        metadata,
        location: src.locate(["layers", li, "services", si]),
      };
    });
    layers.push({ name: layer.name, services, location: src.locate(["layers", li]) });
  });
  return { environment, monitoring, layers, managers };
}

interface RawNetwork {
  src: string;
  dst: string;
  delay?: string;
  rate?: string;
  loss?: string;
  symmetric?: boolean;
}

function readNetwork(src: YamlSource, diags: Diagnostics): NetworkDecl[] {
  const raw = src.toJS();
  if (!checkSchema(networkSchema, raw, src, diags)) return [];
  const entries = ((raw as { networks: RawNetwork[] | null }).networks ?? []) as RawNetwork[];
  return entries.map((n, i) => {
    const at = (key?: string) => src.locate(key ? ["networks", i, key] : ["networks", i]);
    if (n.delay === undefined && n.rate === undefined && n.loss === undefined) {
      diags.add({
        location: at(),
        message: `network entry ${n.src} -> ${n.dst} constrains nothing`,
        expected: "at least one of delay, rate, loss",
      });
    }
    const lossPercent = n.loss === undefined ? undefined : parseLossPercent(n.loss);
    if (lossPercent !== undefined && lossPercent > 100) {
      diags.add({ location: at("loss"), message: "loss over 100%", value: JSON.stringify(n.loss), expected: "a loss from 0% to 100%" });
    }
    const rateBps = n.rate === undefined ? undefined : parseRateBps(n.rate);
    if (rateBps === 0) {
      diags.add({ location: at("rate"), message: "a rate of zero blocks all traffic", value: JSON.stringify(n.rate), expected: "a rate above 0" });
    }
    return {
      src: n.src,
      dst: n.dst,
      delay: n.delay,
      rate: n.rate,
      loss: n.loss,
      delayMs: n.delay === undefined ? undefined : parseDelayMs(n.delay),
      rateBps,
      lossPercent,
      symmetric: n.symmetric ?? false,
      location: at(),
    };
  });
}

interface RawPlay {
  hosts: string;
  depends_on?: unknown;
  prepare?: unknown[] | null;
  launch?: unknown[] | null;
  finalize?: unknown[] | null;
  vars?: Record<string, unknown>;
  become?: boolean | string;
  become_user?: string;
  environment?: unknown;
}

function readWorkflow(src: YamlSource, diags: Diagnostics): PlayDecl[] {
  const raw = src.toJS();
  if (!checkSchema(workflowSchema, raw, src, diags)) return [];
  return (raw as RawPlay[]).map((play, pi) => {
    const dependsOn = readDependsOn(play.depends_on, [pi, "depends_on"], src, diags, pi);
    const phases = {} as Record<Phase, TaskDecl[]>;
    for (const phase of PHASES) {
      phases[phase] = (play[phase] ?? []).flatMap((t, ti) => {
        const task = readTask(t, [pi, phase, ti], src, diags);
        return task ? [task] : [];
      });
    }
    if (PHASES.every((p) => play[p] === undefined)) {
      diags.add({
        location: src.locate([pi]),
        message: `play for '${play.hosts}' has no tasks`,
        expected: "at least one of prepare, launch, finalize",
      });
    }
    return {
      index: pi,
      hosts: play.hosts,
      dependsOn,
      phases,
      vars: play.vars ?? {},
      become: play.become === true || play.become === "yes" || play.become === "true",
      becomeUser: play.become_user,
      environment: play.environment,
      location: src.locate([pi]),
    };
  });
}

function readDependsOn(
  raw: unknown,
  path: PathSegment[],
  src: YamlSource,
  diags: Diagnostics,
  playIndex: number,
): DependsOnDecl[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const out: DependsOnDecl[] = [];
  const prefixes = new Set<string>();
  list.forEach((d, i) => {
    const at = Array.isArray(raw) ? [...path, i] : path;
    if (!checkSchema(dependsOnSchema, d, src, diags, at)) return;
    const dep = d as { service_selector: string; grouping?: Grouping; prefix: string; array_info?: DependsOnDecl["arrayInfo"] };
    if (prefixes.has(dep.prefix)) {
      diags.add({
        location: src.locate([...at, "prefix"]),
        message: `prefix '${dep.prefix}' used twice in play ${playIndex + 1}`,
        expected: "a distinct prefix per depends_on entry",
      });
    }
    prefixes.add(dep.prefix);
    if (dep.array_info !== undefined && dep.grouping !== "asarray") {
      diags.add({
        location: src.locate([...at, "array_info"]),
        message: "array_info only applies to grouping asarray",
        value: JSON.stringify(dep.grouping ?? "round_robin"),
        expected: "grouping: asarray, or no array_info",
      });
    }
    out.push({
      serviceSelector: dep.service_selector,
      grouping: dep.grouping ?? "round_robin",
      prefix: dep.prefix,
      arrayInfo: dep.array_info,
      location: src.locate(at),
    });
  });
  return out;
}

function readWorkflowEnv(src: YamlSource, diags: Diagnostics): Record<string, Record<string, unknown>> {
  const raw = src.toJS() ?? {};
  if (!checkSchema(workflowEnvSchema, raw, src, diags)) return {};
  return raw as Record<string, Record<string, unknown>>;
}
