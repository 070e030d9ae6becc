import { planFromFiles } from "../../planner/planFromFiles";
import { Plan } from "../../planner/planTypes";
import { hosts, replace, scenarioVariant, stackFile } from "./scenarioFixture";

function plan(edits: Parameters<typeof scenarioVariant>[0], hostCount: number): Plan {
  const dir = scenarioVariant(edits);
  return planFromFiles({ stackFile: stackFile(hosts(hostCount), "", dir) });
}

const shellsOf = (p: Plan, id: string) => p.steps.find((s) => s.id === id)!.tasks.flatMap((t) => (t.kind === "shell" ? [t.command] : []));

describe("variants behave as E2Clab would", () => {
  it("3 gateways for 7 producer hosts: round robin per host, cycling 1,2,3,1,2,3,1", () => {
    const p = plan({ "layers_services.yaml": (t) => replace("repeat: 3", "repeat: 2")(replace("repeat: 7", "repeat: 6")(t)) }, 13);
    const hostsInOrder = [...new Set(p.producers.map((x) => x.host))];
    expect(hostsInOrder).toHaveLength(7);
    expect(hostsInOrder.map((h) => p.producers.find((x) => x.host === h)!.gateway)).toEqual([1, 2, 3, 1, 2, 3, 1].map((g) => `fog.mosquitto.${g}.1`));
    expect([1, 2, 3].map((g) => p.producers.filter((x) => x.gateway === `fog.mosquitto.${g}.1`).length)).toEqual([120, 80, 80]);
  });

  it("repeat: 0 gives one instance", () => {
    const p = plan({ "layers_services.yaml": replace("repeat: 3", "repeat: 0") }, 12);
    expect(p.services.filter((s) => s.kind === "mosquitto").map((s) => s.id)).toEqual(["fog.mosquitto.1.1"]);
    expect(new Set(p.producers.map((x) => x.gateway))).toEqual(new Set(["fog.mosquitto.1.1"]));
  });

  it("quantity > 1 gives an instance several hosts, numbered .1, .2 ...; Flink spreads TaskManagers", () => {
    const p = plan(
      {
        "layers_services.yaml": (t) =>
          replace("  - name: Flink\n    quantity: 1", "  - name: Flink\n    quantity: 3")(replace("quantity: 1\n    roles: [monitoring]\n    repeat: 3", "quantity: 2\n    roles: [monitoring]\n    repeat: 1")(t)),
      },
      17,
    );
    expect(p.services.filter((s) => s.service === "flink").map((s) => [s.id, s.host])).toEqual([
      ["cloud.flink.1.job_manager.1", "node-1"],
      ["cloud.flink.1.task_manager.1", "node-2"],
      ["cloud.flink.1.task_manager.2", "node-3"],
    ]);
    expect(p.services.filter((s) => s.kind === "mosquitto").map((s) => [s.id, s.host])).toEqual([
      ["fog.mosquitto.1.1", "node-5"],
      ["fog.mosquitto.1.2", "node-6"],
      ["fog.mosquitto.2.1", "node-7"],
      ["fog.mosquitto.2.2", "node-8"],
    ]);
    // The gateway play runs on every broker host; each finds its own broker by address.
    expect(shellsOf(p, "p3.launch.node-6")[0]).toContain("tcp://10.0.0.6:1883 in-uni-data 0 tcp://10.0.0.4:9092");
    // Producers cycle over the 4 broker hosts.
    expect([...new Set(p.producers.map((x) => x.gateway))]).toEqual(["fog.mosquitto.1.1", "fog.mosquitto.1.2", "fog.mosquitto.2.1", "fog.mosquitto.2.2"]);
  });

  it("address_match skips the hosts it finds nothing for, as E2Clab does, with a warning", () => {
    const dir = scenarioVariant({ "workflow.yaml": replace('    - service_selector: "fog.mosquitto.*"\n      grouping: "address_match"', '    - service_selector: "cloud.kafka.*.leader"\n      grouping: "address_match"') });
    const p = planFromFiles({ stackFile: stackFile(hosts(15), "", dir) });
    expect(p.warnings).toContain(
      "play 3 (fog.mosquitto.*): address_match finds no 'cloud.kafka.*.leader' service on host node-3 (10.0.0.3); the play skips that host, as E2Clab does",
    );
    expect(p.steps.filter((s) => s.play === 2)).toEqual([]);
  });

  it("asarray gives the list of selected services (id, hostname), loopable", () => {
    const p = plan(
      {
        "workflow.yaml": (t) =>
          t +
          `- hosts: experiment_manager.metrics_collector.*
  depends_on:
    - service_selector: "fog.mosquitto.*"
      grouping: asarray
      prefix: gateways
    - service_selector: "fog.mosquitto.*"
      grouping: asarray
      array_info: hostname
      prefix: gateway_hosts
  launch:
    - shell: "echo {{ gateways }} && echo {{ gateway_hosts|join(';') }} {% for g in gateways %}{{ loop.index }}={{ g }} {% endfor %}"
    - shell: "ping -c1 {{ item }}"
      loop: "{{ gateway_hosts }}"
`,
      },
      15,
    );
    const cmds = shellsOf(p, "p6.launch.node-15");
    expect(cmds[0]).toBe(
      // E2Clab's asarray ids are `_id` without underscores (2_1_1 -> 211).
      "echo ['211', '221', '231', '241'] && echo 10.0.0.3;10.0.0.4;10.0.0.5;10.0.0.6 1=211 2=221 3=231 4=241 ",
    );
    expect(cmds.slice(1)).toEqual(["ping -c1 10.0.0.3", "ping -c1 10.0.0.4", "ping -c1 10.0.0.5", "ping -c1 10.0.0.6"]);
  });

  it("aggregate exposes every selected service as <prefix><service>_<machine>", () => {
    const p = plan(
      {
        "workflow.yaml": (t) =>
          t +
          `- hosts: cloud.kafka.*.leader
  depends_on:
    service_selector: "fog.mosquitto.*"
    grouping: aggregate
    prefix: gw
  launch:
    - shell: "echo {{ gw1_1.url }} {{ gw4_1.url }} {{ gw2_1._id }}"
`,
      },
      15,
    );
    expect(shellsOf(p, "p6.launch.node-2")).toEqual(["echo 10.0.0.3:1883 10.0.0.6:1883 2_2_1"]);
  });

  it("pinned hosts go to their layer or service first; placement is otherwise stack order", () => {
    const list = hosts(16);
    list[15] = { ...list[15], service: "cloud.kafka" };
    list[0] = { ...list[0], layer: "edge" };
    const p = planFromFiles({ stackFile: stackFile(list, "", scenarioVariant()) });
    const hostOf = (id: string) => p.services.find((s) => s.id === id)!.host;
    expect(hostOf("cloud.kafka.2.leader.1")).toBe("node-16");
    expect(hostOf("edge.producer.1.1")).toBe("node-1");
    expect(hostOf("cloud.flink.1.job_manager.1")).toBe("node-2");
    expect(p.warnings).toEqual(["host node-15 (10.0.0.15) is not needed by the scenario and stays idle"]);
  });

  it("plays that depend on each other run in file order, with a warning", () => {
    const p = plan({ "workflow.yaml": replace('- hosts: cloud.kafka.*.leader\n  depends_on:\n    service_selector: "cloud.kafka.*.zookeeper"', '- hosts: cloud.kafka.*.leader\n  depends_on:\n    service_selector: "cloud.flink.*.job_manager"') }, 15);
    expect(p.warnings).toEqual(["play 1 (cloud.kafka.*.leader) and play 2 (cloud.flink.*.job_manager) depend on each other; they run in file order, play 1 first"]);
    expect(p.steps.find((s) => s.id === "p2.prepare.node-1")!.after).toContain("p1.prepare.node-2");
    expect(p.steps.find((s) => s.id === "p1.prepare.node-2")!.after).not.toContain("p2.prepare.node-1");
  });

  it("symmetric adds the reverse direction with the same values", () => {
    const p = plan({ "network.yaml": replace('  loss: "2%"', '  loss: "2%"\n  symmetric: true') }, 15);
    const reverse = p.network.filter((r) => r.direction === "reverse");
    expect(reverse).toHaveLength(8);
    expect(reverse.every((r) => ["node-3", "node-4", "node-5", "node-6"].includes(r.host) && ["node-1", "node-2"].includes(r.destinationHost) && r.delayMs === 5)).toBe(true);
  });

  it("host layout settings give per-host data_dir, container_network and container names; Jinja does arithmetic", () => {
    const dir = scenarioVariant({
      "workflow.yaml": replace(
        "/opt/dataset/data-{{ item }} 10 {{ item }}",
        "/opt/dataset/data-{{ item }} {{ data_dir }} {{ container_network }} cam={{ (_self.service_id|int - 1) * 40 + item }} d={{ duration }}",
      ),
    });
    const layout = "  edge2cloud:dataDir: /var/tmp/e2c/{host}\n  edge2cloud:containerNetwork: container:{host}\n  edge2cloud:containerPrefix: '{host}-'\n  edge2cloud:duration: 60\n";
    const p = planFromFiles({ stackFile: stackFile(hosts(15), layout, dir) });
    expect(shellsOf(p, "p4.launch.node-8")[2]).toContain("/opt/dataset/data-3 /var/tmp/e2c/node-8 container:node-8 cam=43 d=60");
    expect(p.services.find((s) => s.kind === "kafka-broker")!.container).toBe("node-2-leader");
    expect(shellsOf(p, "p2.launch.node-1")[1]).toContain("sudo docker exec node-1-job_manager flink run");
    // Without the settings: the seed's names, bare-metal defaults.
    const seed = plan({ "workflow.yaml": replace("/opt/dataset/data-{{ item }} 10 {{ item }}", "{{ data_dir }} {{ container_network }}") }, 15);
    expect(shellsOf(seed, "p4.launch.node-7")[0]).toContain("/opt/e2c host");
    expect(seed.services.find((s) => s.kind === "kafka-broker")!.container).toBe("leader");
  });

  it("workflow_env.yaml values reach tasks as app_conf and env_<var>", () => {
    const p = plan(
      {
        "workflow_env.yaml": "app_conf:\n  fps: 12\n",
        "workflow.yaml": replace("/opt/dataset/data-{{ item }} 10 {{ item }}", "/opt/dataset/data-{{ item }} {{ env_fps }} {{ item }}"),
      },
      15,
    );
    expect(shellsOf(p, "p4.launch.node-7")[0]).toContain("/opt/dataset/data-1 12 1 ");
  });
});
