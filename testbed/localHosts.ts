import { spawnSync } from "child_process";
import * as net from "net";
import { LocalTestbedDecl, StackSettings } from "../model/stackTypes";

/**
 * The local testbed's machines: one container per host of the stack, from a bare Debian image with only
 * sshd (testbed/host), at the host's address on a Docker network of this machine. They stand for bare
 * metal, so they exist before a deployment and outlive it, as reserved nodes do: the program prepares
 * them (engine, tools, images) like any host, and a second deployment finds what the first installed.
 * Each runs its own Docker engine (installed by the bootstrap) with `/var/lib/docker` on a volume of its
 * own; a nested engine needs the capabilities and cgroup access below (`--privileged` is refused here).
 */
export interface LocalHosts {
  testbed: LocalTestbedDecl;
  hosts: { name: string; address: string }[];
}

export const LOCAL_HOST_LABEL = "e2c.testbed=local";

export function localHostsOf(settings: StackSettings): LocalHosts {
  if (!settings.localTestbed) throw new Error(`stack ${settings.stack} has no edge2cloud:localTestbed: its hosts are not emulated here`);
  return { testbed: settings.localTestbed, hosts: settings.hosts.map((h) => ({ name: h.name, address: h.address })) };
}

function docker(args: string[], what: string): string {
  const r = spawnSync("docker", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${what}: docker ${args.slice(0, 2).join(" ")} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

const exists = (kind: "container" | "network" | "volume", name: string) =>
  spawnSync("docker", [kind, "inspect", name], { stdio: "ignore" }).status === 0;

export function dockerVolumeOf(host: string): string {
  return `${host}-var-lib-docker`;
}

/** Starts the hosts that are not running (and authorises `publicKey` on all); waits until sshd answers. */
export async function ensureLocalHosts(spec: LocalHosts, publicKey: string): Promise<void> {
  const key = publicKey.trim();
  if (!exists("network", spec.testbed.network)) {
    docker(["network", "create", "--subnet", spec.testbed.subnet, "--label", LOCAL_HOST_LABEL, spec.testbed.network], "testbed network");
  }
  for (const h of spec.hosts) {
    if (exists("container", h.name)) {
      const running = docker(["inspect", "-f", "{{.State.Running}}", h.name], h.name) === "true";
      if (!running) docker(["start", h.name], h.name);
      docker(["exec", h.name, "sh", "-c", 'printf "%s\\n" "$1" > /root/.ssh/authorized_keys', "sh", key], h.name);
      continue;
    }
    docker(
      [
        "run", "-d", "--name", h.name, "--hostname", h.name,
        "--network", spec.testbed.network, "--ip", h.address,
        "--label", LOCAL_HOST_LABEL,
        // A Docker engine inside (see the class comment); NET_ADMIN also lets NetemLink shape traffic.
        // SYS_PTRACE: `docker exec` (and health checks) into a container whose process dropped root
        // (Mosquitto) joins its namespaces, which needs it; seen: "error executing setns process".
        "--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--cap-add", "SYS_PTRACE",
        "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
        "--cgroupns", "host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
        "-v", `${dockerVolumeOf(h.name)}:/var/lib/docker`,
        "-e", `AUTHORIZED_KEY=${key}`,
        spec.testbed.hostImage,
      ],
      h.name,
    );
  }
  await Promise.all(spec.hosts.map((h) => waitForSsh(h.name, h.address)));
}

async function waitForSsh(name: string, address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: address, port: 22, timeout: 2000 });
      s.once("data", (d) => {
        s.destroy();
        resolve(d.toString().startsWith("SSH-"));
      });
      s.once("error", () => resolve(false));
      s.once("timeout", () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`local host ${name} (${address}): sshd did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Removes the hosts, their engines' volumes and the network: nothing of the testbed stays on this machine. */
export function removeLocalHosts(spec: LocalHosts): void {
  for (const h of spec.hosts) {
    if (exists("container", h.name)) docker(["rm", "-f", "-v", h.name], h.name);
    if (exists("volume", dockerVolumeOf(h.name))) docker(["volume", "rm", dockerVolumeOf(h.name)], h.name);
  }
  if (exists("network", spec.testbed.network)) docker(["network", "rm", spec.testbed.network], "testbed network");
}

/** The public half of a private key file, as the hosts authorise it. */
export function publicKeyOf(privateKeyFile: string): string {
  const r = spawnSync("ssh-keygen", ["-y", "-f", privateKeyFile], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cannot read the public key of ${privateKeyFile}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}
