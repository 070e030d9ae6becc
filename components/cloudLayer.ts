import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { HostGroupArgs, buildHostGroup } from "./hostGroup";
import { HostWorkflow } from "./hostWorkflow";
import { DEFAULT_PORTS } from "./serviceContainers";

export type CloudLayerArgs = HostGroupArgs;

/**
 * The cloud: Kafka (ZooKeeper + broker) and Flink (JobManager + TaskManager) as healthy containers, and the
 * workflow of their hosts (topics created in prepare once the broker is healthy, the Flink job submitted in
 * launch once the TaskManager has registered).
 */
export class CloudLayer extends pulumi.ComponentResource {
  /** `http://<jobmanager>:8081` (reach it through the jump host: see the stack output `flinkTunnel`). */
  readonly flinkWebUi: pulumi.Output<string | undefined>;
  readonly kafkaBootstrap: pulumi.Output<string | undefined>;
  readonly containers: Record<string, docker.Container>;
  readonly workflows: Record<string, HostWorkflow>;

  constructor(name: string, args: CloudLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:cloud:CloudLayer", name, {}, opts);
    const group = buildHostGroup(this, args);
    this.containers = group.containers;
    this.workflows = group.workflows;
    const own = new Set(args.hosts.map((h) => h.name));
    const mine = args.services.filter((s) => own.has(s.host));
    const jm = mine.find((s) => s.kind === "flink-jobmanager");
    const brokers = mine.filter((s) => s.kind === "kafka-broker");
    this.flinkWebUi = pulumi.output(jm ? `http://${jm.address}:${jm.port ?? DEFAULT_PORTS.flinkRest}` : undefined);
    this.kafkaBootstrap = pulumi.output(brokers.length ? brokers.map((b) => b.url).join(",") : undefined);
    this.registerOutputs({ flinkWebUi: this.flinkWebUi, kafkaBootstrap: this.kafkaBootstrap });
  }
}
