import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { HostGroupArgs, buildHostGroup } from "./hostGroup";
import { HostWorkflow } from "./hostWorkflow";

/** One fog host: `hosts` holds exactly that host. */
export type FogGatewayArgs = HostGroupArgs;

/**
 * A fog gateway host: its Mosquitto broker (container `mosquitto`, healthy before anything uses it) and the
 * gateway application its workflow launches (MQTT in, processing, Kafka out).
 */
export class FogGateway extends pulumi.ComponentResource {
  /** `address:port` of the Mosquitto broker, which producers are given as `{{ mosquitto.url }}`. */
  readonly brokerUrl: pulumi.Output<string>;
  readonly broker: docker.Container | undefined;
  readonly workflow: HostWorkflow;

  constructor(name: string, args: FogGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:fog:FogGateway", name, {}, opts);
    if (args.hosts.length !== 1) throw new Error(`FogGateway ${name}: one host expected, got ${args.hosts.length}`);
    const host = args.hosts[0];
    const group = buildHostGroup(this, args);
    const svc = args.services.find((s) => s.host === host.name && s.kind === "mosquitto");
    if (!svc) throw new Error(`FogGateway ${name}: host ${host.name} runs no Mosquitto`);
    this.broker = group.containers[svc.id];
    this.workflow = group.workflows[host.name];
    this.brokerUrl = pulumi.output(svc.url);
    this.registerOutputs({ brokerUrl: this.brokerUrl });
  }
}
