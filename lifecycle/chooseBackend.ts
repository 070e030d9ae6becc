import { spawnSync } from "child_process";
import * as path from "path";
import { stackFileName } from "../model/loadStack";
import { DeploymentBackend } from "./deploymentBackend";
import { LocalEngineBackend } from "./localEngineBackend";
import { PulumiBackend } from "./pulumiBackend";
import { StackWorkspace } from "./stackWorkspace";

export type EngineChoice = "pulumi" | "local";

export function hasPulumiCli(): boolean {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

/** Stacks whose hosts the program makes on this machine run in the tool's own workspace (no login). */
export function isLocalTestbedStack(stack: string): boolean {
  return stack === "local";
}

/**
 * The Pulumi engine when its CLI is installed; otherwise, for the local testbed only, the project's own
 * engine. Real hosts without the CLI get an error that says how to install it. For the local testbed the
 * workspace (state folder, SSH key) is made when missing.
 */
export function chooseBackend(projectDir: string, stack: string, choice: EngineChoice | undefined, sshKeyFile?: string): DeploymentBackend {
  const local = isLocalTestbedStack(stack);
  const cli = choice === "local" ? false : hasPulumiCli();
  const engine = choice ?? (cli ? "pulumi" : local ? "local" : undefined);
  if (engine === undefined || (engine === "pulumi" && !cli)) {
    throw new Error(
      "the Pulumi CLI is not installed: get it from https://www.pulumi.com/docs/install/ (curl -fsSL https://get.pulumi.com | sh)" +
        (local ? ", or run with --engine local" : ""),
    );
  }
  if (engine === "local" && !local && !sshKeyFile) throw new Error(`--engine local on stack ${stack} needs --ssh-key <file> (the key of its hosts)`);
  // Real hosts with the CLI: the user's own project, stack file and backend. Otherwise the tool's workspace.
  if (engine === "pulumi" && !local) return new PulumiBackend(projectDir, stack);
  const workspace = new StackWorkspace(projectDir, stack, undefined, sshKeyFile);
  workspace.ensure();
  return engine === "pulumi"
    ? new PulumiBackend(projectDir, stack, workspace)
    : new LocalEngineBackend(projectDir, stack, path.join(projectDir, stackFileName(stack)), workspace);
}
