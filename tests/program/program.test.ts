import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { shq } from "../../components/shell";
import { Diagnostics } from "../../model/diagnostic";
import { loadStackFile, stackNameOf } from "../../model/loadStack";
import { hostTemplate } from "../../planner/placeServices";
import { planFromFiles } from "../../planner/planFromFiles";
import { Plan } from "../../planner/planTypes";
import {
  CapturedResource,
  DependencyGraph,
  Evaluation,
  jestLoader,
  KEY_MARKER,
  MOCK_RUN_STARTED,
  PROJECT_DIR,
  evaluateProgram,
  isSecretWrapped,
  plainStrings,
  reveal,
} from "./mockProgram";


/** Every stack file of the project: a new one is tested without touching this file. */
const STACK_FILES = fs
  .readdirSync(PROJECT_DIR)
  .filter((f) => /^Pulumi\.[^.]+\.ya?ml$/.test(f))
  .sort();

test("the project has the dev, x2 and x10 stacks", () => {
  expect(STACK_FILES).toEqual(expect.arrayContaining(["Pulumi.dev.yaml", "Pulumi.x2.yaml", "Pulumi.x10.yaml"]));
});

const T = {
  remote: "command:remote:Command",
  copy: "command:remote:CopyToRemote",
  local: "command:local:Command",
  container: "docker:index/container:Container",
  image: "docker:index/remoteImage:RemoteImage",
  provider: "pulumi:providers:docker",
  random: "random:index/randomString:RandomString",
};

/** Stacks that run the seed's scenario at its own scale or a multiple (the seed's numbers hold). */
const SEED_SCALE = ["dev", "x2", "x10"];

const str = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
/** Every script text of a command resource (create, update, delete), secrets revealed. */
const scriptOf = (r: CapturedResource) => ["create", "update", "delete"].map((k) => unBashC(str(reveal(r.raw[k]) ?? ""))).join("\n");
/** The script inside a remote command's `bash -c '<script>'`, as the host's bash receives it. */
function unBashC(s: string): string {
  const m = /^bash -c '([\s\S]*)'$/.exec(s);
  return m ? m[1].split("'\\''").join("'") : s;
}

describe.each(STACK_FILES)("%s", (file) => {
  const stack = stackNameOf(file);
  const stackFile = path.join(PROJECT_DIR, file);
  let ev: Evaluation;
  let plan: Plan;
  let graph: DependencyGraph;
  const ofType = (t: string) => ev.resources.filter((r) => r.type === t);
  const named = (name: string, type?: string) => {
    const found = ev.resources.filter((r) => r.name === name && (!type || r.type === type));
    if (found.length !== 1) throw new Error(`expected one resource named ${name}${type ? ` of ${type}` : ""}, found ${found.length}`);
    return found[0];
  };
  /** The container of the (first) service of `kind`, found by its service label; its name is checked apart. */
  const container = (kind: string) => {
    const svc = plan.services.find((s) => s.kind === kind)!;
    const c = ofType(T.container).find((r) => JSON.stringify(r.raw.labels).includes(`"${svc.id}"`))!;
    expect(c.raw.name).toBe(svc.container);
    return c;
  };

  beforeAll(async () => {
    ev = await evaluateProgram(stack, jestLoader);
    plan = planFromFiles({ stackFile });
    graph = new DependencyGraph(ev);
  }, 120_000);

  test("resource counts per type follow the plan's hosts, not its producers", () => {
    const counts: Record<string, number> = {};
    for (const r of ev.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    const steps = (phase: string) => plan.steps.filter((s) => s.phase === phase);
    const containerServices = plan.services.filter((s) => s.container);
    const containerHosts = new Set(containerServices.map((s) => s.host));
    const netemHosts = new Set(plan.network.map((r) => r.host));
    const copies = plan.steps.flatMap((s) => s.tasks.filter((t) => t.kind === "copy"));
    const monitored = plan.hosts.filter((h) => h.monitored).length;
    expect(counts[T.remote]).toBe(steps("prepare").length + steps("launch").length + monitored);
    expect(counts[T.copy] ?? 0).toBe(copies.length);
    // finalize steps + stop and fetch per host + one tc per shaped host + key file + start clock + run window
    // + validation records + a clock offset per host; host preparation: a bootstrap per host with packages,
    // a command per image of each host, the run's start marker per host, and the gate after them
    const preparation = plan.hosts.filter((h) => h.packages.length).length + plan.hosts.reduce((n, h) => n + h.images.length, 0) + plan.hosts.length + 1;
    expect(counts[T.local]).toBe(steps("finalize").length + 3 * plan.hosts.length + netemHosts.size + 4 + preparation);
    // The local testbed's hosts are made outside the program, as reserved nodes: the same resources as dev.
    expect(counts[T.container]).toBe(containerServices.length);
    expect(counts[T.provider]).toBe(containerHosts.size);
    expect(counts[T.random]).toBe(1);
    expect(counts["edge2cloud:cloud:CloudLayer"]).toBe(1);
    expect(counts["edge2cloud:fog:FogGateway"]).toBe(plan.services.filter((s) => s.kind === "mosquitto").length);
    expect(counts["edge2cloud:edge:EdgeProducerGroup"]).toBe(new Set(plan.producers.map((p) => p.host)).size);
    expect(counts["edge2cloud:metrics:MetricsCollector"]).toBe(1);
    expect(counts["edge2cloud:network:NetemLink"]).toBe(netemHosts.size);
    // Per edge host a fixed handful, whatever the number of cameras: its copies and steps, dstat, stop, fetch.
    const edgeHost = plan.producers[0].host;
    const ownName = new RegExp(`^(p\\d+\\.\\w+\\.)?${edgeHost.replace(/[.]/g, "\\.")}(-copy\\d+|-dstat|-stop|-fetch|-netem-tc|-bootstrap-packages|-images-.*|-run-marker)?$`);
    const perEdgeHost = ev.resources.filter((r) => r.custom && ownName.test(r.name)).length;
    const own = plan.steps.filter((s) => s.host === edgeHost);
    const edge = plan.hosts.find((h) => h.name === edgeHost)!;
    expect(perEdgeHost).toBe(own.length + own.flatMap((s) => s.tasks.filter((t) => t.kind === "copy")).length + 2 + (edge.monitored ? 1 : 0) + (netemHosts.has(edgeHost) ? 1 : 0) + 1 + edge.images.length + 1);
    if (SEED_SCALE.includes(stack)) {
      // launch and finalize steps, dstat, stop, fetch, bootstrap, the apps image, the run marker
      expect(perEdgeHost).toBe(8);
      expect(plan.producers.filter((p) => p.host === edgeHost).length).toBe(40);
    }
  });

  test("every custom resource is inside a component of this project, with children { parent }", () => {
    const components = new Set(ev.resources.filter((r) => r.type.startsWith("edge2cloud:")).map((r) => r.urn));
    for (const r of ev.resources.filter((r) => r.custom || r.type.startsWith("pulumi:providers:"))) {
      expect({ name: r.name, inComponent: components.has(r.parent) }).toEqual({ name: r.name, inComponent: true });
    }
  });

  test("each edge host's launch command targets the gateway the planner assigned (round robin per host)", () => {
    const gateways = plan.services.filter((s) => s.kind === "mosquitto");
    const edgeHosts = plan.hosts.filter((h) => plan.producers.some((p) => p.host === h.name));
    expect(edgeHosts.length).toBeGreaterThan(0);
    edgeHosts.forEach((host, i) => {
      const step = plan.steps.find((s) => s.host === host.name && s.phase === "launch" && s.playHosts.startsWith("edge.producer"))!;
      const script = scriptOf(named(step.id, T.remote));
      // E2Clab's round robin walks the play's hosts in order, one gateway per HOST.
      const expected = gateways[i % gateways.length].url;
      const assigned = plan.producers.filter((p) => p.host === host.name);
      expect(new Set(assigned.map((p) => p.gatewayUrl))).toEqual(new Set([expected]));
      for (const other of gateways.filter((g) => g.url !== expected)) expect(script).not.toContain(other.url);
      const detached = step.tasks.filter((t) => t.kind === "shell" && t.async !== undefined && t.poll === 0);
      for (const p of assigned) {
        const task = detached.find((t) => t.item === p.item) as Extract<typeof detached[number], { kind: "shell" }>;
        expect(task.command).toContain(expected);
        expect(script).toContain(shq(task.command));
        expect(task.command).toContain(`--broker tcp://${expected} --topic in-uni-data`);
      }
      // one detached process per camera, each with its own time limit, in ONE command
      expect(script.match(/e2c_detach \d+ \d+ /g)?.length).toBe(assigned.length);
    });
  });

  test("Kafka topics (32 partitions) are created after the broker is healthy", () => {
    const topics = ofType(T.remote).filter((r) => /topics(\.sh)? --create/.test(scriptOf(r)));
    if (SEED_SCALE.includes(stack)) expect(scriptOf(topics[0])).toContain("topics --create --partitions 32");
    expect(topics).toHaveLength(1);
    const script = scriptOf(topics[0]);
    expect(script).toContain("--topic in-uni-data");
    expect(script).toContain("--topic out-uni-data");
    const kafka = plan.services.find((s) => s.kind === "kafka-broker")!;
    const leader = container("kafka-broker");
    const zk = container("kafka-zookeeper");
    expect(topics[0].dependencies).toContain(leader.urn);
    expect(leader.raw.wait).toBe(true);
    expect((leader.raw.healthcheck as { tests: string[] }).tests.join(" ")).toContain("kafka-broker-api-versions");
    expect(leader.dependencies).toContain(zk.urn);
    // the scenario's Kafka env goes to the broker, which advertises the address clients use
    const envs = reveal(leader.raw.envs) as string[];
    for (const [k, v] of Object.entries(kafka.env)) expect(envs).toContain(`${k}=${v}`);
    expect(envs).toContain(`KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${kafka.url}`);
    expect(envs).toContain(`KAFKA_ZOOKEEPER_CONNECT=${plan.services.find((s) => s.kind === "kafka-zookeeper")!.url}`);
    expect(zk.raw.wait).toBe(true);
  });

  test("the Flink job is submitted after the TaskManager is up", () => {
    const submit = ofType(T.remote).filter((r) => /entrypoint\.sh run \d+ /.test(scriptOf(r)));
    expect(submit).toHaveLength(1);
    const jm = plan.services.find((s) => s.kind === "flink-jobmanager")!;
    const tm = container("flink-taskmanager");
    expect(submit[0].dependencies).toContain(tm.urn);
    expect(tm.raw.wait).toBe(true);
    // "up" = registered with the JobManager's REST API, not merely a running JVM
    expect((tm.raw.healthcheck as { tests: string[] }).tests.join(" ")).toContain(`/dev/tcp/${jm.address}/8081`);
    expect((tm.raw.healthcheck as { tests: string[] }).tests.join(" ")).toContain("/taskmanagers");
    expect(tm.dependencies).toContain(container("flink-jobmanager").urn);
    // FLINK_PROPERTIES from the scenario's env, one `key: value` per line, plus where the JobManager is
    for (const c of [tm, container("flink-jobmanager")]) {
      const props = (reveal(c.raw.envs) as string[]).find((e) => e.startsWith("FLINK_PROPERTIES="))!.slice("FLINK_PROPERTIES=".length).split("\n");
      expect(props).toContain(`jobmanager.rpc.address: ${jm.address}`);
      const given = (jm.env.FLINK_PROPERTIES ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
      expect(props).toEqual(expect.arrayContaining(given));
      if (SEED_SCALE.includes(stack)) expect(props).toEqual(expect.arrayContaining(["taskmanager.numberOfTaskSlots: 32", "parallelism.default: 16"]));
    }
    // and after every prepare step of the testbed (the planner's order), through the run window
    for (const s of plan.steps.filter((s) => s.phase === "prepare")) expect(graph.dependsOn(submit[0].urn, named(s.id).urn)).toBe(true);
  });

  test("finalize and fetch are in delete paths, in the right order", () => {
    const window = named("run-clock", T.local);
    for (const host of plan.hosts) {
      const stop = named(`${host.name}-stop`, T.local);
      const fetch = named(`${host.name}-fetch`, T.local);
      expect(str(reveal(stop.raw.delete))).toContain("kill -TERM --");
      expect(stop.raw.create).toBeUndefined();
      const finals = plan.steps.filter((s) => s.host === host.name && s.phase === "finalize");
      for (const f of finals) {
        const r = named(f.id, T.local);
        expect(r.raw.create).toBeUndefined();
        for (const t of f.tasks) if (t.kind === "shell") expect(str(reveal(r.raw.delete))).toContain(shq(t.command));
        // destroy deletes dependents first: stop -> finalize -> fetch
        expect(graph.dependsOn(stop.urn, r.urn)).toBe(true);
        expect(graph.dependsOn(r.urn, fetch.urn)).toBe(true);
        for (const t of f.tasks) if (t.kind === "fetch") expect(str(reveal(fetch.raw.delete))).toContain(`"$TARGET":${shq(t.src)}`);
        // Once home, a workflow file is set aside on its host, so the next run's programs start new files.
        for (const t of f.tasks) if (t.kind === "fetch") expect(str(reveal(fetch.raw.delete))).toContain(`mv -f ${shq(t.src)} ${shq(`${t.src}.fetched`)}`.replace(/'/g, `'\\''`));
      }
      // processes are stopped before anything is fetched, on every host: every stop precedes every fetch
      for (const other of plan.hosts) expect(graph.dependsOn(stop.urn, named(`${other.name}-fetch`, T.local).urn)).toBe(true);
      // launched processes stop at destroy before the launch's own dependencies go
      for (const l of plan.steps.filter((s) => s.host === host.name && s.phase === "launch")) {
        expect(graph.dependsOn(named(l.id, T.remote).urn, stop.urn)).toBe(true);
      }
      expect(graph.dependsOn(stop.urn, window.urn)).toBe(true);
      // the clock is measured again at destroy, before the window closes, so before any finalize or fetch
      const offset = named(`${host.name}-clock-offset`, T.local);
      expect(str(reveal(offset.raw.delete))).toContain("/clock-end/");
      expect(graph.dependsOn(offset.urn, window.urn)).toBe(true);
      for (const f of finals) expect(graph.dependsOn(window.urn, named(f.id, T.local).urn)).toBe(true);
      expect(graph.dependsOn(window.urn, fetch.urn)).toBe(true);
      const netem = ev.resources.find((r) => r.name === `${host.name}-netem-tc`);
      if (netem) expect(graph.dependsOn(fetch.urn, netem.urn)).toBe(true);
    }
    // containers outlive the finalize of every step that names them, hence every host's stop
    for (const f of plan.steps.filter((s) => s.phase === "finalize")) {
      for (const id of f.needsServices) {
        const c = ofType(T.container).find((r) => JSON.stringify(r.raw.labels).includes(`"${id}"`))!;
        expect(graph.dependsOn(named(f.id).urn, c.urn)).toBe(true);
      }
    }
    const leader = container("kafka-broker");
    for (const h of plan.hosts) expect(graph.dependsOn(named(`${h.name}-stop`, T.local).urn, leader.urn)).toBe(true);
    // across plays, dependents finalize first: producers, then the gateways they send to
    const gatewayFinals = plan.steps.filter((s) => s.phase === "finalize" && s.playHosts.startsWith("fog.mosquitto"));
    expect(gatewayFinals.length).toBeGreaterThan(0);
    for (const s of plan.steps.filter((s) => s.phase === "finalize" && s.playHosts.startsWith("edge.producer"))) {
      for (const g of gatewayFinals) expect(graph.dependsOn(named(s.id).urn, named(g.id).urn)).toBe(true);
    }
    // no remote command has a delete: a dead host must never block the destroy of the others
    for (const r of ofType(T.remote)) expect(r.raw.delete).toBeUndefined();
    // every delete that connects records a lost host instead of failing
    for (const r of ofType(T.local).filter((r) => str(reveal(r.raw.delete ?? "")).includes('"$TARGET"'))) {
      expect(str(reveal(r.raw.delete))).toMatch(/e2c_lost[\s\S]*exit 0$/);
    }
  });

  test("NetemLink: one per host with rules, each applying exactly that host's rules", () => {
    const sources = [...new Set(plan.network.map((r) => r.host))].sort();
    const links = ofType("edge2cloud:network:NetemLink");
    expect(links.map((l) => l.name).sort()).toEqual(sources.map((h) => `${h}-netem`).sort());
    for (const host of sources) {
      const link = named(`${host}-netem`, "edge2cloud:network:NetemLink");
      const rules = plan.network.filter((r) => r.host === host);
      const outputs = reveal(ev.registeredOutputs.get(link.urn)) as { rules: { to: string; delay?: string; rate?: string; loss?: string }[] };
      expect(outputs.rules).toEqual(rules.map((r) => ({ to: r.destinationHost, delay: r.delay, rate: r.rate, loss: r.loss })));
      const tc = named(`${host}-netem-tc`, T.local);
      expect(tc.parent).toBe(link.urn);
      const apply = scriptOf(tc);
      for (const r of rules) {
        const line = apply.split("\n").find((l) => l.startsWith("rule ") && l.includes(`'${r.destinationAddress}'`));
        expect(line).toBeDefined();
        expect(line).toContain(` ${r.rate ?? "10gbit"} `);
        if (r.delay) expect(line).toContain(`delay ${r.delay}`);
        if (r.loss) expect(line).toContain(`loss ${r.loss}`);
      }
      // shaping is gone from the host only after its files are fetched
      expect(graph.dependsOn(named(`${host}-fetch`, T.local).urn, tc.urn)).toBe(true);
    }
    // the seed's rules: cloud hosts shape towards every gateway, gateways towards every producer host
    const fog = plan.hosts.filter((h) => h.layer === "fog");
    const edge = plan.hosts.filter((h) => h.layer === "edge");
    for (const g of fog) expect(plan.network.filter((r) => r.host === g.name).map((r) => r.destinationHost).sort()).toEqual(edge.map((h) => h.name).sort());
  });

  test("containers are named and networked as the stack's host layout says", () => {
    const settings = loadStackFile(stackFile, new Diagnostics())!;
    for (const svc of plan.services.filter((s) => s.container)) {
      const c = ofType(T.container).find((r) => JSON.stringify(r.raw.labels).includes(`"${svc.id}"`))!;
      expect({ id: svc.id, name: c.raw.name, net: c.raw.networkMode }).toEqual({
        id: svc.id,
        name: svc.container,
        net: hostTemplate(settings.hostLayout.containerNetwork, svc.host),
      });
      expect(c.deleteBeforeReplace).toBe(true);
    }
    // The local testbed's hosts are bare hosts too: the same names and host networking as on Grid'5000.
    if (SEED_SCALE.includes(stack) || stack === "local") {
      expect(new Set(ofType(T.container).map((c) => c.raw.name))).toEqual(new Set(["zookeeper", "leader", "job_manager", "task_manager", "mosquitto"]));
      expect(new Set(ofType(T.container).map((c) => c.raw.networkMode))).toEqual(new Set(["host"]));
    }
  });

  test("every command has time limits", () => {
    for (const r of ev.resources.filter((r) => r.type.startsWith("command:") || r.type === T.container)) {
      expect({ name: r.name, create: r.customTimeouts?.create || (r.raw.create === undefined ? "none needed" : "") }).toEqual({
        name: r.name,
        create: expect.stringMatching(/^(\d+[smh]|none needed)$/),
      });
      if (r.raw.delete !== undefined) expect(r.customTimeouts?.pb_delete).toMatch(/^\d+[smh]$/);
    }
  });

  test("no secret appears in plain text in any input or output", () => {
    const leaks = [
      ...ev.resources.flatMap((r) => plainStrings(r.raw).map((s) => ({ where: `${r.name}.${s.path}`, value: s.value }))),
      ...[...ev.registeredOutputs.entries()].flatMap(([urn, o]) => plainStrings(o).map((s) => ({ where: `${urn} output ${s.path}`, value: s.value }))),
    ].filter((s) => s.value.includes(KEY_MARKER));
    expect(leaks).toEqual([]);
    expect(JSON.stringify(ev.stackOutputs)).not.toContain(KEY_MARKER);
    // and it does reach the commands that need it, as a secret
    const withKey = ev.resources.filter((r) => JSON.stringify(r.raw).includes(KEY_MARKER));
    expect(withKey.length).toBeGreaterThan(plan.hosts.length);
    for (const r of ofType(T.remote)) {
      const conn = r.raw.connection as Record<string, unknown>;
      expect(isSecretWrapped(conn) || isSecretWrapped(conn.privateKey)).toBe(true);
      expect(r.additionalSecretOutputs).toContain("connection");
    }
    const key = named("experiment-ssh-key", T.local);
    expect(isSecretWrapped(key.raw.stdin)).toBe(true);
    expect(key.additionalSecretOutputs).toContain("stdin");
  });

  test("npm run plan and the program agree: every host, service and command of the plan is in the graph", () => {
    const out = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "cli/plan.ts", "--stack", stack, "--json"], {
      cwd: PROJECT_DIR,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(out.status).toBe(0);
    const printed = JSON.parse(out.stdout) as {
      hosts: { name: string; address: string }[];
      services: { id: string; host: string; container?: string }[];
      tasks: { id: string; host: string; phase: string; commands: string[] }[];
    };
    const texts = new Map(ev.resources.map((r) => [r.name, r.type.startsWith("command:") && r.type !== T.copy ? scriptOf(r) : JSON.stringify(reveal(r.raw))]));
    for (const h of printed.hosts) {
      expect(texts.get(`${h.name}-fetch`)).toContain(h.address);
      expect(texts.get(`${h.name}-stop`)).toContain(h.address);
    }
    for (const s of printed.services) {
      if (s.container) {
        const c = ofType(T.container).filter((r) => JSON.stringify(r.raw.labels).includes(`"${s.id}"`));
        expect(c.map((r) => r.raw.name)).toEqual([s.container]);
      } else {
        // services without a container run through their host's steps
        expect(plan.steps.some((st) => st.services.includes(s.id) && texts.has(st.id))).toBe(true);
      }
    }
    for (const t of printed.tasks) {
      const own = texts.get(t.id);
      expect(own).toBeDefined();
      const copies = ev.resources.filter((r) => r.type === T.copy && r.name.startsWith(`${t.id}-copy`)).map((r) => JSON.stringify(r.raw));
      const fetch = texts.get(`${t.host}-fetch`)!;
      for (const printedCommand of t.commands) {
        // the CLI annotates detached tasks with `   [async 260s, poll 0]`
        const c = printedCommand.replace(/\s+\[async \d+s, poll \d+\]$/, "");
        if (c.startsWith("# ")) expect(own).toContain(shq(c.slice(2)));
        else if (c.startsWith("copy ")) expect(copies.some((x) => x.includes(c.slice(5).split(" -> ")[0]))).toBe(true);
        else if (c.startsWith("fetch ")) expect(fetch).toContain(shq(c.slice(6).split(" -> ")[0]));
        else expect(own).toContain(shq(c));
      }
    }
  }, 60_000);

  test("stack outputs give the Flink UI, Kafka bootstrap, gateways and the results folder", () => {
    const o = ev.stackOutputs as Record<string, unknown>;
    const jm = plan.services.find((s) => s.kind === "flink-jobmanager")!;
    expect(o.flinkWebUi).toBe(`http://${jm.address}:8081`);
    expect(o.kafkaBootstrap).toBe(plan.services.find((s) => s.kind === "kafka-broker")!.url);
    expect(o.gatewayUrls).toEqual(plan.services.filter((s) => s.kind === "mosquitto").map((s) => s.url));
    expect(o.resultsFolder).toBe(path.join(PROJECT_DIR, "results", stack, MOCK_RUN_STARTED));
    for (const c of ofType(T.container)) {
      expect(reveal(c.raw.labels)).toEqual(expect.arrayContaining([{ label: "e2c.experiment", value: o.experimentId }]));
    }
  });
});
