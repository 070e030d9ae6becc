import { ConfigMap, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { DeploymentBackend, DestroyReport } from "./deploymentBackend";
import { SSH_KEY_CONFIG, StackWorkspace } from "./stackWorkspace";

/**
 * The Pulumi engine through its Automation API: the same program and state as the CLI. With a
 * `StackWorkspace` (the local testbed), Pulumi runs in the tool's own workspace with a file:// backend and
 * the default passphrase, and the SSH key is set as the stack's secret there, so no login is needed and the
 * user's repository is left as it was. Without one, it is the user's project, stack file and backend.
 */
export class PulumiBackend implements DeploymentBackend {
  readonly name = "pulumi";
  private stack?: Stack;

  constructor(
    private readonly projectDir: string,
    private readonly stackName: string,
    private readonly workspace?: StackWorkspace,
  ) {}

  /** The Automation API's stack selection: which folder Pulumi runs in and with which environment. */
  selection(env: Record<string, string>): { workDir: string; envVars: Record<string, string> } {
    const envVars: Record<string, string> = { ...env };
    if (!this.workspace) return { workDir: this.projectDir, envVars };
    envVars.PULUMI_BACKEND_URL = this.workspace.backendUrl;
    envVars.PULUMI_CONFIG_PASSPHRASE = this.workspace.passphrase;
    return { workDir: this.workspace.dir, envVars };
  }

  private async select(env: Record<string, string>): Promise<Stack> {
    this.workspace?.ensure();
    const { workDir, envVars } = this.selection(env);
    this.stack = await LocalWorkspace.createOrSelectStack({ stackName: this.stackName, workDir }, { envVars });
    return this.stack;
  }

  async up(env: Record<string, string>, log: (line: string) => void): Promise<Record<string, unknown>> {
    const stack = await this.select(env);
    if (this.workspace) {
      const config: ConfigMap = { [SSH_KEY_CONFIG]: { value: this.workspace.sshPrivateKey(), secret: true } };
      await stack.setAllConfig(config);
    }
    const res = await stack.up({ onOutput: (o) => o.split("\n").filter(Boolean).forEach(log) });
    return Object.fromEntries(Object.entries(res.outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
  }

  async destroy(log: (line: string) => void): Promise<DestroyReport> {
    const stack = this.stack ?? (await this.select({}));
    try {
      await stack.destroy({ continueOnError: true, onOutput: (o) => o.split("\n").filter(Boolean).forEach(log) });
      return { errors: [] };
    } catch (e) {
      return { errors: [(e as Error).message] };
    }
  }
}
