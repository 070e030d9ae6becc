import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { chooseBackend } from "../../lifecycle/chooseBackend";
import { LocalEngineBackend } from "../../lifecycle/localEngineBackend";
import { PulumiBackend } from "../../lifecycle/pulumiBackend";
import { StackWorkspace } from "../../lifecycle/stackWorkspace";
import { programConfigOf } from "../../testbed/engine/cliStackFile";

/**
 * A new user's first run, on a machine with no key, no state folder and no Pulumi CLI: the commands make
 * what they need, outside the repository, and leave the user's tracked files as they were.
 */
const PROJECT = path.resolve(__dirname, "../..");
const digest = (f: string) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");

let home: string;
const savedHome = process.env.E2C_HOME;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-home-"));
  process.env.E2C_HOME = home;
});
afterEach(() => {
  if (savedHome === undefined) delete process.env.E2C_HOME;
  else process.env.E2C_HOME = savedHome;
  fs.rmSync(home, { recursive: true, force: true });
});

test("the workspace makes the state folder, the key and a project file whose program is this project", () => {
  const ws = new StackWorkspace(PROJECT, "local", home);
  expect(ws.ensure().sort()).toEqual([`SSH key ${path.join(home, "local", "id_ed25519")}`, `state folder ${path.join(home, "pulumi-state")}`]);
  expect(fs.statSync(ws.stateDir).isDirectory()).toBe(true);
  expect(execFileSync("ssh-keygen", ["-y", "-f", ws.sshKeyFile], { encoding: "utf8" })).toMatch(/^ssh-ed25519 /);
  const project = parse(fs.readFileSync(path.join(ws.dir, "Pulumi.yaml"), "utf8"));
  expect(path.resolve(ws.dir, project.main)).toBe(PROJECT);
  expect(project.name).toBe("edge2cloud");
  expect(project.runtime).toEqual(parse(fs.readFileSync(path.join(PROJECT, "Pulumi.yaml"), "utf8")).runtime);
  // Idempotent: the second time there is nothing to make and the key stays the same.
  const key = ws.sshPrivateKey();
  expect(ws.ensure()).toEqual([]);
  expect(ws.sshPrivateKey()).toBe(key);
});

test("the Pulumi engine runs in the workspace, with a backend folder that exists, never in the repository", () => {
  const ws = new StackWorkspace(PROJECT, "local", home);
  ws.ensure();
  const { workDir, envVars } = new PulumiBackend(PROJECT, "local", ws).selection({ E2C_DURATION: "30" });
  expect(path.relative(PROJECT, workDir).startsWith("..")).toBe(true);
  expect(envVars.PULUMI_BACKEND_URL).toBe(`file://${ws.stateDir}`);
  expect(fs.existsSync(envVars.PULUMI_BACKEND_URL.slice("file://".length))).toBe(true);
  expect(envVars.PULUMI_CONFIG_PASSPHRASE).toBe(ws.passphrase);
  expect(envVars.E2C_DURATION).toBe("30");
  // Real hosts: the user's own project and backend.
  expect(new PulumiBackend(PROJECT, "dev").selection({})).toEqual({ workDir: PROJECT, envVars: {} });
});

test("experiment --stack local --engine local on a fresh machine makes its key instead of failing", () => {
  const backend = chooseBackend(PROJECT, "local", "local");
  expect(backend).toBeInstanceOf(LocalEngineBackend);
  expect(fs.existsSync(path.join(home, "local", "id_ed25519"))).toBe(true);
  expect(fs.existsSync(path.join(home, "pulumi-state"))).toBe(true);
});

test("the key is stored as the CLI stores it, in the workspace; the tracked stack file does not change", () => {
  const tracked = path.join(PROJECT, "Pulumi.local.yaml");
  const before = digest(tracked);
  const ws = new StackWorkspace(PROJECT, "local", home);
  ws.ensure();
  ws.storeKeyAsCli();
  const written = parse(fs.readFileSync(ws.stackConfigFile, "utf8"));
  expect(written.encryptionsalt).toMatch(/^v1:/);
  expect(written.config["edge2cloud:sshPrivateKey"].secure).toMatch(/^v1:/);
  const { config, secretKeys } = programConfigOf(ws.stackConfigFile, ws.passphrase);
  expect(config["edge2cloud:sshPrivateKey"]).toBe(ws.sshPrivateKey());
  expect(secretKeys).toEqual(["edge2cloud:sshPrivateKey"]);
  expect(digest(tracked)).toBe(before);
});

test("--engine local on real hosts needs their key", () => {
  expect(() => chooseBackend(PROJECT, "dev", "local")).toThrow("--engine local on stack dev needs --ssh-key <file>");
});
