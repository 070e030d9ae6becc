import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { PlannedHost } from "../planner/planTypes";
import { commandTimeouts } from "./context";
import { HostGroupArgs, buildHostGroup } from "./hostGroup";
import { monitorScript } from "./hostScripts";
import { HostWorkflow } from "./hostWorkflow";
import { bashC } from "./shell";
import { remoteConnection } from "./ssh";

export interface MetricsCollectorArgs extends HostGroupArgs {
  /** Hosts that run a monitoring agent (a service on them has role `monitoring`). */
  monitoredHosts: PlannedHost[];
  /** The scenario's monitoring (`dstat` and its options); none means no agents. */
  monitoring?: { type: string; options: string };
}

/** Key of a host's monitoring agent in the DeferredGraph (the run window waits for all of them). */
export const monitorKey = (host: string) => `monitor:${host}`;

/**
 * The experiment's measuring side: the sink applications of the collector host(s) (fog-to-cloud and
 * end-to-end latency, launched by the collector's workflow) and a dstat agent on every monitored host.
 * An agent is started once, detached, writing `<work>/dstat.csv`; the host's stop ends it and its fetch
 * brings the CSV to `<run>/dstat/<host>.csv`.
 */
export class MetricsCollector extends pulumi.ComponentResource {
  readonly agents: Record<string, command.remote.Command>;
  readonly workflows: Record<string, HostWorkflow>;

  constructor(name: string, args: MetricsCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:metrics:MetricsCollector", name, {}, opts);
    const group = buildHostGroup(this, args);
    this.workflows = group.workflows;
    this.agents = {};
    const monitoring = args.monitoring;
    if (monitoring && monitoring.type !== "dstat") {
      // tig/tpg need a time-series stack this project does not deploy; refuse rather than measure nothing.
      throw new Error(`monitoring type ${monitoring.type} is not supported by this program (dstat is)`);
    }
    for (const host of monitoring ? args.monitoredHosts : []) {
      const agent = new command.remote.Command(
        `${host.name}-dstat`,
        {
          connection: remoteConnection(host, args.run.sshPrivateKey, args.run.hostsReady),
          create: args.run.experimentId.apply((id) => bashC(monitorScript(id, monitoring!.options))),
        },
        { parent: this, customTimeouts: commandTimeouts(args.run.timeouts.step), additionalSecretOutputs: ["connection"] },
      );
      this.agents[host.name] = agent;
      args.run.graph.set(monitorKey(host.name), agent);
    }
    this.registerOutputs({ agents: Object.keys(this.agents) });
  }
}
