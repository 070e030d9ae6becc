import * as path from "path";
import { planFromFiles } from "../../planner/planFromFiles";
import { dockerImageOf, programOf, simpleCommands } from "../../planner/shellCommands";
import { replace, scenarioVariant, SEED_STACK, stackFile, hosts } from "./scenarioFixture";

const ROOT = path.join(__dirname, "..", "..");

describe("reading workflow commands", () => {
  it("splits a line into simple commands, honouring quotes and reading sh -c scripts", () => {
    expect(simpleCommands(`rm -f '/a b'; timeout 120 sh -c 'until [ -f x ]; do sleep 0.2; done' && echo "a;b" | grep -q a`)).toEqual([
      ["rm", "-f", "/a b"],
      ["timeout", "120", "sh", "-c", "until [ -f x ]; do sleep 0.2; done"],
      ["until", "[", "-f", "x", "]"],
      ["do", "sleep", "0.2"],
      ["done"],
      ["echo", "a;b"],
      ["grep", "-q", "a"],
    ]);
  });

  it("sees through wrappers and assignments to the program", () => {
    expect(programOf(["sudo", "-n", "-u", "bob", "timeout", "-s", "KILL", "30", "env", "A=1", "/usr/bin/fping", "-C", "3"])).toEqual({
      wrappers: ["sudo", "timeout", "env"],
      program: "fping",
      args: ["-C", "3"],
    });
    expect(programOf(["X=1", "dstat", "-c"]).program).toBe("dstat");
  });

  it("finds the image of docker run, create and pull, skipping options and their values", () => {
    expect(dockerImageOf(["run", "--rm", "--name", "g", "--network", "host", "-v", "/a:/b", "-it", "apps:1", "gateway", "--id", "x"])).toBe("apps:1");
    expect(dockerImageOf(["run", "-d", "--env=A=1", "--", "img:2", "cmd"])).toBe("img:2");
    expect(dockerImageOf(["container", "create", "-e", "A=1", "img:3"])).toBe("img:3");
    expect(dockerImageOf(["--host", "ssh://x", "pull", "reg/img:4"])).toBe("reg/img:4");
    expect(dockerImageOf(["image", "pull", "-q", "img:5"])).toBe("img:5");
    expect(dockerImageOf(["exec", "leader", "entrypoint.sh"])).toBeUndefined();
  });
});

describe("what each host needs (dev stack: the seed on 15 Grid'5000 nodes)", () => {
  const plan = planFromFiles({ stackFile: path.join(ROOT, "Pulumi.dev.yaml") });
  const host = (name: string) => plan.hosts.find((h) => h.name === name)!;

  it("gives edge hosts only the applications image, and the packages of their tasks", () => {
    for (const i of [1, 2, 3, 4, 5, 6, 7, 8]) {
      expect(host(`parasilo-${i}`)).toMatchObject({ layer: "edge", images: ["surveillance-apps:1.0.0"], packages: ["docker.io", "dstat", "sudo"] });
    }
  });

  it("gives service hosts their service images, plus the applications image where their workflow starts it", () => {
    expect(host("parasilo-12").images).toEqual(["surveillance-flink:1.20.3"]);
    expect(host("parasilo-14").images).toEqual(["surveillance-zookeeper:3.8.0", "surveillance-kafka:3.9.1"]);
    expect(host("parasilo-25").images).toEqual(["surveillance-mosquitto:2.0.11", "surveillance-apps:1.0.0"]);
    expect(host("parasilo-9").images).toEqual(["surveillance-apps:1.0.0"]);
  });

  it("adds network emulation's tools only where the host shapes traffic, dstat only where it is monitored", () => {
    const shaping = new Set(plan.network.map((r) => r.host));
    for (const h of plan.hosts) {
      expect(h.packages.includes("fping")).toBe(shaping.has(h.name));
      expect(h.packages.includes("ethtool")).toBe(shaping.has(h.name));
      expect(h.packages.includes("dstat")).toBe(h.monitored);
    }
    expect(host("parasilo-25").packages).toEqual(["docker.io", "dstat", "ethtool", "fping", "iproute2", "sudo"]);
  });

  it("needs no engine on a host whose tasks use no container (the seed's Java producers)", () => {
    const dir = scenarioVariant({
      "workflow.yaml": replace("java -Xms", "rsync -a /a /b; java -Xms"),
    });
    const p = planFromFiles({ stackFile: stackFile(hosts(15)), scenarioDir: dir });
    const withRsync = p.hosts.filter((h) => h.packages.includes("rsync"));
    expect(withRsync.length).toBeGreaterThan(0);
    expect(p.hosts.find((h) => h.layer === "edge")).toMatchObject({ images: [], packages: ["default-jre-headless", "dstat", "rsync"] });
  });
});

describe("npm run plan shows them", () => {
  it("lists hosts[].images and hosts[].packages in --json", () => {
    const { spawnSync } = require("child_process") as typeof import("child_process");
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "cli", "plan.ts"), "--stack-file", SEED_STACK, "--json"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const h of j.hosts) {
      expect(Array.isArray(h.images)).toBe(true);
      expect(Array.isArray(h.packages)).toBe(true);
    }
  });
});
