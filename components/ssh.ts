import * as pulumi from "@pulumi/pulumi";
import type * as command from "@pulumi/command";
import { JumpHostDecl } from "../model/stackTypes";
import { shq } from "./shell";

/** How one host is reached: directly or through the testbed's access frontend. */
export interface SshTarget {
  /** Plan name of the host, used in records and resource names. */
  name: string;
  address: string;
  user: string;
  port: number;
  jumpHost?: JumpHostDecl;
}

/** Where the deployer keeps the experiment's private key and known hosts for its own `ssh`/`scp` runs. */
export interface LocalSshFiles {
  keyFile: string;
  knownHostsFile: string;
}

/**
 * Connection of a `remote.Command`/`CopyToRemote`. The key is wrapped in `pulumi.secret` again here so a
 * caller that forgot cannot leak it into state. Dial limits keep an unreachable host from stalling a run
 * for the provider's default 10 x 15 s per command.
 */
export function remoteConnection(
  target: SshTarget,
  privateKey: pulumi.Input<string>,
  hostsReady?: pulumi.Output<unknown>,
): pulumi.Input<command.types.input.remote.ConnectionArgs> {
  const key = pulumi.secret(privateKey);
  return {
    // Through `hostsReady` (the local testbed's emulated hosts), every command on a host waits for it.
    host: hostsReady ? hostsReady.apply(() => target.address) : target.address,
    user: target.user,
    port: target.port,
    privateKey: key,
    dialErrorLimit: 4,
    perDialTimeout: 15,
    proxy: target.jumpHost
      ? {
          host: target.jumpHost.host,
          user: target.jumpHost.user,
          port: target.jumpHost.port,
          privateKey: key,
          dialErrorLimit: 4,
          perDialTimeout: 15,
        }
      : undefined,
  };
}

/** OpenSSH options shared by ssh, scp and the Docker provider: key only, no prompts, bounded waits. */
export function baseSshOptions(files: LocalSshFiles): string[] {
  return [
    "-i", files.keyFile,
    "-o", "IdentitiesOnly=yes",
    "-o", "BatchMode=yes",
    "-o", "ConnectTimeout=15",
    "-o", "ServerAliveInterval=15",
    "-o", "ServerAliveCountMax=4",
    "-o", "StrictHostKeyChecking=accept-new",
    "-o", `UserKnownHostsFile=${files.knownHostsFile}`,
  ];
}

/**
 * `ProxyCommand` rather than `-J`: options given on the command line (the key) do not apply to a `-J` jump
 * host, so the key would have to be in ~/.ssh/config.
 */
export function proxyOptions(target: SshTarget, files: LocalSshFiles): string[] {
  const j = target.jumpHost;
  if (!j) return [];
  const inner = ["ssh", ...baseSshOptions(files), "-p", String(j.port), "-W", "%h:%p", `${j.user}@${j.host}`];
  return ["-o", `ProxyCommand=${inner.map(shq).join(" ")}`];
}

/** Options of the Docker provider's `ssh://` connection (the port is in its URL). */
export function dockerSshOptions(target: SshTarget, files: LocalSshFiles): string[] {
  return [...baseSshOptions(files), ...proxyOptions(target, files)];
}

export function dockerHostUrl(target: SshTarget): string {
  return `ssh://${target.user}@${target.address}:${target.port}`;
}

/**
 * Bash lines defining `SSH_OPTS`, `SCP_OPTS` and `TARGET` for a script run on the deployer. If the key file
 * is gone (destroy from another checkout, cleaned folder) it is written again from `E2C_SSH_KEY`, which
 * the command receives as a secret environment variable.
 */
export function localSshPrelude(target: SshTarget, files: LocalSshFiles): string {
  const base = [...baseSshOptions(files), ...proxyOptions(target, files)].map(shq).join(" ");
  return [
    `K=${shq(files.keyFile)}`,
    'if [ ! -s "$K" ] && [ -n "${E2C_SSH_KEY:-}" ]; then',
    '  (umask 077; mkdir -p "$(dirname "$K")"; printf \'%s\\n\' "$E2C_SSH_KEY" > "$K")',
    "fi",
    `SSH_OPTS=(${base} -p ${target.port})`,
    `SCP_OPTS=(${base} -P ${target.port})`,
    `TARGET=${shq(`${target.user}@${target.address}`)}`,
  ].join("\n");
}

/**
 * Bash lines that run `script` on the target over ssh within `limitSeconds`. The exit status is left in
 * `E2C_RC`; 255 is ssh's own failure (host unreachable, auth refused), 124 the time limit.
 */
export function runRemotely(script: string, limitSeconds: number, asRoot = false): string {
  const marker = "E2C_REMOTE_SCRIPT_END";
  if (script.split("\n").includes(marker)) throw new Error(`script contains the heredoc marker ${marker}`);
  // `sudo -n`: fail at once rather than wait for a password nobody can type.
  const shell = asRoot ? "sudo -n bash -s" : "bash -s";
  return [
    `timeout ${limitSeconds} ssh "\${SSH_OPTS[@]}" "$TARGET" '${shell}' <<'${marker}'`,
    script,
    marker,
    "E2C_RC=$?",
  ].join("\n");
}
