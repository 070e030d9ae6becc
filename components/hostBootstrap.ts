import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { PlannedHost } from "../planner/planTypes";
import { BOOTSTRAP_EXIT, bootstrapScript } from "./bootstrapScript";
import { RunContext, commandTimeouts, localSshEnvironment } from "./context";
import { shq } from "./shell";
import { localSshPrelude } from "./ssh";

export interface HostBootstrapArgs {
  host: PlannedHost;
  run: RunContext;
  /** What must exist before the host can be reached (the key file; the local testbed's hosts). */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** Where a host's bootstrap record is written in the run's results folder. */
export function bootstrapRecordFile(runDir: string, host: string): string {
  return path.join(runDir, "bootstrap", `${host}.tsv`);
}

/**
 * Makes one bare host ready for its tasks before anything else uses it: installs the packages the plan
 * gives it (`host.packages`: the Docker engine, the tools its tasks run) with apt where they are missing,
 * and starts the engine (see bootstrapScript). Run from the deployer over ssh, so the host's record (what
 * was already there, what was installed, how the engine was started) lands in `<run>/bootstrap/<host>.tsv`
 * and a failure names the host. Nothing is removed at destroy: packages belong to the host, not the run.
 */
export class HostBootstrap extends pulumi.ComponentResource {
  readonly command: command.local.Command;

  constructor(name: string, args: HostBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:host:HostBootstrap", name, {}, opts);
    const { host, run } = args;
    const marker = "E2C_BOOTSTRAP_END";
    const script = run.runDir.apply((runDir) =>
      [
        "set -u",
        localSshPrelude(host, run.ssh),
        `REC=${shq(bootstrapRecordFile(runDir, host.name))}; mkdir -p "$(dirname "$REC")"`,
        'ERR=$(mktemp); trap \'rm -f "$ERR"\' EXIT',
        `timeout 2400 ssh "\${SSH_OPTS[@]}" "$TARGET" 'bash -s' >"$REC" 2>"$ERR" <<'${marker}'`,
        bootstrapScript(host.name, host.packages),
        marker,
        "rc=$?",
        'cat "$REC"',
        'if [ $rc -eq 0 ]; then exit 0; fi',
        'cat "$ERR" >&2',
        "case $rc in",
        `  255) echo ${shq(`host ${host.name} (${host.user}@${host.address}:${host.port}) is unreachable over ssh`)} >&2 ;;`,
        `  124) echo ${shq(`host ${host.name}: the bootstrap did not finish in 40 minutes`)} >&2 ;;`,
        ...Object.values(BOOTSTRAP_EXIT).map((c) => `  ${c}) ;;`),
        `  *) echo ${shq(`host ${host.name}: the bootstrap failed`)}" (exit $rc)" >&2 ;;`,
        "esac",
        "exit 1",
      ].join("\n"),
    );
    this.command = new command.local.Command(
      `${name}-packages`,
      { create: script, update: script, interpreter: ["/bin/bash", "-c"], environment: localSshEnvironment(run) },
      { parent: this, dependsOn: args.dependsOn, customTimeouts: commandTimeouts("45m"), additionalSecretOutputs: ["environment"] },
    );
    this.registerOutputs({ packages: host.packages });
  }
}
