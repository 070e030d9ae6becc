import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { RunContext } from "./context";
import { RUN_WINDOW_KEY } from "./hostWorkflow";
import { shq } from "./shell";

export interface RunWindowArgs {
  run: RunContext;
  /**
   * What must be in place before the experiment starts (every prepare step, network rule and monitoring
   * agent) and what must still exist when it ends (every finalize step and fetch).
   */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * The experiment's window, one point every host's workflow passes through. Launch steps and the hosts'
 * stops depend on it; it depends on all prepare steps, network rules, agents, finalize steps and fetches.
 * So `pulumi up` launches nothing before the whole testbed is prepared, and `pulumi destroy` stops every
 * host's processes before any finalize or fetch runs. It writes the run's start and end times.
 */
export class RunWindow extends pulumi.ComponentResource {
  readonly command: command.local.Command;

  constructor(name: string, args: RunWindowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:experiment:RunWindow", name, {}, opts);
    const run = args.run;
    this.command = new command.local.Command(
      `${name}-clock`,
      {
        create: pulumi
          .all([run.runDir, run.experimentId])
          .apply(([d, id]) =>
            `mkdir -p ${shq(d)} && printf 'stack: %s\\nexperiment: %s\\nlaunch_started: %s\\n' ${shq(run.stack)} ${shq(id)} "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > ${shq(d + "/run.yaml")}`,
          ),
        delete: run.runDir.apply(
          (d) => `mkdir -p ${shq(d)} && printf 'stopped: %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> ${shq(d + "/run.yaml")}`,
        ),
        interpreter: ["/bin/bash", "-c"],
      },
      { parent: this, dependsOn: args.dependsOn, customTimeouts: { create: "1m", delete: "1m" } },
    );
    run.graph.set(RUN_WINDOW_KEY, this.command);
    this.registerOutputs({});
  }
}
