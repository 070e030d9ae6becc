import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as random from "@pulumi/random";
import { LocalSshFiles } from "./ssh";
import { shq } from "./shell";

/** `date` format of run folder names (as E2Clab's `YYYYmmdd-HHMMSS`). */
export const RUN_DIR_DATE_FORMAT = "+%Y%m%d-%H%M%S";

export interface ExperimentRunArgs {
  stack: string;
  /** Folder under which each deployment's results folder is made. */
  resultsDir: string;
  /** Where the deployer keeps the key file and known hosts of this stack. */
  ssh: LocalSshFiles;
  sshPrivateKey: pulumi.Input<string>;
}

/**
 * The identity of one deployment: a random experiment id (labels containers, names host work folders), its
 * start time (names the results folder `<results>/<stack>/<YYYYmmdd-HHMMSS>`), and the SSH key file that the deployer's own ssh, scp and
 * the Docker provider use. The key file is written from the secret at create and removed at destroy,
 * after everything that connects with it (they all depend on it).
 */
export class ExperimentRun extends pulumi.ComponentResource {
  readonly experimentId: pulumi.Output<string>;
  /** Start of the deployment, `YYYYmmdd-HHMMSS` in UTC: the name of its results folder. */
  readonly startedAt: pulumi.Output<string>;
  /** `<results>/<stack>/<startedAt>`. */
  readonly runDir: pulumi.Output<string>;
  readonly keyFile: command.local.Command;

  constructor(name: string, args: ExperimentRunArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:experiment:ExperimentRun", name, {}, opts);
    const id = new random.RandomString(
      `${name}-id`,
      { length: 8, upper: false, special: false, keepers: { stack: args.stack } },
      { parent: this },
    );
    this.experimentId = id.result;
    // E2Clab names each run's folder by its start time; the time is taken once, at create, and kept in
    // the state, so later updates of the same deployment keep writing to the same folder.
    const clock = new command.local.Command(
      `${name}-started`,
      { create: `date -u ${RUN_DIR_DATE_FORMAT}`, interpreter: ["/bin/bash", "-c"] },
      { parent: this, customTimeouts: { create: "1m" } },
    );
    this.startedAt = clock.stdout;
    this.runDir = clock.stdout.apply((t) => path.join(args.resultsDir, args.stack, t.trim()));
    const dir = path.dirname(args.ssh.keyFile);
    this.keyFile = new command.local.Command(
      `${name}-ssh-key`,
      {
        create: [
          "set -eu",
          "umask 077",
          `mkdir -p ${shq(dir)}`,
          `cat > ${shq(args.ssh.keyFile)}`,
          `chmod 600 ${shq(args.ssh.keyFile)}`,
          `touch ${shq(args.ssh.knownHostsFile)}`,
        ].join("\n"),
        delete: `rm -f ${shq(args.ssh.keyFile)} ${shq(args.ssh.knownHostsFile)}; rmdir ${shq(dir)} 2>/dev/null || true`,
        stdin: pulumi.secret(pulumi.output(args.sshPrivateKey).apply((k) => (k.endsWith("\n") ? k : k + "\n"))),
        interpreter: ["/bin/bash", "-c"],
      },
      { parent: this, additionalSecretOutputs: ["stdin"], customTimeouts: { create: "1m", delete: "1m" } },
    );
    this.registerOutputs({ experimentId: this.experimentId, runDir: this.runDir });
  }
}
