import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalEngine } from "../../testbed/engine/localEngine";

/** The local engine on a small program: real containers, SSH and local commands, in dependency order. */
const IMAGE = process.env.E2C_HOST_IMAGE ?? "e2c-host:local";
const hasImage = spawnSync("docker", ["image", "inspect", IMAGE]).status === 0;
if (!hasImage) throw new Error(`the local engine test needs the emulated host image ${IMAGE}: run npm run local:images`);

describe("local engine", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-engine-"));
  const tag = `e2csmall${process.pid}`;
  const log = path.join(dir, "log");
  let engine: LocalEngine;

  beforeAll(() => {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "key")]);
    Object.assign(process.env, {
      SMALL_NET: tag,
      SMALL_SUBNET: "172.31.250.0/24",
      SMALL_IP: "172.31.250.10",
      SMALL_HOST: `${tag}-h1`,
      SMALL_IMAGE: IMAGE,
      SMALL_PUBKEY: fs.readFileSync(path.join(dir, "key.pub"), "utf8").trim(),
      SMALL_LOG: log,
    });
  });
  afterAll(async () => {
    await engine?.destroy();
    spawnSync("docker", ["rm", "-f", `${tag}-h1`]);
    spawnSync("docker", ["network", "rm", tag]);
  });

  it("creates in dependency order, passes outputs along, deletes in reverse", async () => {
    engine = new LocalEngine();
    const outputs = await engine.up("small", "test", { "small:privateKey": fs.readFileSync(path.join(dir, "key"), "utf8") }, ["small:privateKey"], () =>
      require("./fixtures/smallProgram"),
    );
    expect(outputs.remoteStdout).toBe(`${process.env.SMALL_HOST}`);
    expect(outputs.experiment).toMatch(/^[a-z0-9]{6}$/);
    const order = engine.records.map((r) => r.name);
    expect(order.indexOf("net")).toBeLessThan(order.indexOf("host"));
    expect(order.indexOf("host")).toBeLessThan(order.indexOf("on-host"));
    expect(order.indexOf("marker")).toBeLessThan(order.indexOf("on-host"));
    const onHost = engine.records.find((r) => r.name === "on-host")!;
    expect(onHost.dependencies).toEqual(expect.arrayContaining([expect.stringContaining("::host"), expect.stringContaining("::marker")]));
    expect(JSON.stringify(onHost.declared)).not.toContain("PRIVATE KEY-----\n");
    expect(fs.readFileSync(log, "utf8")).toBe(`created-${outputs.experiment}\n`);
    const errors = await engine.destroy();
    expect(errors).toEqual([]);
    expect(fs.readFileSync(log, "utf8")).toBe(`created-${outputs.experiment}\ndeleted-marker\n`);
    expect(spawnSync("docker", ["inspect", `${tag}-h1`]).status).not.toBe(0);
    expect(spawnSync("docker", ["network", "inspect", tag]).status).not.toBe(0);
  });

  it("refuses resource types and inputs it does not understand", async () => {
    const { dockerNetwork } = await import("../../testbed/engine/dockerRealizers");
    await expect(dockerNetwork.create({ type: "docker:index/network:Network", name: "n", urn: "u", inputs: { name: "x", ipv6: true }, timeouts: { createMs: 0, deleteMs: 0 } })).rejects.toThrow(
      "docker:index/network:Network n: the local engine does not understand input(s) ipv6",
    );
  });
});
