import * as fs from "fs";
import { planFromFiles } from "../../planner/planFromFiles";
import { Plan } from "../../planner/planTypes";
import { hosts, replace, scenarioVariant, stackFile } from "./scenarioFixture";

function plan(edits: Parameters<typeof scenarioVariant>[0], hostCount: number, extra = ""): Plan {
  const dir = scenarioVariant(edits);
  return planFromFiles({ stackFile: stackFile(hosts(hostCount), extra, dir) });
}

const shellsOf = (p: Plan, id: string) => p.steps.find((s) => s.id === id)!.tasks.flatMap((t) => (t.kind === "shell" ? [t.command] : []));

/** The seed's fog layer with a second service after a repeated one: E2Clab appends repeats at the end. */
const mixedFog = replace(
  "  - name: Mosquitto\n    quantity: 1\n    roles: [monitoring]\n    repeat: 3",
  "  - name: Mosquitto\n    quantity: 1\n    roles: [monitoring]\n    repeat: 1\n  - name: Cache\n    quantity: 1\n    repeat: 1",
);

describe("ids and variables as E2Clab 3.7 computes them", () => {
  it("numbers a layer's services with repeats appended at the end, in E2Clab's order", () => {
    const p = plan({ "layers_services.yaml": mixedFog }, 15);
    const fog = p.services.filter((s) => s.layer === "fog").map((s) => [s.id, s.vars._id, s.host]);
    expect(fog).toEqual([
      ["fog.mosquitto.1.1", "2_1_1", "node-3"],
      ["fog.cache.2.1", "2_2_1", "node-4"],
      ["fog.mosquitto.3.1", "2_3_1", "node-5"],
      ["fog.cache.4.1", "2_4_1", "node-6"],
    ]);
  });

  it("aggregate over two services with repeats keeps every one (no overwrite)", () => {
    const p = plan(
      {
        "layers_services.yaml": mixedFog,
        "workflow.yaml": (t) =>
          t +
          `- hosts: cloud.kafka.*.leader
  depends_on:
    - service_selector: "fog"
      grouping: aggregate
      prefix: c
  launch:
    - shell: "echo {{ c1_1._id }} {{ c2_1._id }} {{ c3_1._id }} {{ c4_1._id }}"
`,
      },
      15,
    );
    expect(shellsOf(p, "p6.launch.node-2")).toEqual(["echo 2_1_1 2_2_1 2_3_1 2_4_1"]);
  });

  it("gives _self, inventory_hostname, groups, hostvars and current_repeat as Ansible and E2Clab do", () => {
    const p = plan(
      {
        "workflow.yaml": (t) =>
          t +
          `- hosts: fog.mosquitto.*
  depends_on:
    - service_selector: "cloud.kafka.*.leader"
      grouping: round_robin
      prefix: kafka
  launch:
    - shell: "{{ _self._id }} {{ _self.url4 }} {{ inventory_hostname }} {{ groups['all'] | length }} {{ hostvars[groups['all'][1]]._self._id }} {{ hostvars['10.0.0.4'].kafka.url }} {{ current_repeat }}"
`,
      },
      15,
    );
    expect(shellsOf(p, "p6.launch.node-3")).toEqual(["2_1_1 10.0.0.3:1883 10.0.0.3 4 2_2_1 10.0.0.2:9092 1"]);
  });

  it("current_repeat is the stack's repeat, and 1 for the first run (E2Clab: `repeat or 1`)", () => {
    const echo = { "workflow.yaml": (t: string) => t + `- hosts: edge.producer.*\n  launch:\n    - shell: "r={{ current_repeat }}"\n` };
    expect(shellsOf(plan(echo, 15, "  edge2cloud:repeat: 0\n"), "p6.launch.node-7")).toEqual(["r=1"]);
    expect(shellsOf(plan(echo, 15, "  edge2cloud:repeat: 2\n"), "p6.launch.node-7")).toEqual(["r=2"]);
  });

  it("__address4__ and url4 are IPv4 addresses; a host name without address4 leaves them undefined, with a hint", () => {
    const dir = scenarioVariant({ "workflow.yaml": (t) => t + `- hosts: fog.mosquitto.*\n  launch:\n    - shell: "{{ _self.url4 }}"\n` });
    const named = hosts(15).map((h, i) => ({ ...h, address: `host-${i + 1}.example.org` }));
    expect(() => planFromFiles({ stackFile: stackFile(named, "", dir) })).toThrow(/template variable '_self.url4' is not defined.*address4/);
    const file = stackFile(named, "", dir);
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/(address: host-(\d+)\.example\.org)/g, "$1\n      address4: 192.0.2.$2"));
    const p = planFromFiles({ stackFile: file });
    expect(p.services.find((s) => s.id === "fog.mosquitto.1.1")!.vars).toMatchObject({ __address__: "host-3.example.org", __address4__: "192.0.2.3", url4: "192.0.2.3:1883" });
  });
});
