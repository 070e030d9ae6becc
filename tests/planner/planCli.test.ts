import { spawnSync } from "child_process";
import * as path from "path";
import { replace, scenarioVariant, SEED_STACK } from "./scenarioFixture";

const ROOT = path.join(__dirname, "..", "..");

function plan(...args: string[]) {
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "cli", "plan.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run plan", () => {
  it("prints the plan as JSON with hosts, services, producers, network and tasks", () => {
    const r = plan("--stack-file", SEED_STACK, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.hosts).toHaveLength(15);
    expect(j.hosts[1]).toEqual(expect.objectContaining({ name: "parasilo-2", address: "parasilo-2.rennes.grid5000.fr", layer: "cloud", services: ["cloud.kafka.2.zookeeper.1", "cloud.kafka.2.leader.1"] }));
    expect(j.services).toContainEqual(expect.objectContaining({ id: "fog.mosquitto.2.1", host: "parasilo-4", url: "parasilo-4.rennes.grid5000.fr:1883" }));
    expect(j.producers).toHaveLength(320);
    expect(j.producers[41]).toEqual(expect.objectContaining({ host: "parasilo-8", item: "2", gateway: "fog.mosquitto.2.1" }));
    expect(j.network[0]).toEqual(expect.objectContaining({ host: "parasilo-1", destination: "parasilo-3.rennes.grid5000.fr", delay: "5ms", rate: "1gbit", loss: "2%" }));
    const launch = j.tasks.find((t: { host: string; phase: string; play: number }) => t.host === "parasilo-7" && t.phase === "launch");
    expect(launch.commands).toHaveLength(41);
    expect(launch.commands[1]).toContain("tcp://parasilo-3.rennes.grid5000.fr:1883");
  });

  it("prints a readable plan with the fan-out summary", () => {
    const r = plan("--stack-file", SEED_STACK);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Producers: 320 on 8 hosts");
    expect(r.stdout).toContain("fog.mosquitto.1.1: 80 producers from parasilo-7, parasilo-11");
    expect(r.stdout).toMatch(/\[launch\] play 4 \(edge\.producer\.\*\) on parasilo-14/);
  });

  it("on invalid input exits 1 and prints only the error list", () => {
    const dir = scenarioVariant({ "network.yaml": replace('delay: "5ms"', 'delay: "5sec"') });
    const r = plan("--stack-file", SEED_STACK, "--scenario", dir, "--json");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`1 error in the scenario:\n  ${path.join(dir, "network.yaml")}:5:10: invalid value for networks.0.delay (got "5sec"); expected a delay in milliseconds such as "5ms"\n`);
  });

  it("asks for exactly one of --stack and --stack-file", () => {
    const r = plan();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("give exactly one of --stack <name> or --stack-file <path>");
  });
});
