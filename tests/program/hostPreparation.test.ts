import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planFromFiles } from "../../planner/planFromFiles";
import { writeLocalStackCopy } from "../../testbed/localStackCopy";
import { DependencyGraph, Evaluation, evaluateProgram, isSecretWrapped, jestLoader, plainStrings, PROJECT_DIR, reveal } from "./mockProgram";

/**
 * Host preparation in the program: a bootstrap per host and a command per image of the host, before
 * anything else reaches the host; a new build of one image changes only the commands of the hosts that use
 * it. The deployer's image IDs are given by a stand-in for model/deployerImages (no engine is asked).
 */

const DEPLOYER_IMAGES = path.join(PROJECT_DIR, "model", "deployerImages");
const LOCAL = "command:local:Command";

function withImageIds(ids: Record<string, string>): void {
  jest.doMock(DEPLOYER_IMAGES, () => ({
    deployerImageIds: (names: string[]) => Object.fromEntries(names.map((n) => [n, ids[n]])),
  }));
}

function stackVariant(edit: (text: string) => string = (t) => t): string {
  return writeLocalStackCopy(PROJECT_DIR, fs.mkdtempSync(path.join(os.tmpdir(), "e2c-prep-")), path.join(PROJECT_DIR, "results"), edit);
}

const IDS = {
  "surveillance-zookeeper:3.8.0": "sha256:z1",
  "surveillance-kafka:3.9.1": "sha256:k1",
  "surveillance-flink:1.20.3": "sha256:f1",
  "surveillance-mosquitto:2.0.11": "sha256:m1",
  "surveillance-apps:1.0.0": "sha256:a1",
};

describe("host preparation (dev stack)", () => {
  let ev: Evaluation;
  const plan = planFromFiles({ stackFile: path.join(PROJECT_DIR, "Pulumi.dev.yaml") });
  beforeAll(async () => {
    withImageIds(IDS);
    ev = await evaluateProgram("dev", jestLoader, path.join(PROJECT_DIR, "Pulumi.dev.yaml"));
  }, 120_000);
  afterAll(() => jest.dontMock(DEPLOYER_IMAGES));
  const named = (name: string) => {
    const r = ev.resources.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}`);
    return r;
  };

  test("each host gets a bootstrap of exactly its packages and a transfer of exactly its images", () => {
    for (const h of plan.hosts) {
      const script = String(reveal(named(`${h.name}-bootstrap-packages`).raw.create));
      expect(script).toContain(`PACKAGES=(${h.packages.map((p) => `'${p}'`).join(" ")})`);
      const transfers = ev.resources.filter((r) => r.type === LOCAL && r.name.startsWith(`${h.name}-images-`));
      expect(transfers.map((t) => t.name)).toEqual(h.images.map((i) => `${h.name}-images-${i.replace(/[^A-Za-z0-9.-]/g, "-")}`));
      transfers.forEach((t, k) => {
        expect(String(reveal(t.raw.create))).toContain(`IMG='${h.images[k]}'`);
        expect(t.raw.triggers).toEqual([IDS[h.images[k] as keyof typeof IDS]]);
      });
    }
    // Edge hosts: only the applications image.
    for (const h of plan.hosts.filter((x) => x.layer === "edge")) expect(h.images).toEqual(["surveillance-apps:1.0.0"]);
    // Nothing is pulled by the Docker provider any more: a bare host may have no registry.
    expect(ev.resources.filter((r) => r.type === "docker:index/remoteImage:RemoteImage")).toEqual([]);
  });

  test("everything that reaches a host waits for every host's preparation; images wait for their host's bootstrap", () => {
    const graph = new DependencyGraph(ev);
    const gate = named("hosts-ready");
    for (const h of plan.hosts) {
      const boot = named(`${h.name}-bootstrap-packages`);
      expect(graph.dependsOn(gate.urn, boot.urn)).toBe(true);
      for (const t of ev.resources.filter((r) => r.name.startsWith(`${h.name}-images-`) && r.type === LOCAL)) {
        expect(graph.dependsOn(t.urn, boot.urn)).toBe(true);
        expect(graph.dependsOn(gate.urn, t.urn)).toBe(true);
      }
    }
    const reaching = ev.resources.filter(
      (r) => ["command:remote:Command", "command:remote:CopyToRemote", "pulumi:providers:docker", "docker:index/container:Container"].includes(r.type) || /-(fetch|stop|netem-tc)$/.test(r.name),
    );
    expect(reaching.length).toBeGreaterThan(0);
    // A container reaches its host through its provider (a provider reference is `<urn>::<id>`).
    const via = (r: (typeof reaching)[number]) => (r.type === "docker:index/container:Container" ? r.provider.slice(0, r.provider.lastIndexOf("::")) : r.urn);
    for (const r of reaching) expect({ name: r.name, afterGate: graph.dependsOn(via(r), gate.urn) }).toEqual({ name: r.name, afterGate: true });
    // A container is made from the ID its host's transfer printed.
    const kafka = ev.resources.find((r) => r.type === "docker:index/container:Container" && r.raw.name === "leader")!;
    expect(graph.dependsOn(kafka.urn, named(`${plan.services.find((s) => s.container === "leader")!.host}-images-surveillance-kafka-3.9.1`).urn)).toBe(true);
  });
});

describe("host preparation follows the stack and the deployer's images (local stack)", () => {
  afterEach(() => jest.dontMock(DEPLOYER_IMAGES));
  const declared = (ev: Evaluation) => new Map(ev.resources.map((r) => [`${r.type}::${r.name}`, JSON.stringify({ raw: r.raw, deps: [...r.dependencies].sort() })]));

  test("a new build of one image changes only the transfers to the hosts that use it", async () => {
    withImageIds(IDS);
    const before = declared(await evaluateProgram("local", jestLoader, stackVariant()));
    withImageIds({ ...IDS, "surveillance-mosquitto:2.0.11": "sha256:m2" });
    const after = declared(await evaluateProgram("local", jestLoader, stackVariant()));
    const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
    expect(changed.sort()).toEqual([`${LOCAL}::e2c-fog-1-images-surveillance-mosquitto-2.0.11`, `${LOCAL}::e2c-fog-2-images-surveillance-mosquitto-2.0.11`]);
  }, 120_000);

  test("edge2cloud:bootstrapHosts: false leaves the packages to the user; images are still sent", async () => {
    withImageIds(IDS);
    const ev = await evaluateProgram("local", jestLoader, stackVariant((t) => t.replace("config:\n", "config:\n  edge2cloud:bootstrapHosts: false\n")));
    expect(ev.resources.filter((r) => r.name.endsWith("-bootstrap-packages"))).toEqual([]);
    expect(ev.resources.filter((r) => /-images-/.test(r.name) && r.type === LOCAL).length).toBeGreaterThan(0);
  }, 120_000);

  test("imageSource registry pulls on each host, logging in with the password only as a secret on stdin", async () => {
    const ev = await evaluateProgram(
      "local",
      jestLoader,
      stackVariant((t) =>
        t.replace(
          "config:\n",
          "config:\n  edge2cloud:imageSource: registry\n  edge2cloud:registry: {address: registry.example:5000, username: e2c}\n  edge2cloud:registryPassword:\n    secure: v1:abc\n",
        ),
      ),
      { "edge2cloud:registryPassword": "registry-password-MUST-NOT-LEAK" },
    );
    const pulls = ev.resources.filter((r) => /-images-/.test(r.name) && r.type === LOCAL);
    expect(pulls.length).toBeGreaterThan(0);
    for (const p of pulls) {
      expect(String(reveal(p.raw.create))).toMatch(/docker login --username .*e2c.* --password-stdin .*registry\.example:5000/);
      expect(String(reveal(p.raw.create))).toContain("pull -q");
      expect(isSecretWrapped(p.raw.stdin)).toBe(true);
      expect(plainStrings(p.raw).filter((s) => s.value.includes("registry-password-MUST-NOT-LEAK"))).toEqual([]);
      expect(reveal(p.raw.stdin)).toBe("registry-password-MUST-NOT-LEAK");
    }
  }, 120_000);
});
