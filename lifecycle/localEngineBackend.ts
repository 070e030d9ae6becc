import * as path from "path";
import { freshRequire } from "../testbed/engine/freshRequire";
import { programConfigOf } from "../testbed/engine/cliStackFile";
import { EngineRecord, LocalEngine } from "../testbed/engine/localEngine";
import { DeploymentBackend, DestroyReport } from "./deploymentBackend";
import { StackWorkspace } from "./stackWorkspace";

/**
 * The program run by the project's local engine (see testbed/engine): for the local testbed on machines
 * without the Pulumi CLI. As the CLI does, it stores the SSH key as a secret in the workspace's stack
 * config file and gives the program that file's values as strings, secrets decrypted with the passphrase.
 * State lives in memory, so up and destroy happen in one process.
 */
export class LocalEngineBackend implements DeploymentBackend {
  readonly name = "local-engine";
  private engine?: LocalEngine;

  constructor(
    private readonly projectDir: string,
    private readonly stackName: string,
    /** The settings the program reads (the project's `Pulumi.<stack>.yaml` or a test's copy). */
    private readonly stackFile: string,
    private readonly workspace: StackWorkspace,
    /** Evaluates the program afresh for each `up`, as the CLI's new process does (jest has its own registry). */
    private readonly load: (file: string) => unknown = (file) => freshRequire(projectDir, file),
  ) {}

  async up(env: Record<string, string>, log: (line: string) => void): Promise<Record<string, unknown>> {
    this.workspace.ensure();
    this.workspace.storeKeyAsCli();
    const { config, secretKeys } = programConfigOf(this.workspace.stackConfigFile, this.workspace.passphrase);
    Object.assign(process.env, env, { E2C_STACK_FILE: this.stackFile });
    this.engine = new LocalEngine({
      onCreated: (r) => log(`created ${r.type} ${r.name} (${r.createSeconds.toFixed(1)} s)`),
      onFailed: (type, name, e) => log(`FAILED ${type} ${name}: ${e.message}`),
    });
    const index = path.join(this.projectDir, "index.ts");
    return this.engine.up("edge2cloud", this.stackName, config, secretKeys, () => this.load(index));
  }

  /** What the last `up` created, in order of completion (for benchmarks and tests). */
  get records(): readonly EngineRecord[] {
    return this.engine?.records ?? [];
  }

  async destroy(log: (line: string) => void): Promise<DestroyReport> {
    if (!this.engine) return { errors: [] };
    const errors = await this.engine.destroy();
    for (const e of errors) log(`delete of ${e.record.type} ${e.record.name} failed: ${e.error.message.split("\n")[0]}`);
    return { errors: errors.map((e) => `${e.record.name}: ${e.error.message}`) };
  }
}
