import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { programConfigOf, setConfigAsCli } from "../../testbed/engine/cliStackFile";
import { PassphraseSecrets } from "../../testbed/engine/passphraseSecrets";

/** The stack config file as the Pulumi CLI writes and reads it, which the local engine imitates. */

// Pulumi's own test vector (pkg/secrets/passphrase/manager_test.go): this salt state opens with the
// passphrase "password" and refuses "password123".
const PULUMI_SALT = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-cli-stack-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the passphrase provider opens a salt written by the Pulumi CLI and refuses a wrong passphrase", () => {
  const secrets = PassphraseSecrets.open("password", PULUMI_SALT);
  expect(secrets.decrypt(secrets.encrypt("a key\nwith lines"))).toBe("a key\nwith lines");
  expect(() => PassphraseSecrets.open("password123", PULUMI_SALT)).toThrow("incorrect passphrase");
  expect(() => PassphraseSecrets.open("password", "fozI5u6B030=:v1:F+6ZduL:PGMF")).toThrow("unsupported encryptionsalt");
});

test("a new salt has the CLI's form and checks the passphrase", () => {
  const made = PassphraseSecrets.create("pw");
  expect(made.encryptionSalt).toMatch(/^v1:[A-Za-z0-9+/=]{12}:v1:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]+$/);
  expect(() => PassphraseSecrets.open("pw", made.encryptionSalt)).not.toThrow();
  expect(() => PassphraseSecrets.open("other", made.encryptionSalt)).toThrow("incorrect passphrase");
});

test("config set writes scalars as strings and secrets as secure values; the program gets strings", () => {
  const file = path.join(dir, "Pulumi.s.yaml");
  fs.writeFileSync(file, "config:\n  edge2cloud:duration: 60\n  edge2cloud:allowMissingNetem: true\n  edge2cloud:hosts:\n    - {name: a, address: 10.0.0.1, port: 22}\n");
  setConfigAsCli(file, "pw", { "edge2cloud:repeat": 2 }, { "edge2cloud:sshPrivateKey": "KEY" });
  const written = parse(fs.readFileSync(file, "utf8"));
  expect(written.encryptionsalt).toMatch(/^v1:/);
  expect(written.config["edge2cloud:duration"]).toBe("60");
  expect(written.config["edge2cloud:allowMissingNetem"]).toBe("true");
  expect(written.config["edge2cloud:repeat"]).toBe("2");
  expect(written.config["edge2cloud:hosts"]).toEqual([{ name: "a", address: "10.0.0.1", port: 22 }]);
  expect(written.config["edge2cloud:sshPrivateKey"].secure).toMatch(/^v1:/);
  expect(fs.readFileSync(file, "utf8")).not.toContain("KEY\n");

  const { config, secretKeys } = programConfigOf(file, "pw");
  expect(config).toEqual({
    "edge2cloud:allowMissingNetem": "true",
    "edge2cloud:duration": "60",
    "edge2cloud:hosts": JSON.stringify([{ name: "a", address: "10.0.0.1", port: 22 }]),
    "edge2cloud:repeat": "2",
    "edge2cloud:sshPrivateKey": "KEY",
  });
  expect(secretKeys).toEqual(["edge2cloud:sshPrivateKey"]);
  expect(() => programConfigOf(file, "wrong")).toThrow("incorrect passphrase");
  // A second set keeps the salt, as the CLI does.
  setConfigAsCli(file, "pw", {}, { "edge2cloud:sshPrivateKey": "KEY2" });
  expect(parse(fs.readFileSync(file, "utf8")).encryptionsalt).toBe(written.encryptionsalt);
  expect(programConfigOf(file, "pw").config["edge2cloud:sshPrivateKey"]).toBe("KEY2");
});
