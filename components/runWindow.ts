import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { RunContext } from "./context";
import { RUN_WINDOW_KEY } from "./hostWorkflow";
import { recordLossFn } from "./hostScripts";
import { shq } from "./shell";
import { SshTarget, localSshPrelude } from "./ssh";

export interface RunWindowArgs {
  run: RunContext;
  /**
   * What must be in place before the experiment starts (every prepare step, network rule and monitoring
   * agent) and what must still exist when it ends (every finalize step and fetch).
   */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** Hosts whose clocks are compared with the deployer's as the experiment starts and as it ends. */
  hosts: SshTarget[];
}

/**
 * Where each host's clock offset is written at launch and at the end of the run (before finalize); RunRecords
 * joins them into clock-offsets.csv and clock-offsets-end.csv.
 */
export const CLOCK_DIR = "clock";
export const CLOCK_END_DIR = "clock-end";
export const CLOCK_HEADER = "host,offsetMs,roundTripMs,measuredTs";

/**
 * One host's line of `clock-offsets.csv`: its clock minus the deployer's at the middle of an SSH round trip
 * (ms), and that round trip, the bound on the offset's error. Cross-host latencies (camera send time vs.
 * sink receive time) can be trusted, or corrected, with it. An unreachable host gets empty figures.
 */
export function clockOffsetScript(host: SshTarget, ssh: RunContext["ssh"], runDir: string, dir = CLOCK_DIR): string {
  // Asked inside one SSH session, five times: the first exchange pays for the connection, so the sample
  // with the shortest round trip is kept (as NTP does).
  const atEnd = dir === CLOCK_END_DIR;
  return [
    // At destroy, a host that does not answer is recorded in missing.txt and must not block the destroy.
    ...(atEnd ? ["set -u", recordLossFn(runDir, host.name)] : []),
    localSshPrelude(host, ssh),
    `mkdir -p ${shq(`${runDir}/${dir}`)}`,
    `coproc REMOTE { timeout 30 ssh "\${SSH_OPTS[@]}" "$TARGET" 'while read -r _; do date +%s%3N; done' 2>/dev/null; }`,
    "pid=$REMOTE_PID",
    'best=""; off=""',
    "for _ in 1 2 3 4 5; do",
    '  t0=$(date +%s%3N); echo >&"${REMOTE[1]}" 2>/dev/null || break',
    '  read -r -t 20 r <&"${REMOTE[0]}" || break',
    "  t1=$(date +%s%3N); rtt=$(( t1 - t0 ))",
    '  if [ -z "$best" ] || [ "$rtt" -lt "$best" ]; then best=$rtt; off=$(( r - (t0 + t1) / 2 )); fi',
    "done",
    'if [ -n "${REMOTE[1]:-}" ]; then eval "exec ${REMOTE[1]}>&-"; fi; wait "$pid" 2>/dev/null; rc=$?',
    `echo "${host.name},$off,$best,$(date +%s%3N)" > ${shq(`${runDir}/${dir}/${host.name}.csv`)}`,
    ...(atEnd ? ['if [ -z "$best" ]; then e2c_lost "clock offset at the end of the run" "$(e2c_reason $rc)"; fi', "exit 0"] : []),
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
    // One command per host, so a change of one host's settings touches only its own. Its delete measures
    // again at the end: it depends on the window, so destroy runs it before the window closes, that is
    // before any finalize step or fetch, while the hosts are still up; the two measurements give the drift.
    for (const host of args.hosts) {
      new command.local.Command(
        `${host.name}-clock-offset`,
        {
          create: run.runDir.apply((d) => clockOffsetScript(host, run.ssh, d)),
          delete: run.runDir.apply((d) => clockOffsetScript(host, run.ssh, d, CLOCK_END_DIR)),
          interpreter: ["/bin/bash", "-c"],
        },
        { parent: this, dependsOn: [this.command], customTimeouts: { create: "1m", delete: "1m" } },
      );
    }
    this.registerOutputs({});
  }
}
