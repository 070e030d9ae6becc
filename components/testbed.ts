import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { hostShaping } from "../netem/netemPlan";
import { Plan, PlannedHost, PlannedService, ServiceKind } from "../planner/planTypes";
import { CloudLayer } from "./cloudLayer";
import { DEFAULT_TIMEOUTS, RunContext } from "./context";
import { DeferredGraph, stepKey } from "./deferredGraph";
import { EdgeProducerGroup } from "./edgeProducerGroup";
import { ExperimentRun } from "./experimentRun";
import { FogGateway } from "./fogGateway";
import { HostGroupArgs, NetworkModeArg } from "./hostGroup";
import { HostWorkflow } from "./hostWorkflow";
import { ImageSource } from "./hostImages";
import { HostPreparation } from "./hostPreparation";
import { RunRecords } from "./runRecords";
import { MetricsCollector, monitorKey } from "./metricsCollector";
import { NetemLink } from "./netemLink";
import { RunWindow } from "./runWindow";
import { DockerConnection, ServiceImages, containerSpec } from "./serviceContainers";
import { LocalSshFiles } from "./ssh";
import { WatchTarget, watchTarget } from "./watchProbe";
import { WorkflowHosts } from "./workflowHosts";

export interface TestbedArgs {
  plan: Plan;
  /** From the checked stack: folder of the results, service images, netem fallback. */
  resultsDir: string;
  images: ServiceImages;
  allowMissingNetem: boolean;
  /** Secret. */
  sshPrivateKey: pulumi.Input<string>;
  /** Docker network mode of service containers (default `host`, bare metal); see HostGroupArgs. */
  networkMode?: NetworkModeArg;
  /** Docker daemon per host (default: the host's own over SSH); see HostGroupArgs. */
  dockerConnection?: (host: PlannedHost) => DockerConnection;
  /** Install what each host needs before using it (default true; false when the user manages the hosts). */
  bootstrapHosts?: boolean;
  /** Where the hosts' images come from (default: transferred from the deployer's engine). */
  imageSource?: ImageSource;
  /** `transfer`: the deployer's image IDs by name (read by the entry point; a change re-sends). */
  deployerImageIds?: Record<string, string | undefined>;
}

/** What a user needs next, as stack outputs. */
export interface TestbedOutputs {
  experimentId: pulumi.Output<string>;
  resultsFolder: pulumi.Output<string>;
  flinkWebUi: pulumi.Output<string | undefined>;
  /** An ssh tunnel to the Flink web UI through the jump host, when there is one. */
  flinkTunnel: pulumi.Output<string | undefined>;
  kafkaBootstrap: pulumi.Output<string | undefined>;
  gatewayUrls: pulumi.Output<string[]>;
  /** How the runner watches each host during the run (lifecycle/runWatcher.ts). */
  watchTargets: pulumi.Output<WatchTarget[]>;
  components: {
    cloud?: CloudLayer;
    gateways: Record<string, FogGateway>;
    producers: Record<string, EdgeProducerGroup>;
    metrics?: MetricsCollector;
    others?: WorkflowHosts;
    netem: Record<string, NetemLink>;
    run: ExperimentRun;
    preparation: HostPreparation;
    window: RunWindow;
    records: RunRecords;
  };
}

type Role = "cloud" | "fog" | "edge" | "metrics" | "other";
const ROLE_OF_KIND: Record<ServiceKind, Role> = {
  "flink-jobmanager": "cloud",
  "flink-taskmanager": "cloud",
  "kafka-zookeeper": "cloud",
  "kafka-broker": "cloud",
  mosquitto: "fog",
  producer: "edge",
  "metrics-collector": "metrics",
  generic: "other",
};
const ROLE_ORDER: Role[] = ["cloud", "fog", "edge", "metrics", "other"];

/** Which component realises a host: the first role (in ROLE_ORDER) among its services. */
export function hostRole(host: PlannedHost, servicesById: Map<string, PlannedService>): Role {
  const roles = new Set(host.services.map((id) => ROLE_OF_KIND[servicesById.get(id)!.kind]));
  return ROLE_ORDER.find((r) => roles.has(r)) ?? "other";
}

/**
 * Refuses a plan whose step order the components cannot realise: a cycle would leave resources waiting on
 * each other forever (a hung `pulumi up`), and prepare after launch contradicts the run window. Checked
 * on the edges the components create: prepare and launch keep their `after`, launch also follows every
 * prepare, finalize keeps only its finalize `after` (see realiseHostWorkflow).
 */
export function checkStepOrder(plan: Plan): void {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const edges = new Map<string, string[]>();
  for (const s of plan.steps) {
    for (const a of s.after) if (!byId.has(a)) throw new Error(`step ${s.id} comes after ${a}, which is not in the plan`);
    const after = s.after.filter((a) => s.phase !== "finalize" || byId.get(a)!.phase === "finalize");
    if (s.phase === "prepare") {
      const late = after.filter((a) => byId.get(a)!.phase !== "prepare");
      if (late.length) throw new Error(`prepare step ${s.id} comes after ${late.join(", ")}: prepare runs before any launch`);
    }
    edges.set(s.id, s.phase === "launch" ? [...after, ...plan.steps.filter((p) => p.phase === "prepare").map((p) => p.id)] : after);
  }
  const state = new Map<string, "open" | "done">();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === "done") return;
    if (state.get(id) === "open") throw new Error(`the plan's steps wait on each other: ${[...trail.slice(trail.indexOf(id)), id].join(" -> ")}`);
    state.set(id, "open");
    for (const a of edges.get(id)!) visit(a, [...trail, id]);
    state.set(id, "done");
  };
  for (const s of plan.steps) visit(s.id, []);
}

/**
 * The whole testbed from a plan: the experiment's identity, one NetemLink per host with rules, the layer
 * components (cloud, one gateway per fog host, one producer group per edge host, the metrics collector,
 * hosts of unknown services), and the run window that orders launch after prepare and stop before finalize.
 */
export function deployTestbed(args: TestbedArgs): TestbedOutputs {
  const { plan } = args;
  checkStepOrder(plan);
  // Checked before anything is declared, so a missing image never leaves half a testbed in the graph.
  const servicesWithContainers = plan.services.filter((s) => s.container);
  const missing = [...new Set(servicesWithContainers.map((s) => containerSpec(s, new Map(plan.services.map((x) => [x.id, x]))).imageRole))].filter(
    (role) => !args.images[role],
  );
  if (missing.length) {
    throw new Error(`the stack gives no image for ${missing.join(", ")} (set edge2cloud:images.<role> in Pulumi.${plan.stack}.yaml)`);
  }
  const sshDir = path.join(args.resultsDir, ".ssh", plan.stack);
  const ssh: LocalSshFiles = { keyFile: path.join(sshDir, "id"), knownHostsFile: path.join(sshDir, "known_hosts") };
  const sshPrivateKey = pulumi.secret(args.sshPrivateKey);
  const run = new ExperimentRun("experiment", { stack: plan.stack, resultsDir: args.resultsDir, ssh, sshPrivateKey });
  // The validation records are written first and completed last, after every host's files are fetched.
  const records = new RunRecords("records", { plan, runDir: run.runDir, dependsOn: [run.keyFile] });
  const graph = new DeferredGraph();
  const reachCtx: RunContext = {
    stack: plan.stack,
    experimentId: run.experimentId,
    runDir: run.runDir,
    sshPrivateKey,
    ssh,
    keyFile: records.command,
    graph,
    timeouts: DEFAULT_TIMEOUTS,
  };
  // Packages and images first, on every host (they need only the key file): everything else reaches a host
  // after every host's preparation, through `keyFile` (local commands) or `hostsReady` (remote connections).
  const preparation = new HostPreparation("hosts", {
    hosts: plan.hosts,
    bootstrap: args.bootstrapHosts ?? true,
    imageSource: args.imageSource ?? { kind: "transfer" },
    deployerImageIds: args.deployerImageIds ?? {},
    run: reachCtx,
  });
  const ctx: RunContext = { ...reachCtx, keyFile: preparation.gate, hostsReady: preparation.gate.stdout };

  const hostsByName = new Map(plan.hosts.map((h) => [h.name, h]));
  const netem: Record<string, NetemLink> = {};
  for (const shaping of hostShaping(plan)) {
    const host = hostsByName.get(shaping.host)!;
    const rules = plan.network.filter((r) => r.host === host.name);
    netem[host.name] = new NetemLink(`${host.name}-netem`, { host, rules, shaping, allowMissingNetem: args.allowMissingNetem, run: ctx });
  }

  const servicesById = new Map(plan.services.map((s) => [s.id, s]));
  const byRole = new Map<Role, PlannedHost[]>(ROLE_ORDER.map((r) => [r, []]));
  for (const host of plan.hosts) byRole.get(hostRole(host, servicesById))!.push(host);
  const common = (hosts: PlannedHost[]): HostGroupArgs => ({
    hosts,
    services: plan.services,
    steps: plan.steps,
    images: args.images,
    netem,
    networkMode: args.networkMode,
    dockerConnection: args.dockerConnection,
    imageIds: Object.fromEntries(Object.entries(preparation.images).map(([h, i]) => [h, i.imageIds])),
    run: ctx,
  });

  const cloudHosts = byRole.get("cloud")!;
  const cloud = cloudHosts.length ? new CloudLayer("cloud", common(cloudHosts)) : undefined;
  const gateways: Record<string, FogGateway> = {};
  for (const host of byRole.get("fog")!) gateways[host.name] = new FogGateway(`gateway-${host.name}`, common([host]));
  const producers: Record<string, EdgeProducerGroup> = {};
  for (const host of byRole.get("edge")!) {
    producers[host.name] = new EdgeProducerGroup(`producers-${host.name}`, { ...common([host]), producers: plan.producers });
  }
  const monitoredHosts = (plan.monitoring?.hosts ?? []).map((h) => hostsByName.get(h)!);
  const metricsHosts = byRole.get("metrics")!;
  const metrics =
    metricsHosts.length || monitoredHosts.length
      ? new MetricsCollector("metrics", { ...common(metricsHosts), monitoredHosts, monitoring: plan.monitoring })
      : undefined;
  const otherHosts = byRole.get("other")!;
  const others = otherHosts.length ? new WorkflowHosts("other-hosts", common(otherHosts)) : undefined;

  const workflows: HostWorkflow[] = [
    ...Object.values(cloud?.workflows ?? {}),
    ...Object.values(gateways).map((g) => g.workflow),
    ...Object.values(producers).map((p) => p.workflow),
    ...Object.values(metrics?.workflows ?? {}),
    ...Object.values(others?.workflows ?? {}),
  ];
  const window = new RunWindow("run", {
    run: ctx,
    hosts: plan.hosts,
    dependsOn: [
      ...plan.steps.filter((s) => s.phase !== "launch").map((s) => graph.get(stepKey(s.id))),
      ...Object.values(netem).map((n) => n.command),
      ...monitoredHosts.filter(() => plan.monitoring).map((h) => graph.get(monitorKey(h.name))),
      ...workflows.map((w) => w.fetch),
    ],
  });
  graph.seal();

  const jm = plan.services.find((s) => s.kind === "flink-jobmanager");
  const jmHost = jm && hostsByName.get(jm.host);
  const flinkTunnel =
    jm && jmHost
      ? `ssh ${jmHost.jumpHost ? `-J ${jmHost.jumpHost.user}@${jmHost.jumpHost.host}:${jmHost.jumpHost.port} ` : ""}-p ${jmHost.port} -NL ${jm.port ?? 8081}:localhost:${jm.port ?? 8081} ${jmHost.user}@${jmHost.address}  # then open http://localhost:${jm.port ?? 8081}`
      : undefined;
  return {
    experimentId: run.experimentId,
    resultsFolder: run.runDir,
    flinkWebUi: cloud?.flinkWebUi ?? pulumi.output(undefined),
    flinkTunnel: pulumi.output(flinkTunnel),
    kafkaBootstrap: cloud?.kafkaBootstrap ?? pulumi.output(undefined),
    gatewayUrls: pulumi.all(Object.values(gateways).map((g) => g.brokerUrl)),
    watchTargets: run.experimentId.apply((id) =>
      plan.hosts.map((h) => watchTarget(h, ssh, id, plan.services.filter((s) => s.host === h.name && s.container).map((s) => s.container!))),
    ),
    components: { cloud, gateways, producers, metrics, others, netem, run, preparation, window, records },
  };
}
