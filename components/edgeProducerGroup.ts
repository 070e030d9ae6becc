import * as pulumi from "@pulumi/pulumi";
import { ProducerAssignment } from "../planner/planTypes";
import { HostGroupArgs, buildHostGroup } from "./hostGroup";
import { HostWorkflow } from "./hostWorkflow";

export interface EdgeProducerGroupArgs extends HostGroupArgs {
  /** The plan's producers (one per camera), with the gateway each was given. */
  producers: ProducerAssignment[];
}

/**
 * The camera producers of one edge host. Its launch step starts all of them in ONE command (one detached
 * process per camera), each pointed at the gateway the planner assigned to the host (round robin per host,
 * as E2Clab does): the host sees a handful of SSH sessions, not one per producer.
 */
export class EdgeProducerGroup extends pulumi.ComponentResource {
  readonly producerCount: number;
  /** Gateway URLs the host's producers send to (one with round_robin). */
  readonly gatewayUrls: pulumi.Output<string[]>;
  readonly workflow: HostWorkflow;

  constructor(name: string, args: EdgeProducerGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:edge:EdgeProducerGroup", name, {}, opts);
    if (args.hosts.length !== 1) throw new Error(`EdgeProducerGroup ${name}: one host expected, got ${args.hosts.length}`);
    const host = args.hosts[0];
    const group = buildHostGroup(this, args);
    this.workflow = group.workflows[host.name];
    const mine = args.producers.filter((p) => p.host === host.name);
    this.producerCount = mine.length;
    this.gatewayUrls = pulumi.output([...new Set(mine.flatMap((p) => (p.gatewayUrl ? [p.gatewayUrl] : [])))]);
    this.registerOutputs({ producerCount: this.producerCount, gatewayUrls: this.gatewayUrls });
  }
}
