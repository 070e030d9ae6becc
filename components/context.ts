import * as pulumi from "@pulumi/pulumi";
import { DeferredGraph } from "./deferredGraph";
import { LocalSshFiles } from "./ssh";

/**
 * What every component needs from the run as a whole. Built once by the entry point (from the stack and
 * the ExperimentRun component) and passed down in each component's Args: components never read config.
 */
export interface RunContext {
  stack: string;
  /** From @pulumi/random: labels containers, names the host work folders and the results folder. */
  experimentId: pulumi.Output<string>;
  /** Results folder of this deployment on the deployer (`<results>/<stack>/<YYYYmmdd-HHMMSS>`). */
  runDir: pulumi.Output<string>;
  /** Secret. */
  sshPrivateKey: pulumi.Output<string>;
  ssh: LocalSshFiles;
  /**
   * The resource that writes the key file: every local command that runs ssh depends on it. On the local
   * testbed it also stands for "every emulated host is up".
   */
  keyFile: pulumi.Resource;
  /** Local testbed: resolves once the emulated hosts run; remote connections wait for it. */
  hostsReady?: pulumi.Output<unknown>;
  graph: DeferredGraph;
  /** Upper bounds of each command kind, so nothing can hang a `pulumi up` or `destroy`. */
  timeouts: CommandTimeouts;
}

export interface CommandTimeouts {
  /** A workflow step (prepare/launch) over SSH. */
  step: string;
  /** A copy of artifacts (datasets can be large). */
  copy: string;
  /** Stop, finalize and fetch at destroy, per host. */
  destroy: string;
  /** Containers: image pull and health wait. */
  container: string;
  /** Seconds given to a synchronous shell task of a step before it is killed. */
  syncTaskSeconds: number;
  /** Seconds the stop gives detached processes to exit and flush before SIGKILL. */
  stopGraceSeconds: number;
}

export const DEFAULT_TIMEOUTS: CommandTimeouts = {
  step: "15m",
  copy: "30m",
  destroy: "20m",
  container: "15m",
  syncTaskSeconds: 600,
  stopGraceSeconds: 30,
};

/** `customTimeouts` of a command resource. */
export function commandTimeouts(limit: string): pulumi.CustomTimeouts {
  return { create: limit, update: limit, delete: limit };
}

/** Environment of local commands that may have to recreate the key file (always secret). */
export function localSshEnvironment(ctx: RunContext): pulumi.Output<Record<string, string>> {
  return pulumi.secret(ctx.sshPrivateKey.apply((k): Record<string, string> => ({ E2C_SSH_KEY: k })));
}
