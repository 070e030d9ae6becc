import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { RunContext } from "./context";
import { RUN_WINDOW_KEY } from "./hostWorkflow";
import { shq } from "./shell";
import { SshTarget, localSshPrelude } from "./ssh";

export interface RunWindowArgs {
  run: RunContext;
  /**
   * What must be in place before the experiment starts (every prepare step, network rule and monitoring
   * agent) and what must still exist when it ends (every finalize step and fetch).
   */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** Hosts whose clocks are compared with the deployer's as the experiment starts. */
  hosts: SshTarget[];
}

/**
 * One line per host of `clock-offsets.csv`: the host's clock minus the deployer's at the middle of an SSH
 * round trip (ms), and that round trip, the bound on the offset's error. Cross-host latencies (camera send
 * time vs. sink receive time) can be trusted, or corrected, with it. All hosts in parallel.
 */
export function clockOffsetsScript(hosts: SshTarget[], ssh: RunContext["ssh"], file: string): string {
  const probes = hosts.map((h) =>
    [
      "(",
      localSshPrelude(h, ssh),
      "t0=$(date +%s%3N)",
      `r=$(timeout 20 ssh "\${SSH_OPTS[@]}" "$TARGET" 'date +%s%3N' 2>/dev/null </dev/null)`,
      "t1=$(date +%s%3N)",
      `if [ -n "$r" ]; then echo "${h.name},$(( r - (t0 + t1) / 2 )),$(( t1 - t0 )),$t1"; else echo "${h.name},,,$t1"; fi`,
      `) > ${shq(file)}.${h.name} &`,
    ].join("\n"),
  );
  return [
    ...probes,
    "wait",
    `{ echo "host,offsetMs,roundTripMs,measuredTs"; cat ${hosts.map((h) => shq(`${file}.${h.name}`)).join(" ")}; } > ${shq(file)}`,
    `rm -f ${hosts.map((h) => shq(`${file}.${h.name}`)).join(" ")}`,
  ].join("\n");
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
            [
              `mkdir -p ${shq(d)} && printf 'stack: %s\\nexperiment: %s\\nlaunch_started: %s\\n' ${shq(run.stack)} ${shq(id)} "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > ${shq(d + "/run.yaml")}`,
              clockOffsetsScript(args.hosts, run.ssh, `${d}/clock-offsets.csv`),
            ].join("\n"),
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
