import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import { LocalTestbedDecl } from "../model/stackTypes";
import { PlannedHost } from "../planner/planTypes";
import { shq } from "./shell";

export interface LocalTestbedArgs {
  testbed: LocalTestbedDecl;
  hosts: PlannedHost[];
  /** Data folder of each host, the same path on this machine and inside the host (see below). */
  dataDirOf: (host: PlannedHost) => string;
  /** The private key file the deployer's ssh uses; the hosts authorise its public half. */
  keyFile: string;
  /** The resource that writes the key file. */
  keyFileResource: pulumi.Resource;
  experimentId: pulumi.Input<string>;
}

/**
 * The emulated hosts of the local testbed: a Docker network and one container per host at its address,
 * running sshd and a Docker CLI that drives this machine's engine through the mounted socket, so the rest
 * of the program reaches them over SSH exactly as bare metal. Containers a host starts (`docker run
 * --network container:<host>`) live in its network namespace, so its address and traffic shaping apply to
 * them. A container started from a host resolves bind mounts on this machine, so each host's data folder is
 * mounted at the same path inside it: files the applications write there are what the host's ssh sees.
 */
export class LocalTestbed extends pulumi.ComponentResource {
  readonly hosts: Record<string, docker.Container> = {};
  /** Exists once every host runs sshd and the deployer's key file is written. */
  readonly gate: command.local.Command;

  constructor(name: string, args: LocalTestbedArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:testbed:LocalTestbed", name, {}, opts);
    const publicKey = new command.local.Command(
      `${name}-public-key`,
      { create: `ssh-keygen -y -f ${shq(args.keyFile)}`, interpreter: ["/bin/bash", "-c"] },
      { parent: this, dependsOn: [args.keyFileResource], customTimeouts: { create: "1m" } },
    );
    const network = new docker.Network(
      `${name}-network`,
      { name: args.testbed.network, ipamConfigs: [{ subnet: args.testbed.subnet }], labels: [{ label: "e2c.testbed", value: "local" }] },
      { parent: this },
    );
    for (const host of args.hosts) {
      const dataDir = args.dataDirOf(host);
      // Removed after the host container, so nothing a host wrote stays on this machine.
      const data = new command.local.Command(
        `${host.name}-data`,
        { create: `mkdir -p ${shq(dataDir)}`, delete: `rm -rf ${shq(dataDir)}`, interpreter: ["/bin/bash", "-c"] },
        { parent: this, customTimeouts: { create: "1m", delete: "5m" } },
      );
      this.hosts[host.name] = new docker.Container(
        `${host.name}-host`,
        {
          name: host.name,
          hostname: host.name,
          image: args.testbed.hostImage,
          networksAdvanced: [{ name: network.name, ipv4Address: host.address }],
          envs: [pulumi.interpolate`AUTHORIZED_KEY=${publicKey.stdout}`],
          // tc for NetemLink inside the host's namespace; nothing more than that.
          capabilities: { adds: ["NET_ADMIN"] },
          volumes: [
            { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" },
            { hostPath: dataDir, containerPath: dataDir },
          ],
          labels: [
            { label: "e2c.testbed", value: "local" },
            { label: "e2c.experiment", value: args.experimentId },
          ],
          healthcheck: { tests: ["CMD-SHELL", "pgrep -x sshd >/dev/null"], interval: "1s", timeout: "5s", retries: 60 },
          wait: true,
          waitTimeout: 120,
          restart: "no",
        },
        { parent: this, dependsOn: [data], deleteBeforeReplace: true, customTimeouts: { create: "5m", delete: "5m" } },
      );
    }
    // Every access to a host waits for this (see deployTestbed), and it goes first at destroy.
    this.gate = new command.local.Command(
      `${name}-ready`,
      { create: "echo ready", interpreter: ["/bin/bash", "-c"] },
      { parent: this, dependsOn: [args.keyFileResource, ...Object.values(this.hosts)], customTimeouts: { create: "1m" } },
    );
    this.registerOutputs({ network: network.name, hosts: Object.keys(this.hosts) });
  }
}
