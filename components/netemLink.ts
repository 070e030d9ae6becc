import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { HostShaping } from "../netem/netemPlan";
import { STATE_DIR, tcApplyScript, tcRemoveScript } from "../netem/tcScript";
import { NetworkRule } from "../planner/planTypes";
import { RunContext, commandTimeouts, localSshEnvironment } from "./context";
import { FetchItem, recordLossFn } from "./hostScripts";
import { SshTarget, localSshPrelude, runRemotely } from "./ssh";

export interface NetemLinkArgs {
  host: SshTarget;
  /** The plan's rules whose source is this host (one direction each). */
  rules: NetworkRule[];
  /** The same rules as tc will apply them (netem/netemPlan.ts: stable class ids, queue sizes, validation). */
  shaping: HostShaping;
  /** Apply rate shaping only, and record it, where the kernel has no netem (instead of failing). */
  allowMissingNetem: boolean;
  run: RunContext;
}

/**
 * Files the host's fetch brings home for the network: E2Clab's `network-validate/<src>-<dst>-<sym>/
 * <host>.fpingout`, and what was applied (rules, netem status: `missing` when the kernel had none).
 */
export function netemFetchItems(shaping: HostShaping, runDir: string): FetchItem[] {
  const dirs = [...new Set(shaping.destinations.map((d) => d.validateDir))];
  return [
    ...dirs.map((d) => ({
      src: `${STATE_DIR}/validate/${d}/${shaping.host}.fpingout`,
      dest: path.join(runDir, "network-validate", d, `${shaping.host}.fpingout`),
      origin: "network validation",
    })),
    ...["rules", "status", "base.fpingout"].map((f) => ({
      src: `${STATE_DIR}/${f}`,
      dest: path.join(runDir, "network", shaping.host, f),
      origin: "network emulation state",
    })),
  ];
}

/**
 * The emulated links leaving one host: the plan's NetworkRules for it, applied with tc over SSH from the
 * deployer by the scripts of netem/tcScript.ts (create and update make the tree exactly the rules, in
 * place; delete removes only the trees this project created). It is a dependency of the host's fetch, so
 * at destroy it goes after the host's files are home, and a host that cannot be reached then is recorded
 * in `<run>/missing.txt` instead of failing the destroy.
 */
export class NetemLink extends pulumi.ComponentResource {
  readonly rules: NetworkRule[];
  readonly shaping: HostShaping;
  readonly command: command.local.Command;

  constructor(name: string, args: NetemLinkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:network:NetemLink", name, {}, opts);
    this.rules = args.rules;
    this.shaping = args.shaping;
    const run = args.run;
    const asRoot = args.host.user !== "root";
    const apply = ["set -u", localSshPrelude(args.host, run.ssh), runRemotely(tcApplyScript(args.shaping, { allowMissingNetem: args.allowMissingNetem }), 300, asRoot), "exit $E2C_RC"].join("\n");
    this.command = new command.local.Command(
      `${name}-tc`,
      {
        create: apply,
        update: apply,
        delete: run.runDir.apply((runDir) =>
          [
            "set -u",
            recordLossFn(runDir, args.host.name),
            localSshPrelude(args.host, run.ssh),
            runRemotely(tcRemoveScript(args.shaping.host), 120, asRoot),
            'if [ $E2C_RC -ne 0 ]; then e2c_lost "network emulation rules not removed" "$(e2c_reason $E2C_RC)"; fi',
            "exit 0",
          ].join("\n"),
        ),
        interpreter: ["/bin/bash", "-c"],
        environment: localSshEnvironment(run),
      },
      {
        parent: this,
        dependsOn: [run.keyFile],
        customTimeouts: commandTimeouts("10m"),
        additionalSecretOutputs: ["environment"],
      },
    );
    this.registerOutputs({
      rules: args.rules.map((r) => ({ to: r.destinationHost, delay: r.delay, rate: r.rate, loss: r.loss })),
    });
  }
}
