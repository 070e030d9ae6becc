import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { PlannedHost } from "../planner/planTypes";
import { RunContext, commandTimeouts, localSshEnvironment } from "./context";
import { HostBuild, buildScript, pullScript, transferScript } from "./imageScripts";
import { shq } from "./shell";
import { localSshPrelude } from "./ssh";

/** Where the images of the hosts come from (`edge2cloud:imageSource`). */
export type ImageSource =
  | { kind: "transfer" }
  /** Pulled by each host; the password is a Pulumi secret. */
  | { kind: "registry"; registry?: { address: string; username: string; password: pulumi.Input<string> } }
  /**
   * Built on each host from the project's Dockerfiles: per image, its staged context and inputs hash
   * (undefined: nothing staged, which fails that host's command with what to run), and the base image.
   */
  | { kind: "build"; baseImage: string; contexts: Record<string, Omit<HostBuild, "baseImage"> | undefined>; index: string };

export interface HostImagesArgs {
  host: PlannedHost;
  source: ImageSource;
  /**
   * `transfer`: the ID of each image in the deployer's engine when the program was evaluated. A change
   * sends the image again to exactly the hosts that use it.
   */
  deployerImageIds: Record<string, string | undefined>;
  run: RunContext;
  /** The host's bootstrap (its engine must run), or whatever makes the host reachable. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** Where a host's image record is written in the run's results folder. */
export function imageRecordFile(runDir: string, host: string): string {
  return path.join(runDir, "images", `${host}.tsv`);
}

/** Lock files that bound the transfers leaving this machine (shared by every stack of this user). */
export function transferLockDir(): string {
  return path.join(os.tmpdir(), `e2c-image-transfers-${os.userInfo().uid}`);
}

/**
 * The images one host uses (`host.images`), put on it from their source, one command per image so that a
 * changed image is sent again only to the hosts that use it. `imageIds` are the IDs on the host: the
 * host's containers are created from them. Images stay on the host at destroy (large, shared by runs).
 */
export class HostImages extends pulumi.ComponentResource {
  readonly imageIds: Record<string, pulumi.Output<string>> = {};
  readonly commands: command.local.Command[] = [];

  constructor(name: string, args: HostImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:host:HostImages", name, {}, opts);
    const { host, run, source } = args;
    for (const image of host.images) {
      const record = run.runDir.apply((d) => imageRecordFile(d, host.name));
      const script = record.apply((rec) => ["set -u", localSshPrelude(host, run.ssh), imageScript(source, host.name, image, rec)].join("\n"));
      const cmd = new command.local.Command(
        `${name}-${image.replace(/[^A-Za-z0-9.-]/g, "-")}`,
        {
          create: script,
          update: script,
          interpreter: ["/bin/bash", "-c"],
          environment: localSshEnvironment(run),
          ...(source.kind === "registry" && source.registry ? { stdin: pulumi.secret(source.registry.password) } : {}),
          // A new build of the image on the deployer (another ID) sends it again; new build inputs build again.
          triggers:
            source.kind === "transfer"
              ? [args.deployerImageIds[image] ?? "absent"]
              : source.kind === "build"
                ? [source.contexts[image]?.inputs ?? "absent"]
                : [image],
        },
        {
          parent: this,
          dependsOn: args.dependsOn,
          customTimeouts: commandTimeouts("60m"),
          additionalSecretOutputs: ["environment", "stdin"],
        },
      );
      this.commands.push(cmd);
      // The last line of the script's output is the ID on the host.
      this.imageIds[image] = cmd.stdout.apply((out) => out.trim().split("\n").pop() ?? "");
    }
    this.registerOutputs({ images: host.images });
  }
}

/** The deployer-side script that puts `image` on `host` from `source`, recording into `rec`. */
function imageScript(source: ImageSource, host: string, image: string, rec: string): string {
  switch (source.kind) {
    case "transfer":
      return transferScript(host, image, rec, transferLockDir());
    case "registry":
      return pullScript(host, image, rec, source.registry);
    case "build": {
      const c = source.contexts[image];
      if (!c) {
        const why = `no staged build context for ${image} (host ${host}) in ${source.index}: run REBUILD=1 npm run local:images, which stages every image's context there`;
        return `echo ${shq(why)} >&2; exit 1`;
      }
      return buildScript(host, image, rec, transferLockDir(), { ...c, baseImage: source.baseImage });
    }
  }
}
