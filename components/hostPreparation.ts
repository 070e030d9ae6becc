import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { PlannedHost } from "../planner/planTypes";
import { RunContext, localSshEnvironment } from "./context";
import { makeRunMarkerScript } from "./runMarker";
import { shq } from "./shell";
import { localSshPrelude } from "./ssh";
import { HostBootstrap } from "./hostBootstrap";
import { HostImages, ImageSource } from "./hostImages";

export interface HostPreparationArgs {
  hosts: PlannedHost[];
  /** Install the packages each host needs (false: the user manages the hosts, `edge2cloud:bootstrapHosts`). */
  bootstrap: boolean;
  imageSource: ImageSource;
  /** `transfer`: IDs of the images in the deployer's engine, by name. */
  deployerImageIds: Record<string, string | undefined>;
  /** Context whose `keyFile` stands for "the hosts can be reached" (the key file, the local testbed's hosts). */
  run: RunContext;
}

/**
 * Every host made ready before anything else uses it: its packages (HostBootstrap), then its images
 * (HostImages), hosts in parallel. `gate` exists once all hosts are ready: the rest of the program waits
 * for it, and at destroy it is removed before them (nothing to undo: packages and images stay).
 */
export class HostPreparation extends pulumi.ComponentResource {
  readonly bootstraps: Record<string, HostBootstrap> = {};
  readonly images: Record<string, HostImages> = {};
  readonly gate: command.local.Command;

  constructor(name: string, args: HostPreparationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:host:HostPreparation", name, {}, opts);
    const ready: pulumi.Resource[] = [args.run.keyFile];
    for (const host of args.hosts) {
      let reachable: pulumi.Resource = args.run.keyFile;
      if (args.bootstrap && host.packages.length) {
        const b = new HostBootstrap(`${host.name}-bootstrap`, { host, run: args.run, dependsOn: [args.run.keyFile] }, { parent: this });
        this.bootstraps[host.name] = b;
        reachable = b.command;
        ready.push(b.command);
      }
      if (host.images.length) {
        const imgs = new HostImages(
          `${host.name}-images`,
          { host, source: args.imageSource, deployerImageIds: args.deployerImageIds, run: args.run, dependsOn: [reachable] },
          { parent: this },
        );
        this.images[host.name] = imgs;
        ready.push(...imgs.commands);
      }
    }
    // Once a host is prepared, before anything of the run starts on it: the run's start as the host's clock
    // sees it (see runMarker.ts).
    for (const host of args.hosts) {
      const after = [this.bootstraps[host.name]?.command, ...(this.images[host.name]?.commands ?? [])].filter((r): r is command.local.Command => !!r);
      const script = args.run.experimentId.apply((id) =>
        [
          "set -u",
          localSshPrelude(host, args.run.ssh),
          `timeout 120 ssh "\${SSH_OPTS[@]}" "$TARGET" ${shq(makeRunMarkerScript(id))}`,
          "rc=$?",
          `if [ $rc -ne 0 ]; then echo ${shq(`host ${host.name} (${host.user}@${host.address}:${host.port}): could not mark the run's start`)}" (exit $rc)" >&2; exit 1; fi`,
        ].join("\n"),
      );
      ready.push(
        new command.local.Command(
          `${host.name}-run-marker`,
          { create: script, interpreter: ["/bin/bash", "-c"], environment: localSshEnvironment(args.run) },
          { parent: this, dependsOn: after.length ? after : [args.run.keyFile], customTimeouts: { create: "3m" }, additionalSecretOutputs: ["environment"] },
        ),
      );
    }
    this.gate = new command.local.Command(
      `${name}-ready`,
      { create: "echo ready", interpreter: ["/bin/bash", "-c"] },
      { parent: this, dependsOn: ready, customTimeouts: { create: "1m" } },
    );
    this.registerOutputs({ bootstrapped: Object.keys(this.bootstraps), images: Object.fromEntries(Object.entries(this.images).map(([h, i]) => [h, Object.keys(i.imageIds)])) });
  }
}
