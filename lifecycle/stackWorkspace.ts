import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { setConfigAsCli } from "../testbed/engine/cliStackFile";

/** The passphrase of stacks made by this tool; set PULUMI_CONFIG_PASSPHRASE to use your own. */
export const DEFAULT_PASSPHRASE = "edge2cloud-local";
export const SSH_KEY_CONFIG = "edge2cloud:sshPrivateKey";

/** This tool's own folder: `$E2C_HOME`, by default `~/.edge2cloud`. */
export function e2cHome(): string {
  return process.env.E2C_HOME ?? path.join(os.homedir(), ".edge2cloud");
}

/**
 * Where `npm start`, `local:up/down` and `experiment --stack local` keep what Pulumi writes, outside the
 * user's repository: Pulumi rewrites a stack's config file whenever config is set (values as strings, the
 * secret, an `encryptionsalt`), so the tracked `Pulumi.<stack>.yaml` would change on every first run.
 * Instead the tool runs Pulumi in a workspace of its own (`Pulumi.yaml` whose `main` is the project, and
 * a stack config file holding only the SSH key and the salt); the program still reads its settings from
 * the project's `Pulumi.<stack>.yaml`. State goes to a `file://` backend beside it (no login).
 *
 *   <home>/pulumi-state/                 the file:// backend
 *   <home>/<stack>/id_ed25519            the testbed's SSH key (made once)
 *   <home>/<stack>/workspace/            Pulumi.yaml + Pulumi.<stack>.yaml (salt, secret key)
 */
export class StackWorkspace {
  readonly stateDir: string;
  readonly sshKeyFile: string;
  readonly dir: string;
  readonly stackConfigFile: string;
  readonly passphrase: string;
  private readonly ownKey: boolean;

  /** `sshKeyFile`: the user's own key (real hosts); by default the tool makes one for the stack. */
  constructor(
    readonly projectDir: string,
    readonly stack: string,
    home = e2cHome(),
    sshKeyFile?: string,
  ) {
    this.stateDir = path.join(home, "pulumi-state");
    this.ownKey = sshKeyFile === undefined;
    this.sshKeyFile = sshKeyFile ?? path.join(home, stack, "id_ed25519");
    this.dir = path.join(home, stack, "workspace");
    this.stackConfigFile = path.join(this.dir, `Pulumi.${stack}.yaml`);
    this.passphrase = process.env.PULUMI_CONFIG_PASSPHRASE ?? DEFAULT_PASSPHRASE;
  }

  get backendUrl(): string {
    return process.env.PULUMI_BACKEND_URL ?? `file://${this.stateDir}`;
  }

  /** Makes what is missing (state folder, key, workspace project file); returns what it made. */
  ensure(): string[] {
    const made: string[] = [];
    if (!fs.existsSync(this.stateDir)) {
      // The CLI's file:// backend refuses a folder that does not exist ("unable to open bucket").
      fs.mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
      made.push(`state folder ${this.stateDir}`);
    }
    if (!fs.existsSync(this.sshKeyFile)) {
      if (!this.ownKey) throw new Error(`SSH key ${this.sshKeyFile} not found`);
      fs.mkdirSync(path.dirname(this.sshKeyFile), { recursive: true, mode: 0o700 });
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `edge2cloud-${this.stack}`, "-f", this.sshKeyFile]);
      made.push(`SSH key ${this.sshKeyFile}`);
    }
    fs.mkdirSync(this.dir, { recursive: true });
    const project = parse(fs.readFileSync(path.join(this.projectDir, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    const text = stringify({ ...project, main: path.relative(this.dir, this.projectDir) || "." });
    const file = path.join(this.dir, "Pulumi.yaml");
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
    return made;
  }

  sshPrivateKey(): string {
    return fs.readFileSync(this.sshKeyFile, "utf8");
  }

  /** The key as `pulumi config set --secret` stores it, for the project's engine (the CLI sets it itself). */
  storeKeyAsCli(): void {
    setConfigAsCli(this.stackConfigFile, this.passphrase, {}, { [SSH_KEY_CONFIG]: this.sshPrivateKey() });
  }
}
