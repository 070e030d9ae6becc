import * as fs from "fs";
import * as path from "path";
import { Diagnostics } from "../../model/diagnostic";
import { YamlSource } from "../../model/yamlSource";
import { planFromFiles } from "../../planner/planFromFiles";
import { Plan } from "../../planner/planTypes";
import { hosts, replace, scenarioVariant, stackFile } from "./scenarioFixture";

function plan(edits: Parameters<typeof scenarioVariant>[0], extra = ""): Plan {
  return planFromFiles({ stackFile: stackFile(hosts(15), extra, scenarioVariant(edits)) });
}

const shellsOf = (p: Plan, id: string) => p.steps.find((s) => s.id === id)!.tasks.flatMap((t) => (t.kind === "shell" ? [t.command] : []));

describe("YAML is read as PyYAML reads it", () => {
  // Each value is what yaml.safe_load (PyYAML 6) gives for `k: <text>`.
  it.each([
    ["01:30:00", "01:30:00"],
    ["1:30:00", 5400],
    ["10:00", 600],
    ["yes", true],
    ["Off", false],
    ["y", "y"],
    ["n", "n"],
    ["1e3", "1e3"],
    ["1.5e+3", 1500],
    ["1.", 1],
    ["0x1f", 31],
    ["017", 15],
    ["0b101", 5],
    ["1_000", 1000],
    ["~", null],
    ["2024-01-01", "2024-01-01"],
    [".inf", Infinity],
    ["1.5", 1.5],
  ])("%s", (text, value) => {
    const src = new YamlSource("t.yaml", `k: ${text}\n`);
    expect(src.reportSyntax(new Diagnostics())).toBe(true);
    expect((src.toJS() as { k: unknown }).k).toEqual(value);
  });
});

describe("files E2Clab 3.7 accepts load", () => {
  it("walltime unquoted as hh:mm:ss, job_name and walltime inside the g5k block", () => {
    const p = plan({
      "layers_services.yaml": replace('environment:\n  job_name: cctv-example\n  walltime: "01:30:00"\n  g5k:', "environment:\n  g5k:\n    job_name: in-g5k\n    walltime: 02:00:00"),
    });
    expect(p.experiment).toMatchObject({ jobName: "in-g5k", walltime: "02:00:00" });
    expect(plan({ "layers_services.yaml": replace('walltime: "01:30:00"', "walltime: 01:30:00") }).experiment.walltime).toBe("01:30:00");
  });

  it("tig monitoring with a cluster, a provenance block and the chameleoncloud spelling, with warnings for what is not deployed", () => {
    const p = plan({
      "layers_services.yaml": (t) =>
        replace("monitoring:\n  type: dstat", "monitoring:\n  type: tig\n  cluster: parasilo\n  network: shared\nprovenance:\n  provider: g5k\n  cluster: parasilo\n  parallelism: 2")(
          replace("    cluster: parasilo\n", "    cluster: parasilo\n  chameleoncloud:\n    rc_file: ~/rc.sh\n")(t),
        ),
    });
    expect(p.monitoring?.type).toBe("tig");
    expect(p.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/provenance block is read but not deployed/), expect.stringMatching(/monitoring type tig is read/)]));
  });

  it("workflow_env.yaml in E2Clab's format: the stack's appConf picks a configuration, seen as app_conf and env_<var>", () => {
    const edits = {
      "workflow_env.yaml": "conf_a:\n  threads: 4\nconf_b:\n  threads: 8\n",
      "workflow.yaml": replace("/opt/dataset/data-{{ item }} 10 {{ item }}", "/opt/dataset/data-{{ item }} {{ app_conf }}={{ env_threads }} {{ item }}"),
    };
    expect(shellsOf(plan(edits, "  edge2cloud:appConf: conf_b\n"), "p4.launch.node-7")[0]).toContain("/opt/dataset/data-1 conf_b=8 1 ");
    // Two configurations and no choice: none is run, as in E2Clab, so env_threads is undefined.
    expect(() => plan(edits)).toThrow(/template variable 'app_conf' is not defined/);
    expect(() => plan(edits, "  edge2cloud:appConf: conf_c\n")).toThrow(/edge2cloud:appConf names no configuration of workflow_env.yaml \(got "conf_c"\); expected one of: conf_a, conf_b/);
  });

  it("two network entries on one host pair: the later wins, with a warning saying so", () => {
    const p = plan({ "network.yaml": (t) => t + '- src: fog\n  dst: edge.producer.1\n  delay: "1ms"\n  rate: "1gbit"\n' });
    const rule = p.network.find((r) => r.host === "node-3" && r.destinationHost === "node-7")!;
    expect(rule).toMatchObject({ delayMs: 1, entry: 2 });
    expect(p.network.find((r) => r.host === "node-3" && r.destinationHost === "node-8")).toMatchObject({ delayMs: 50, entry: 1 });
    expect(p.warnings.find((w) => /traffic from node-3 to node-7 is also shaped by the network entry at .*network.yaml:8:3; this later entry \(fog -> edge.producer.1\) wins/.test(w))).toBeDefined();
  });

  it("the seed as published still plans, with the same fan-out", () => {
    const dir = path.join(__dirname, "fixtures", "seed");
    expect(fs.existsSync(path.join(dir, "workflow.yaml"))).toBe(true);
    const p = planFromFiles({ stackFile: stackFile(hosts(15), "", dir) });
    const perGateway = [1, 2, 3, 4].map((g) => p.producers.filter((x) => x.gateway === `fog.mosquitto.${g}.1`).length);
    expect(perGateway).toEqual([80, 80, 80, 80]);
  });
});
