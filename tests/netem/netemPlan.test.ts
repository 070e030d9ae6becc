import { hostShaping, htbQuantum, netemLimit } from "../../netem/netemPlan";
import { tcApplyScript, tcRemoveScript } from "../../netem/tcScript";
import { planFromFiles } from "../../planner/planFromFiles";
import { hosts, replace, scenarioVariant, SEED_STACK, stackFile } from "../planner/scenarioFixture";

const seed = () => planFromFiles({ stackFile: SEED_STACK });
const ruleLines = (script: string) => script.split("\n").filter((l) => l.startsWith("rule "));

describe("NetemLink commands generated from the plan", () => {
  it("shapes the seed on the cloud and fog hosts only, towards the right destinations", () => {
    const s = hostShaping(seed());
    expect(s.map((h) => [h.host, h.destinations.length])).toEqual([
      ["parasilo-1", 4],
      ["parasilo-2", 4],
      ["parasilo-3", 8],
      ["parasilo-4", 8],
      ["parasilo-5", 8],
      ["parasilo-6", 8],
    ]);
    const fog = s[2];
    expect(fog.destinations.map((d) => d.destinationHost)).toEqual([7, 8, 9, 10, 11, 12, 13, 14].map((i) => `parasilo-${i}`));
    expect(fog.destinations[0]).toMatchObject({ rate: "150mbit", netemArgs: "delay 50ms loss 5% limit 1000", expectedRttIncreaseMs: 50, validateDir: "fog-edge-asymmetric" });
    expect(ruleLines(tcApplyScript(fog, { allowMissingNetem: false }))[0]).toBe("rule 16 106 'parasilo-7.rennes.grid5000.fr' 150mbit 200000 'delay 50ms loss 5% limit 1000' # -> parasilo-7");
    expect(s[0].destinations[0]).toMatchObject({ destinationHost: "parasilo-3", rate: "1gbit", netemArgs: "delay 5ms loss 2% limit 1000" });
  });

  it("gives each destination class and netem handles unique on its host, stable across hosts", () => {
    for (const h of hostShaping(seed())) {
      const minors = h.destinations.map((d) => d.classMinor);
      const majors = h.destinations.map((d) => d.netemMajor);
      expect(new Set(minors).size).toBe(minors.length);
      expect(new Set(majors).size).toBe(majors.length);
      expect(majors).not.toContain("e2c");
    }
    const [c1, c2] = hostShaping(seed());
    expect(c1.destinations.map((d) => d.classMinor)).toEqual(c2.destinations.map((d) => d.classMinor));
  });

  it("composes several entries on one host into one tree", () => {
    const dir = scenarioVariant({ "network.yaml": (t) => t + '- src: fog\n  dst: experiment_manager\n  rate: "10mbit"\n' });
    const fog = hostShaping(planFromFiles({ stackFile: stackFile(hosts(15), "", dir) })).find((h) => h.host === "node-3")!;
    expect(fog.destinations).toHaveLength(9);
    expect(fog.destinations[8]).toMatchObject({ destinationHost: "node-15", rate: "10mbit", netemArgs: "" });
    const script = tcApplyScript(fog, { allowMissingNetem: false });
    expect(ruleLines(script)).toHaveLength(9);
    expect(script.match(/tc qdisc replace dev "\$dev" root handle e2c: htb/g)).toHaveLength(1);
  });

  it("symmetric entries shape the reverse direction on the destination hosts, RTT expectation doubled", () => {
    const dir = scenarioVariant({ "network.yaml": replace('  loss: "2%"', '  loss: "2%"\n  symmetric: true') });
    const s = hostShaping(planFromFiles({ stackFile: stackFile(hosts(15), "", dir) }));
    const fogHost = s.find((h) => h.host === "node-3")!;
    const toCloud = fogHost.destinations.filter((d) => ["node-1", "node-2"].includes(d.destinationHost));
    expect(toCloud).toHaveLength(2);
    expect(toCloud[0]).toMatchObject({ rate: "1gbit", expectedRttIncreaseMs: 10, validateDir: "cloud-fog-symmetric" });
  });

  it("a changed value keeps its handles (changed in place); a removed entry drops only its rules", () => {
    const changed = scenarioVariant({ "network.yaml": replace('rate: "150mbit"', 'rate: "100mbit"') });
    const before = hostShaping(planFromFiles({ stackFile: stackFile(hosts(15)) })).find((h) => h.host === "node-3")!;
    const after = hostShaping(planFromFiles({ stackFile: stackFile(hosts(15), "", changed) })).find((h) => h.host === "node-3")!;
    expect(after.destinations.map((d) => [d.classMinor, d.netemMajor])).toEqual(before.destinations.map((d) => [d.classMinor, d.netemMajor]));
    expect(after.destinations[0].rate).toBe("100mbit");
    expect(tcApplyScript(after, { allowMissingNetem: false })).toContain('tc class replace dev "$dev" parent e2c: classid e2c:$minor htb rate "$4" ceil "$4"');

    const removed = scenarioVariant({ "network.yaml": (t) => t.slice(0, t.indexOf("- src: fog")) });
    const s = hostShaping(planFromFiles({ stackFile: stackFile(hosts(15), "", removed) }));
    expect(s.map((h) => h.host)).toEqual(["node-1", "node-2"]);
  });

  it("sizes the netem queue from rate x delay", () => {
    expect(netemLimit(150e6, 50)).toBe(1000);
    expect(netemLimit(10e9, 50)).toBe(62500);
    expect(netemLimit(1e9, 100)).toBe(12500);
  });

  it("gives htb a quantum within the kernel's bounds (rate / r2q otherwise warns 'quantum ... is big')", () => {
    expect(htbQuantum(1e9)).toBe(200000);
    expect(htbQuantum(10e6)).toBe(125000);
    expect(htbQuantum(1e6)).toBe(12500);
    expect(htbQuantum(64e3)).toBe(1514);
  });

  it("removes only the project's trees", () => {
    const script = tcRemoveScript("parasilo-3");
    expect(script).toContain("remove_tree \"$dev\"");
    expect(script).toContain("grep -q '^qdisc htb e2c: '");
    expect(script).not.toMatch(/tc qdisc del dev "\$\w+" root(?!;)/);
  });
});
