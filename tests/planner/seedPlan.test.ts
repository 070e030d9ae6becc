import { planFromFiles } from "../../planner/planFromFiles";
import { Plan, WorkflowStep } from "../../planner/planTypes";
import { SEED_STACK } from "./scenarioFixture";

describe("the seed's plan (15 Grid'5000 hosts)", () => {
  let plan: Plan;
  beforeAll(() => {
    plan = planFromFiles({ stackFile: SEED_STACK });
  });
  const step = (id: string): WorkflowStep => {
    const s = plan.steps.find((x) => x.id === id);
    if (!s) throw new Error(`no step ${id}`);
    return s;
  };
  const shells = (s: WorkflowStep) => s.tasks.flatMap((t) => (t.kind === "shell" ? [t.command] : []));

  it("uses the 15 hosts, one layer each, in stack order", () => {
    expect(plan.hosts.map((h) => [h.name, h.layer])).toEqual([
      ["parasilo-1", "cloud"],
      ["parasilo-2", "cloud"],
      ...[3, 4, 5, 6].map((i) => [`parasilo-${i}`, "fog"]),
      ...[7, 8, 9, 10, 11, 12, 13, 14].map((i) => [`parasilo-${i}`, "edge"]),
      ["parasilo-15", "experiment_manager"],
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it("gives services E2Clab's ids, urls and containers", () => {
    const byId = new Map(plan.services.map((s) => [s.id, s]));
    expect([...byId.keys()]).toEqual([
      "cloud.flink.1.job_manager.1",
      "cloud.flink.1.task_manager.1",
      "cloud.kafka.2.zookeeper.1",
      "cloud.kafka.2.leader.1",
      "fog.mosquitto.1.1",
      "fog.mosquitto.2.1",
      "fog.mosquitto.3.1",
      "fog.mosquitto.4.1",
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `edge.producer.${i}.1`),
      "experiment_manager.metrics_collector.1.1",
    ]);
    expect(byId.get("cloud.flink.1.job_manager.1")).toMatchObject({ host: "parasilo-1", url: "parasilo-1.rennes.grid5000.fr:8081", container: "job_manager" });
    expect(byId.get("cloud.flink.1.task_manager.1")).toMatchObject({ host: "parasilo-1", container: "task_manager" });
    expect(byId.get("cloud.kafka.2.zookeeper.1")).toMatchObject({ host: "parasilo-2", url: "parasilo-2.rennes.grid5000.fr:2181" });
    expect(byId.get("cloud.kafka.2.leader.1")).toMatchObject({ host: "parasilo-2", url: "parasilo-2.rennes.grid5000.fr:9092", container: "leader" });
    expect(byId.get("fog.mosquitto.3.1")).toMatchObject({ host: "parasilo-5", url: "parasilo-5.rennes.grid5000.fr:1883" });
    expect(byId.get("cloud.flink.1.job_manager.1")!.env.FLINK_PROPERTIES).toContain("taskmanager.numberOfTaskSlots: 32");
    // As E2Clab 3.7 registers them: `_id` is layer_service_machine, the numbers are strings.
    expect(byId.get("edge.producer.5.1")!.vars).toMatchObject({
      _id: "3_5_1",
      layer_id: "3",
      service_id: "5",
      machine_id: "1",
      __address__: "parasilo-11.rennes.grid5000.fr",
      url: "parasilo-11.rennes.grid5000.fr",
      __g5k_ipv6_address__: "parasilo-11-ipv6.rennes.grid5000.fr",
    });
    expect(byId.get("edge.producer.5.1")!.vars).not.toHaveProperty("__address4__");
    expect(byId.get("cloud.kafka.2.leader.1")!.vars).toMatchObject({ _id: "1_2_1", layer_id: "1", service_id: "2", url: "parasilo-2.rennes.grid5000.fr:9092" });
  });

  it("fans 320 producers out to the 4 gateways per host, round robin 1,2,3,4,1,2,3,4", () => {
    expect(plan.producers).toHaveLength(320);
    const edgeHosts = [7, 8, 9, 10, 11, 12, 13, 14].map((i) => `parasilo-${i}`);
    const gatewayOfHost = edgeHosts.map((h) => {
      const gws = new Set(plan.producers.filter((p) => p.host === h).map((p) => p.gateway));
      expect(plan.producers.filter((p) => p.host === h).map((p) => p.item)).toEqual(Array.from({ length: 40 }, (_, i) => String(i + 1)));
      expect(gws.size).toBe(1);
      return [...gws][0];
    });
    expect(gatewayOfHost).toEqual([1, 2, 3, 4, 1, 2, 3, 4].map((g) => `fog.mosquitto.${g}.1`));
    for (let g = 1; g <= 4; g++) expect(plan.producers.filter((p) => p.gateway === `fog.mosquitto.${g}.1`)).toHaveLength(80);
  });

  it("renders each producer host's 40 launch commands against its own gateway", () => {
    const cmds = shells(step("p4.launch.parasilo-12"));
    expect(cmds).toHaveLength(40);
    cmds.forEach((c, i) => {
      expect(c).toContain(`/opt/dataset/data-${i + 1} 10 ${i + 1} tcp://parasilo-4.rennes.grid5000.fr:1883 in-uni-data`);
      expect(c).toContain(`/opt/metrics-${i + 1}`);
    });
    const t = step("p4.launch.parasilo-12").tasks.find((x) => x.kind === "shell")!;
    expect(t).toMatchObject({ async: 220, poll: 0 });
  });

  it("creates both topics with 32 partitions against the ZooKeeper url", () => {
    const cmds = shells(step("p1.prepare.parasilo-2"));
    expect(cmds).toEqual(
      ["in-uni-data", "out-uni-data"].map(
        (t) => `sudo docker exec leader /usr/bin/kafka-topics --create --partitions 32 --replication-factor 1 --if-not-exists --zookeeper parasilo-2.rennes.grid5000.fr:2181 --topic ${t}`,
      ),
    );
  });

  it("submits the Flink job in the job manager's own container with the seed's arguments", () => {
    const cmds = shells(step("p2.launch.parasilo-1"));
    expect(cmds[0]).toMatch(/^sudo docker cp \/opt\/university-people-count-flink-partial-on-cloud-0\.0\.1-SNAPSHOT\.jar job_manager:\/opt\/ && sudo docker cp \/opt\/lib\/ task_manager:\/opt\/flink\/$/);
    expect(cmds[1].replace(/\s+/g, " ")).toBe(
      "sudo docker exec job_manager flink run -d -q /opt/university-people-count-flink-partial-on-cloud-0.0.1-SNAPSHOT.jar 32 parasilo-2.rennes.grid5000.fr:9092 in-uni-data out-uni-data parasilo-2.rennes.grid5000.fr:9092 20",
    );
  });

  it("gives each gateway its own broker (address_match) and the Kafka leader (round_robin)", () => {
    for (const [host, n] of [["parasilo-3", 3], ["parasilo-6", 6]] as const) {
      const [cmd] = shells(step(`p3.launch.${host}`));
      expect(cmd).toContain(`tcp://parasilo-${n}.rennes.grid5000.fr:1883 in-uni-data 0 tcp://parasilo-2.rennes.grid5000.fr:9092 in-uni-data`);
    }
  });

  it("uses the artifacts folder as working_dir for copies and the run folder for fetches", () => {
    expect(step("p2.prepare.parasilo-1").tasks).toContainEqual(expect.objectContaining({ kind: "copy", src: "/home/jdoe/cctv/artifacts/libs/", dest: "/opt/lib/", item: undefined }));
    const fetches = step("p4.finalize.parasilo-7").tasks.filter((t) => t.kind === "fetch");
    expect(fetches).toHaveLength(40);
    expect(fetches[39]).toEqual(expect.objectContaining({ kind: "fetch", src: "/opt/metrics-40/throughput", dest: "${E2C_RUN_DIR}/experiment-results/producers/", flat: false, item: "40" }));
  });

  it("orders prepare before launch, and each play after the plays it depends on", () => {
    const launch = step("p4.launch.parasilo-7");
    expect(launch.after).toEqual(expect.arrayContaining(plan.steps.filter((s) => s.phase === "prepare").map((s) => s.id)));
    expect(launch.after).toEqual(expect.arrayContaining(["p3.launch.parasilo-3", "p3.launch.parasilo-6"]));
    expect(step("p3.launch.parasilo-3").after).not.toContain("p4.launch.parasilo-7");
    // Finalize follows the same relation, so destroy (which runs it in reverse) stops producers before gateways.
    expect(step("p4.finalize.parasilo-7").after).toEqual(expect.arrayContaining(["p3.finalize.parasilo-3", "p4.launch.parasilo-7", "p4.prepare.parasilo-7"]));
    expect(step("p4.launch.parasilo-7").needsServices).toEqual(["fog.mosquitto.1.1"]);
    expect(step("p1.prepare.parasilo-2").needsServices).toEqual(["cloud.kafka.2.zookeeper.1", "cloud.kafka.2.leader.1"]);
  });

  it("runs one step per host, play and phase", () => {
    const ids = plan.steps.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    // kafka: prepare+finalize; flink: 3 phases; gateways 4x3; producers 8x3; collector 3.
    expect(plan.steps).toHaveLength(2 + 3 + 12 + 24 + 3);
  });

  it("shapes cloud->fog and fog->edge egress on the source hosts only", () => {
    expect(plan.network).toHaveLength(2 * 4 + 4 * 8);
    const cloudFog = plan.network.filter((r) => r.entry === 0);
    expect(new Set(cloudFog.map((r) => r.host))).toEqual(new Set(["parasilo-1", "parasilo-2"]));
    expect(new Set(cloudFog.map((r) => r.destinationHost))).toEqual(new Set(["parasilo-3", "parasilo-4", "parasilo-5", "parasilo-6"]));
    expect(cloudFog[0]).toMatchObject({ delayMs: 5, rateBps: 1e9, lossPercent: 2, direction: "forward", destinationAddress: "parasilo-3.rennes.grid5000.fr" });
    const fogEdge = plan.network.filter((r) => r.entry === 1);
    expect(new Set(fogEdge.map((r) => r.host))).toEqual(new Set(["parasilo-3", "parasilo-4", "parasilo-5", "parasilo-6"]));
    expect(fogEdge.every((r) => r.delayMs === 50 && r.rateBps === 150e6 && r.lossPercent === 5)).toBe(true);
    expect(plan.network.some((r) => r.host.match(/parasilo-(7|8|9|1[0-5])$/))).toBe(false);
  });

  it("monitors every host whose service has role monitoring", () => {
    expect(plan.monitoring).toEqual({ type: "dstat", options: "-m -c -n", hosts: plan.hosts.slice(0, 14).map((h) => h.name) });
  });

  it("reaches every host through the access frontend", () => {
    expect(plan.hosts.every((h) => h.jumpHost?.host === "access.grid5000.fr" && h.jumpHost.user === "jdoe")).toBe(true);
  });
});
