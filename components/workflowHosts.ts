import * as pulumi from "@pulumi/pulumi";
import { HostGroupArgs, buildHostGroup } from "./hostGroup";
import { HostWorkflow } from "./hostWorkflow";

export type WorkflowHostsArgs = HostGroupArgs;

/**
 * Hosts whose services none of the layer components knows (a scenario's own service names): their
 * workflow steps are realised all the same, so nothing in the plan is silently left out.
 */
export class WorkflowHosts extends pulumi.ComponentResource {
  readonly workflows: Record<string, HostWorkflow>;

  constructor(name: string, args: WorkflowHostsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:workflow:WorkflowHosts", name, {}, opts);
    this.workflows = buildHostGroup(this, args).workflows;
    this.registerOutputs({ hosts: args.hosts.map((h) => h.name) });
  }
}
