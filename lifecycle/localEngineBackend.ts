import * as fs from "fs";
import * as path from "path";
import { freshRequire } from "../testbed/engine/freshRequire";
import { EngineRecord, LocalEngine } from "../testbed/engine/localEngine";
import { DeploymentBackend, DestroyReport } from "./deploymentBackend";

/**
 * The program run by the project's local engine (see testbed/engine): for the local testbed on machines
 * without the Pulumi CLI. State lives in memory, so up and destroy happen in one process.
 */
export class LocalEngineBackend implements DeploymentBackend {
  readonly name = "local-engine";
  private engine?: LocalEngine;

  constructor(
    private readonly projectDir: string,
    private readonly stackName: string,
    private readonly stackFile: string,
    private readonly sshKeyFile: string,
  ) {}

  async up(env: Record<string, string>, log: (line: string) => void): Promise<Record<string, unknown>> {
    Object.assign(process.env, env, { E2C_STACK_FILE: this.stackFile });
    this.engine = new LocalEngine({
      onCreated: (r) => log(`created ${r.type} ${r.name} (${r.createSeconds.toFixed(1)} s)`),
      onFailed: (type, name, e) => log(`FAILED ${type} ${name}: ${e.message}`),
    });
    const index = path.join(this.projectDir, "index.ts");
    return this.engine.up("edge2cloud", this.stackName, { "edge2cloud:sshPrivateKey": fs.readFileSync(this.sshKeyFile, "utf8") }, ["edge2cloud:sshPrivateKey"], () =>
      freshRequire(this.projectDir, index),
    );
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
