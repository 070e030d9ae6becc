import * as os from "os";
import * as path from "path";
import { ConfigMap, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { DeploymentBackend, DestroyReport } from "./deploymentBackend";

/** Where stacks keep their state when the user has no Pulumi backend of their own (no login needed). */
export const LOCAL_STATE_DIR = path.join(os.homedir(), ".edge2cloud", "pulumi-state");
/** The passphrase of local stacks made by this tool; set PULUMI_CONFIG_PASSPHRASE to use your own. */
export const DEFAULT_PASSPHRASE = "edge2cloud-local";

/** The Pulumi engine through its Automation API: the same program, stack file and state as the CLI. */
export class PulumiBackend implements DeploymentBackend {
  readonly name = "pulumi";
  private stack?: Stack;

  constructor(
    private readonly projectDir: string,
    private readonly stackName: string,
    private readonly useLocalState: boolean,
  ) {}

  private async select(env: Record<string, string>): Promise<Stack> {
    const envVars: Record<string, string> = { ...env };
    if (this.useLocalState) {
      envVars.PULUMI_BACKEND_URL = process.env.PULUMI_BACKEND_URL ?? `file://${LOCAL_STATE_DIR}`;
      envVars.PULUMI_CONFIG_PASSPHRASE = process.env.PULUMI_CONFIG_PASSPHRASE ?? DEFAULT_PASSPHRASE;
    }
    this.stack = await LocalWorkspace.createOrSelectStack({ stackName: this.stackName, workDir: this.projectDir }, { envVars });
    return this.stack;
  }

  async up(env: Record<string, string>, log: (line: string) => void, config: ConfigMap = {}): Promise<Record<string, unknown>> {
    const stack = await this.select(env);
    if (Object.keys(config).length) await stack.setAllConfig(config);
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
