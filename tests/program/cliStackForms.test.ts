import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Diagnostics } from "../../model/diagnostic";
import { loadStackFile } from "../../model/loadStack";
import { programConfigOf, setConfigAsCli } from "../../testbed/engine/cliStackFile";
import { writeLocalStackCopy } from "../../testbed/localStackCopy";
import { evaluateProgram, FAKE_KEY, INDEX, installMocks, jestLoader, PROJECT_DIR } from "./mockProgram";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

/**
 * Stack files as `pulumi config set` leaves them: every scalar a string (`duration: "60"`), `--path` values
 * nested the same way, the secret key as a `secure:` value under the stack's salt. The loader and the
 * program take them as they take the forms a person writes; values that are really wrong still fail where
 * they are.
 */
let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-cli-forms-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const settingsOf = (file: string) => {
  const diags = new Diagnostics();
  const s = loadStackFile(file, diags);
  expect(diags.items.map((d) => d.message)).toEqual([]);
  const { file: _f, secretKeys: _k, ...rest } = s!;
  return rest;
};

test.each(["Pulumi.local.yaml", "Pulumi.dev.yaml", "Pulumi.x2.yaml", "Pulumi.x10.yaml"])("%s rewritten by `pulumi config set` loads to the same settings", (name) => {
  const original = path.join(dir, name);
  fs.copyFileSync(path.join(PROJECT_DIR, name), original);
  const before = settingsOf(original);
  setConfigAsCli(original, "pw", {}, { "edge2cloud:sshPrivateKey": FAKE_KEY });
  expect(fs.readFileSync(original, "utf8")).toMatch(/^encryptionsalt: v1:/m);
  expect(settingsOf(original)).toEqual({ ...before, location: undefined, hosts: before.hosts.map((h) => ({ ...h, location: expect.anything() })) } as never);
});

test("`pulumi config set edge2cloud:duration 120` and --path values for nested keys are read as numbers and booleans", () => {
  const file = path.join(dir, "Pulumi.cli.yaml");
  fs.writeFileSync(
    file,
    [
      "config:",
      '  edge2cloud:duration: "120"',
      '  edge2cloud:repeat: "3"',
      '  edge2cloud:allowMissingNetem: "false"',
      "  edge2cloud:jumpHost:",
      "    host: access.example.org",
      '    port: "2222"',
      "  edge2cloud:hosts:",
      '    - {name: a, address: 10.0.0.1, port: "2200"}',
      "",
    ].join("\n"),
  );
  const s = loadStackFile(file, new Diagnostics())!;
  expect(s.durationSeconds).toBe(120);
  expect(s.currentRepeat).toBe(3);
  expect(s.allowMissingNetem).toBe(false);
  expect(s.jumpHost!.port).toBe(2222);
  expect(s.hosts[0].port).toBe(2200);
});

test("strings that are not what the key needs are still errors at their file:line:col, all at once", () => {
  const file = path.join(dir, "Pulumi.bad.yaml");
  fs.writeFileSync(
    file,
    ["config:", '  edge2cloud:duration: "sixty"', '  edge2cloud:allowMissingNetem: "yes"', "  edge2cloud:hosts:", '    - {name: a, address: 10.0.0.1, port: "22.5"}', ""].join("\n"),
  );
  const diags = new Diagnostics();
  expect(loadStackFile(file, diags)).toBeUndefined();
  expect(diags.items.map((d) => `${d.location.line}:${d.location.col} ${d.message} (got ${d.value})`).sort()).toEqual([
    '2:24 wrong type for config.edge2cloud:duration (got "sixty")',
    '3:33 wrong type for config.edge2cloud:allowMissingNetem (got "yes")',
    '5:42 wrong type for config.edge2cloud:hosts.0.port (got "22.5")',
  ]);
});

test("the program deploys the same resources from the local stack file as the CLI writes it, with config as the CLI gives it", async () => {
  const plain = writeLocalStackCopy(PROJECT_DIR, fs.mkdtempSync(path.join(dir, "plain-")), path.join(dir, "results"));
  const baseline = await evaluateProgram("local", jestLoader, plain);

  const asCli = writeLocalStackCopy(PROJECT_DIR, fs.mkdtempSync(path.join(dir, "cli-")), path.join(dir, "results"));
  setConfigAsCli(asCli, "pw", {}, { "edge2cloud:sshPrivateKey": FAKE_KEY });
  expect(fs.readFileSync(asCli, "utf8")).toContain('edge2cloud:duration: "60"');
  const { resources } = await installMocks("local", asCli);
  const { config, secretKeys } = programConfigOf(asCli, "pw");
  pulumi.runtime.setAllConfig(config, secretKeys);
  await pulumi.runtime.runInPulumiStack(async () => jestLoader(INDEX) as Record<string, unknown>);
  await waitForRPCs();
  const shape = (rs: { type: string; name: string }[]) => rs.map((r) => `${r.type} ${r.name}`).sort();
  expect(resources.length).toBeGreaterThan(50);
  expect(shape(resources)).toEqual(shape(baseline.resources));
});
