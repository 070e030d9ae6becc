import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildInputs } from "../../model/deployerBuilds";
import { Diagnostics } from "../../model/diagnostic";
import { loadStackFile } from "../../model/loadStack";
import { writeLocalStackCopy } from "../../testbed/localStackCopy";
import { Evaluation, evaluateProgram, jestLoader, PROJECT_DIR, reveal } from "./mockProgram";

/**
 * `imageSource: build`: each host builds the images it uses from the contexts docker/build.sh staged
 * (listed in `<buildContexts>/contexts.tsv`), one command per host and image, re-run exactly where an
 * image's inputs changed. Contexts here are small stand-ins in a scratch folder; the base image is one the
 * deployer's engine does not have, so the inputs do not depend on this machine.
 */

const LOCAL = "command:local:Command";
const BASE = "e2c-test-absent-base:0";
const IMAGES = ["surveillance-zookeeper:3.8.0", "surveillance-kafka:3.9.1", "surveillance-flink:1.20.3", "surveillance-mosquitto:2.0.11", "surveillance-apps:1.0.0"];

function stageContexts(skip: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-contexts-"));
  const lines: string[] = [];
  for (const image of IMAGES.filter((i) => !skip.includes(i))) {
    const name = /^surveillance-([a-z]+):/.exec(image)![1];
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "Dockerfile"), `ARG BASE\nFROM \${BASE}\nCOPY payload /payload\n`);
    fs.writeFileSync(path.join(dir, name, "payload"), `${image}\n`);
    lines.push([image, path.join(dir, name), name === "apps" ? "NODE_VERSION=20" : ""].join("\t"));
  }
  fs.writeFileSync(path.join(dir, "contexts.tsv"), lines.join("\n") + "\n");
  return dir;
}

function buildStack(contexts: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-build-"));
  return writeLocalStackCopy(PROJECT_DIR, dir, path.join(PROJECT_DIR, "results"), (t) =>
    t.replace("config:\n", `config:\n  edge2cloud:imageSource: build\n  edge2cloud:buildContexts: ${contexts}\n  edge2cloud:buildBase: ${BASE}\n`),
  );
}

const imageCommands = (ev: Evaluation) => ev.resources.filter((r) => r.type === LOCAL && /-images-/.test(r.name));

describe("imageSource build (local stack)", () => {
  test("every host builds each of its images from the staged context, labelled with its inputs", async () => {
    const contexts = stageContexts();
    const ev = await evaluateProgram("local", jestLoader, buildStack(contexts));
    const cmds = imageCommands(ev);
    expect(cmds.length).toBeGreaterThan(0);
    for (const c of cmds) {
      const script = String(reveal(c.raw.create));
      const image = /IMG='([^']+)'/.exec(script)![1];
      const name = /^surveillance-([a-z]+):/.exec(image)![1];
      const args: Record<string, string> = name === "apps" ? { NODE_VERSION: "20", BASE } : { BASE };
      const inputs = buildInputs(path.join(contexts, name), args, "absent");
      expect(script).toContain(`CTX='${path.join(contexts, name)}'`);
      expect(script).toContain(`INPUTS='${inputs}'`);
      expect(script).toContain(`BASE='${BASE}'`);
      expect(script).toMatch(/tar -C "\$CTX" -c \. \| tee \/dev\/fd\/3 \| timeout 3600 ssh .*build -q .*BASE=e2c-test-absent-base:0.* -t .*surveillance-[a-z]+:[0-9.]+.* -/);
      if (name === "apps") expect(script).toContain("NODE_VERSION=20");
      expect(script).toContain(`e2c.inputs=${inputs}`);
      expect(c.raw.triggers).toEqual([inputs]);
    }
  }, 120_000);

  test("a changed context builds again only on the hosts that use that image", async () => {
    const contexts = stageContexts();
    const declared = (ev: Evaluation) => new Map(ev.resources.map((r) => [`${r.type}::${r.name}`, JSON.stringify({ raw: r.raw, deps: [...r.dependencies].sort() })]));
    const before = declared(await evaluateProgram("local", jestLoader, buildStack(contexts)));
    fs.writeFileSync(path.join(contexts, "mosquitto", "payload"), "changed\n");
    const after = declared(await evaluateProgram("local", jestLoader, buildStack(contexts)));
    const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
    expect(changed.sort()).toEqual([`${LOCAL}::e2c-fog-1-images-surveillance-mosquitto-2.0.11`, `${LOCAL}::e2c-fog-2-images-surveillance-mosquitto-2.0.11`]);
  }, 120_000);

  test("an image with no staged context fails its hosts' commands with what to run", async () => {
    const contexts = stageContexts(["surveillance-kafka:3.9.1"]);
    const ev = await evaluateProgram("local", jestLoader, buildStack(contexts));
    const kafka = imageCommands(ev).filter((c) => c.name.endsWith("surveillance-kafka-3.9.1"));
    expect(kafka.length).toBe(1);
    expect(String(reveal(kafka[0].raw.create))).toContain(`no staged build context for surveillance-kafka:3.9.1 (host e2c-cloud-kafka) in ${contexts}/contexts.tsv: run REBUILD=1 npm run local:images`);
    expect(kafka[0].raw.triggers).toEqual(["absent"]);
  }, 120_000);

  test("the stack file: build and its keys are accepted, a misspelt source is an error at its line", () => {
    const ok = buildStack("/some/contexts");
    const d = new Diagnostics();
    const s = loadStackFile(ok, d);
    expect(d.items).toEqual([]);
    expect(s!.imageSource).toBe("build");
    expect(s!.build).toEqual({ contextsDir: "/some/contexts", baseImage: BASE });
    const bad = path.join(path.dirname(ok), "Pulumi.bad.yaml");
    fs.writeFileSync(bad, fs.readFileSync(ok, "utf8").replace("imageSource: build", "imageSource: built"));
    const d2 = new Diagnostics();
    loadStackFile(bad, d2);
    expect(() => d2.throwIfAny()).toThrow(/Pulumi\.bad\.yaml:\d+:\d+: .*imageSource.*\(got "built"\); expected transfer .*, registry .* or build/);
  });
});
