import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { stackFileName } from "../model/loadStack";
import { DeploymentBackend } from "./deploymentBackend";
import { LocalEngineBackend } from "./localEngineBackend";
import { PulumiBackend } from "./pulumiBackend";

export type EngineChoice = "pulumi" | "local";

/** The local testbed's SSH key, made by `npm run local:up` on first use. */
export const LOCAL_SSH_KEY = path.join(os.homedir(), ".edge2cloud", "local", "id_ed25519");

export function hasPulumiCli(): boolean {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

/**
 * The Pulumi engine when its CLI is installed; otherwise, for the local testbed only, the project's own
 * engine. Real hosts without the CLI get an error that says how to install it.
 */
export function chooseBackend(projectDir: string, stack: string, choice: EngineChoice | undefined, sshKeyFile = LOCAL_SSH_KEY): DeploymentBackend {
  const engine = choice ?? (hasPulumiCli() ? "pulumi" : stack === "local" ? "local" : undefined);
  if (engine === undefined || (engine === "pulumi" && !hasPulumiCli())) {
    throw new Error(
      "the Pulumi CLI is not installed: get it from https://www.pulumi.com/docs/install/ (curl -fsSL https://get.pulumi.com | sh)" +
        (stack === "local" ? ", or run with --engine local" : ""),
    );
  }
  return engine === "pulumi"
    ? new PulumiBackend(projectDir, stack, stack === "local")
    : new LocalEngineBackend(projectDir, stack, path.join(projectDir, stackFileName(stack)), sshKeyFile);
}
