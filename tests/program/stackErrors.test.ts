import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { jestLoader, INDEX, PROJECT_DIR, installMocks } from "./mockProgram";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

/** The entry point refuses a bad stack before declaring anything, and says where and what. */


let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-stack-errors-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function stackWith(name: string, extra: string, hosts = 15): string {
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  const list = Array.from({ length: hosts }, (_, i) => `    - name: h${i + 1}\n      address: 10.0.0.${i + 1}`).join("\n");
  fs.writeFileSync(file, `config:\n  edge2cloud:scenario: ${path.join(PROJECT_DIR, "configs/cctv")}\n${extra}  edge2cloud:hosts:\n${list}\n`);
  return file;
}

test("errors of the stack file are reported with file:line:col and nothing is declared", async () => {
  const file = stackWith("bad", "  edge2cloud:duration: soon\n  edge2cloud:allowMissingNetem: maybe\n", 3);
  const { resources } = await installMocks("bad", file);
  expect(() => jestLoader(INDEX)).toThrow(/Pulumi\.bad\.yaml:3:\d+: .*duration[\s\S]*Pulumi\.bad\.yaml:4:\d+: .*allowMissingNetem/);
  await waitForRPCs();
  expect(resources).toEqual([]);
});

test("the stack is the mocked stack's file unless E2C_STACK_FILE names another", async () => {
  await installMocks("nosuchstack");
  expect(() => jestLoader(INDEX)).toThrow(`${PROJECT_DIR}/Pulumi.nosuchstack.yaml:1:1: stack file not found`);
});

test("a stack without the image of a service says which one", async () => {
  const file = stackWith("noimages", "  edge2cloud:images: {zookeeper: z, mosquitto: m}\n");
  const { resources } = await installMocks("noimages", file);
  expect(() => jestLoader(INDEX)).toThrow("the stack gives no image for flink, kafka (set edge2cloud:images.<role> in Pulumi.noimages.yaml)");
  await waitForRPCs();
  expect(resources).toEqual([]);
});
