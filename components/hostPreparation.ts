import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { PlannedHost } from "../planner/planTypes";
import { RunContext } from "./context";
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
    this.gate = new command.local.Command(
      `${name}-ready`,
      { create: "echo ready", interpreter: ["/bin/bash", "-c"] },
      { parent: this, dependsOn: ready, customTimeouts: { create: "1m" } },
    );
    this.registerOutputs({ bootstrapped: Object.keys(this.bootstraps), images: Object.fromEntries(Object.entries(this.images).map(([h, i]) => [h, Object.keys(i.imageIds)])) });
  }
}
