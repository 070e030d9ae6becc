import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { PlannedHost, PlannedService, WorkflowStep } from "../planner/planTypes";
import { RunContext } from "./context";
import { serviceKey } from "./deferredGraph";
import { HostWorkflow, realiseHostWorkflow } from "./hostWorkflow";
import { NetemLink, netemFetchItems } from "./netemLink";
import { DockerConnection, DockerHost, ServiceImages, serviceContainer } from "./serviceContainers";

/** What every layer component receives: its hosts, and the plan-wide tables it looks things up in. */
export interface HostGroupArgs {
  /** The hosts this component realises. */
  hosts: PlannedHost[];
  /** All services of the plan (peers on other hosts are looked up here). */
  services: PlannedService[];
  /** All steps of the plan; the component takes those of its hosts. */
  steps: WorkflowStep[];
  images: ServiceImages;
  /** NetemLink of each host that has network rules, by host name. */
  netem: Record<string, NetemLink>;
  /**
   * Docker network mode of service containers: `host` on bare metal (default); the local testbed gives a
   * function returning `container:<emulated host>` so services live in their host's network namespace.
   */
  networkMode?: NetworkModeArg;
  /** The Docker daemon of a host's containers (default: the host's own, over SSH); see DockerHostArgs. */
  dockerConnection?: (host: PlannedHost) => DockerConnection;
  /** Per host, the ID on the host of each image it uses (see HostImages). */
  imageIds: Record<string, Record<string, pulumi.Output<string>>>;
  run: RunContext;
}

export type NetworkModeArg = string | ((host: PlannedHost) => string);

export interface HostGroup {
  containers: Record<string, docker.Container>;
  workflows: Record<string, HostWorkflow>;
}

/** Containers that must be healthy before another starts (Kafka needs ZooKeeper, a TaskManager its JobManager). */
const STARTS_AFTER: Partial<Record<PlannedService["kind"], string>> = {
  "kafka-broker": "zookeeper",
  "flink-taskmanager": "job_manager",
};

/**
 * The shared body of the layer components: a Docker provider and containers on the hosts that run
 * containerised services, and each host's workflow (steps, stop, fetch). Children go under `parent`.
 */
export function buildHostGroup(parent: pulumi.Resource, args: HostGroupArgs): HostGroup {
  const servicesById = new Map(args.services.map((s) => [s.id, s]));
  const stepsById = new Map(args.steps.map((s) => [s.id, s]));
  const containers: Record<string, docker.Container> = {};
  const workflows: Record<string, HostWorkflow> = {};
  for (const host of args.hosts) {
    const own = host.services.map((id) => servicesById.get(id)!).filter((s) => s.container !== undefined);
    if (own.length > 0) {
      const dockerHost = new DockerHost(parent, { host, ctx: args.run, connection: args.dockerConnection?.(host), imageIds: args.imageIds[host.name] ?? {} });
      for (const svc of own) {
        const firstSub = STARTS_AFTER[svc.kind];
        const first = firstSub
          ? args.services.find(
              (s) => s.layer === svc.layer && s.service === svc.service && s.instance === svc.instance && s.subService === firstSub,
            )
          : undefined;
        containers[svc.id] = serviceContainer(parent, {
          service: svc,
          servicesById,
          dockerHost,
          images: args.images,
          networkMode: typeof args.networkMode === "function" ? args.networkMode(host) : (args.networkMode ?? "host"),
          ctx: args.run,
          dependsOn: first ? [args.run.graph.get(serviceKey(first.id))] : [],
        });
      }
    }
    workflows[host.name] = realiseHostWorkflow(parent, {
      host,
      steps: args.steps.filter((s) => s.host === host.name),
      servicesById,
      stepsById,
      netem: args.netem[host.name]?.command,
      extraFetches: args.netem[host.name] ? (runDir) => netemFetchItems(args.netem[host.name].shaping, runDir) : undefined,
      ctx: args.run,
    });
  }
  return { containers, workflows };
}
