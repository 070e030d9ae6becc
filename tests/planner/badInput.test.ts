import * as fs from "fs";
import * as path from "path";
import { Diagnostic, ScenarioError } from "../../model/diagnostic";
import { planFromFiles } from "../../planner/planFromFiles";
import { hosts, rawStackFile, replace, scenarioVariant, SEED_SCENARIO, stackFile } from "./scenarioFixture";

/** Runs the planner and returns its diagnostics; a plan (no error) fails the test. */
function diagnosticsOf(files: { stackFile: string; scenarioDir?: string }): Diagnostic[] {
  try {
    planFromFiles(files);
  } catch (e) {
    if (e instanceof ScenarioError) return e.diagnostics;
    throw e;
  }
  throw new Error("the input was accepted");
}

/** 1-based line and column of the first occurrence of `text` (which may span lines) in `file`. */
function where(file: string, at: string | [after: string, text: string]): { line: number; col: number } {
  const content = fs.readFileSync(file, "utf8");
  const [after, text] = typeof at === "string" ? ["", at] : at;
  const offset = content.indexOf(text, content.indexOf(after));
  if (offset < 0) throw new Error(`${JSON.stringify(text)} not in ${file}`);
  const before = content.slice(0, offset).split("\n");
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

const seedHosts = hosts(15);

interface Case {
  name: string;
  scenario?: Record<string, string | ((t: string) => string)>;
  stack?: (scenarioDir: string) => string;
  file: string;
  /** Text whose first character the error must point at (or a whole-file error at 1:1). */
  at?: string | [after: string, text: string];
  message: RegExp;
  value?: string;
  expected?: RegExp;
}

const cases: Case[] = [
  // layers_services.yaml
  { name: "unknown top-level key", scenario: { "layers_services.yaml": (t) => t + "experiment: 3\n" }, file: "layers_services.yaml", at: "experiment:", message: /unknown key 'experiment' in the document/, expected: /environment, monitoring, provenance, monitoring_iotlab, kwollect, layers/ },
  { name: "missing environment", scenario: { "layers_services.yaml": (t) => t.replace(/^environment:[\s\S]*?(?=^monitoring:)/m, "") }, file: "layers_services.yaml", at: "monitoring:", message: /missing required key 'environment'/ },
  { name: "walltime not hh:mm:ss", scenario: { "layers_services.yaml": replace('walltime: "01:30:00"', 'walltime: "90min"') }, file: "layers_services.yaml", at: '"90min"', message: /invalid value for environment.walltime/, value: '"90min"', expected: /hh:mm:ss/ },
  { name: "unknown monitoring type", scenario: { "layers_services.yaml": replace("type: dstat", "type: prometheus") }, file: "layers_services.yaml", at: "prometheus", message: /invalid value for monitoring.type/, expected: /dstat, tig, tpg/ },
  { name: "quantity 0", scenario: { "layers_services.yaml": replace("quantity: 1\n    roles: [monitoring]\n    repeat: 3", "quantity: 0\n    roles: [monitoring]\n    repeat: 3") }, file: "layers_services.yaml", at: "0\n", message: /layers.1.services.0.quantity/, expected: /at least 1/ },
  { name: "negative repeat", scenario: { "layers_services.yaml": replace("repeat: 7", "repeat: -1") }, file: "layers_services.yaml", at: "-1", message: /layers.2.services.0.repeat/, expected: /0 or more/ },
  { name: "duplicate layer", scenario: { "layers_services.yaml": replace("- name: edge", "- name: fog") }, file: "layers_services.yaml", at: "fog\n  services:\n  - name: Producer", message: /duplicate layer name/, value: '"fog"' },
  { name: "duplicate service in a layer", scenario: { "layers_services.yaml": replace("  - name: Kafka", "  - name: flink") }, file: "layers_services.yaml", at: "flink\n", message: /duplicate service 'flink' in layer 'cloud'/ },
  { name: "dotted layer name", scenario: { "layers_services.yaml": replace("- name: edge", "- name: edge.far") }, file: "layers_services.yaml", at: "edge.far", message: /layers.2.name/, expected: /letters, digits/ },
  { name: "roles not a list", scenario: { "layers_services.yaml": replace("roles: [monitoring]\n    repeat: 7", "roles: monitoring\n    repeat: 7") }, file: "layers_services.yaml", at: "monitoring\n    repeat: 7", message: /wrong type for layers.2.services.0.roles/, expected: /list of role names/ },
  { name: "YAML syntax error", scenario: { "layers_services.yaml": replace("  type: dstat", "  type: [dstat") }, file: "layers_services.yaml", message: /YAML syntax error/ },
  // network.yaml
  { name: "delay in seconds", scenario: { "network.yaml": replace('delay: "5ms"', 'delay: "5sec"') }, file: "network.yaml", at: '"5sec"', message: /networks.0.delay/, value: '"5sec"', expected: /milliseconds such as "5ms"/ },
  { name: "rate unit unknown", scenario: { "network.yaml": replace('rate: "1gbit"', 'rate: "1gb"') }, file: "network.yaml", at: '"1gb"', message: /networks.0.rate/, expected: /kbit, mbit or gbit/ },
  { name: "loss over 100%", scenario: { "network.yaml": replace('loss: "5%"', 'loss: "120%"') }, file: "network.yaml", at: '"120%"', message: /loss over 100%/, value: '"120%"', expected: /0% to 100%/ },
  { name: "loss without percent", scenario: { "network.yaml": replace('loss: "2%"', 'loss: "0.02"') }, file: "network.yaml", at: '"0.02"', message: /networks.0.loss/, expected: /percentage/ },
  { name: "unknown network key", scenario: { "network.yaml": replace('  loss: "2%"', '  loss: "2%"\n  jitter: "1ms"') }, file: "network.yaml", at: "jitter", message: /unknown key 'jitter' in networks.0/, expected: /src, dst, delay, rate, loss, symmetric/ },
  { name: "network selector matching nothing", scenario: { "network.yaml": replace("src: cloud", "src: clouds") }, file: "network.yaml", at: "src: clouds", message: /network src selector matches no service/, value: '"clouds"' },
  { name: "network entry constraining nothing", scenario: { "network.yaml": (t) => t + "- src: cloud\n  dst: edge\n" }, file: "network.yaml", at: "src: cloud\n  dst: edge", message: /constrains nothing/ },
  { name: "walltime read as a number (unquoted 1:30:00)", scenario: { "layers_services.yaml": replace('walltime: "01:30:00"', "walltime: 1:30:00") }, file: "layers_services.yaml", at: "1:30:00", message: /wrong type for environment.walltime/, value: "5400", expected: /write 01:30:00 or quote it/ },
  { name: "symmetric not a boolean", scenario: { "network.yaml": replace('  loss: "2%"', '  loss: "2%"\n  symmetric: "both"') }, file: "network.yaml", at: '"both"', message: /networks.0.symmetric/, expected: /true or false/ },
  // workflow.yaml
  { name: "unknown grouping", scenario: { "workflow.yaml": replace('grouping: "round_robin"\n    prefix: "zookeeper"', 'grouping: "random"\n    prefix: "zookeeper"') }, file: "workflow.yaml", at: '"random"', message: /invalid value for 0.depends_on.grouping/, expected: /round_robin, address_match, asarray, aggregate/ },
  { name: "depends_on selecting nothing", scenario: { "workflow.yaml": replace('service_selector: "cloud.kafka.*.zookeeper"', 'service_selector: "cloud.kafka.*.zk"') }, file: "workflow.yaml", at: 'service_selector: "cloud.kafka.*.zk"', message: /depends_on service_selector matches no service/, value: '"cloud.kafka.*.zk"' },
  { name: "play hosts selecting nothing", scenario: { "workflow.yaml": replace("- hosts: edge.producer.*", "- hosts: edge.camera.*") }, file: "workflow.yaml", at: "hosts: edge.camera.*", message: /play hosts selector matches no service/, value: '"edge.camera.*"' },
  { name: "undefined field of a prefix", scenario: { "workflow.yaml": replace("--zookeeper {{ zookeeper.url }} --topic in-uni-data", "--zookeeper {{ zookeeper.urll }} --topic in-uni-data") }, file: "workflow.yaml", at: "zookeeper.urll", message: /template variable 'zookeeper.urll' is not defined/, expected: /a field of zookeeper: .*url/ },
  { name: "undefined template variable", scenario: { "workflow.yaml": replace("tcp://{{ mosquitto.url }} in-uni-data /tmp", "tcp://{{ gateway.url }} in-uni-data /tmp") }, file: "workflow.yaml", at: "gateway.url", message: /template variable 'gateway.url' is not defined/, expected: /one of: .*mosquitto/ },
  { name: "task with two actions", scenario: { "workflow.yaml": replace('    - debug:\n        msg: "Creating my Kafka topics"', '    - debug:\n        msg: "Creating my Kafka topics"\n      shell: "true"') }, file: "workflow.yaml", at: 'debug:\n        msg: "Creating my Kafka topics"'.split("\n")[0], message: /task has several actions \(debug, shell\)/, expected: /exactly one of debug, shell, command, copy, fetch, template, file, wait_for, set_fact/ },
  { name: "task without action", scenario: { "workflow.yaml": replace('    - debug:\n        msg: "Stopping Flink"', "    - loop: [1, 2]") }, file: "workflow.yaml", at: "loop: [1, 2]", message: /task has no action/ },
  { name: "async on a copy", scenario: { "workflow.yaml": replace('        dest: "/opt/dataset/"', '        dest: "/opt/dataset/"\n      async: 10') }, file: "workflow.yaml", at: "10\n", message: /async on a copy task/, expected: /only on shell and command tasks/ },
  { name: "poll without async", scenario: { "workflow.yaml": replace('--topic out-uni-data"', '--topic out-uni-data"\n      poll: 5') }, file: "workflow.yaml", at: "5\n", message: /poll without async/ },
  { name: "loop that is not a list", scenario: { "workflow.yaml": replace('loop: "{{ range(1, 41)|list }}"\n  finalize', 'loop: "{{ 40 + 1 }}"\n  finalize') }, file: "workflow.yaml", at: '{{ 40 + 1 }}"', message: /loop is not a list \(got '41'\)/, expected: /range\(1, 41\)/ },
  { name: "filter that depends on chance", scenario: { "workflow.yaml": replace('loop: "{{ range(1, 41)|list }}"\n  finalize', 'loop: "{{ range(1, 41) | shuffle }}"\n  finalize') }, file: "workflow.yaml", at: 'shuffle }}"', message: /unknown filter: filter shuffle is unknown/ },
  { name: "array_info outside asarray", scenario: { "workflow.yaml": replace('prefix: "zookeeper"', 'prefix: "zookeeper"\n    array_info: id') }, file: "workflow.yaml", at: "id\n", message: /array_info only applies to grouping asarray/ },
  { name: "prefix used twice", scenario: { "workflow.yaml": replace('grouping: "round_robin"\n      prefix: "kafka"', 'grouping: "round_robin"\n      prefix: "mosquitto"') }, file: "workflow.yaml", at: '"mosquitto"\n  prepare', message: /prefix 'mosquitto' used twice in play 3/ },
  { name: "unknown task key", scenario: { "workflow.yaml": replace('        msg: "Stopping Flink"', '        msg: "Stopping Flink"\n      becomes: true') }, file: "workflow.yaml", at: "becomes", message: /unknown key 'becomes' in 1.finalize.0/, expected: /a module \(debug, shell, .*\) or a keyword \(name, when, vars, loop/ },
  { name: "task keyword that needs the hosts", scenario: { "workflow.yaml": replace('        msg: "Stopping Flink"', '        msg: "Stopping Flink"\n      delegate_to: localhost') }, file: "workflow.yaml", at: "delegate_to", message: /task keyword 'delegate_to' cannot be decided before deploying: it runs the task on another host/ },
  { name: "a registered result used at plan time", scenario: { "workflow.yaml": replace('    - debug:\n        msg: "Stopping Flink"', '    - shell: "cat /etc/hostname"\n      register: out\n    - debug:\n        msg: "host {{ out.stdout }}"') }, file: "workflow.yaml", at: "out.stdout", message: /'out' is registered by the task at .*workflow.yaml:\d+:\d+: its value exists only on the host/ },
  { name: "when on a registered result", scenario: { "workflow.yaml": replace('    - debug:\n        msg: "Stopping Flink"', '    - shell: "true"\n      register: r\n    - debug:\n        msg: "x"\n      when: r.rc == 0') }, file: "workflow.yaml", at: "r.rc == 0", message: /'r' is registered by the task/ },
  { name: "failed_when on a result", scenario: { "workflow.yaml": replace('        msg: "Stopping Flink"', '        msg: "Stopping Flink"\n      failed_when: out.rc > 1') }, file: "workflow.yaml", at: "out.rc > 1", message: /failed_when on the task's result cannot be decided before deploying/ },
  { name: "loop range with zero step", scenario: { "workflow.yaml": replace('loop: "{{ range(1, 41)|list }}"\n  finalize', 'loop: "{{ range(1, 41, 0)|list }}"\n  finalize') }, file: "workflow.yaml", at: 'range(1, 41, 0)|list }}"', message: /cannot create range with step of 0/ },
  { name: "workflow_env configuration not a mapping", scenario: { "workflow_env.yaml": "app_conf:\n  fps: 10\nextra: 1\n" }, file: "workflow_env.yaml", at: "1\n", message: /wrong type for extra/, expected: /mapping of variable names/ },
  // stack file
  { name: "too few hosts", stack: (dir) => stackFile(hosts(12), "", dir), file: "Pulumi.test.yaml", message: /the scenario needs 15 \(cloud 2 \(flink 1, kafka 1\); fog 4 \(mosquitto 4\); edge 8 \(producer 8\); experiment_manager 1 \(metrics_collector 1\)\), the stack gives 12/, expected: /at least 15 hosts/ },
  { name: "duplicate host address", stack: (dir) => stackFile([...seedHosts, { name: "extra", address: "10.0.0.3" }], "", dir), file: "Pulumi.test.yaml", at: ["name: extra", "10.0.0.3"], message: /duplicate host address/, value: '"10.0.0.3"' },
  { name: "host pinned to an unknown layer", stack: (dir) => stackFile([...seedHosts.slice(0, 14), { name: "far", address: "10.0.1.1", layer: "mars" }], "", dir), file: "Pulumi.test.yaml", at: "name: far", message: /host far is pinned to unknown layer/, value: '"mars"' },
  { name: "unknown config key", stack: (dir) => stackFile(seedHosts, "  edge2cloud:durations: 10\n", dir), file: "Pulumi.test.yaml", at: "edge2cloud:durations", message: /unknown key 'edge2cloud:durations' in config/, expected: /edge2cloud:duration/ },
  { name: "duration not a number", stack: (dir) => stackFile(seedHosts, "  edge2cloud:duration: 4min\n", dir), file: "Pulumi.test.yaml", at: "4min", message: /config.edge2cloud:duration/, expected: /duration in seconds/ },
  { name: "SSH port out of range", stack: (dir) => rawStackFile(`config:\n  edge2cloud:scenario: ${dir}\n  edge2cloud:hosts:\n    - name: a\n      address: 10.0.0.1\n      port: 70000\n`), file: "Pulumi.raw.yaml", at: "70000", message: /edge2cloud:hosts.0.port/, expected: /port from 1 to 65535/ },
  { name: "SSH key in plain text", stack: (dir) => stackFile(seedHosts, "  edge2cloud:sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----'\n", dir), file: "Pulumi.test.yaml", at: "'-----BEGIN", message: /wrong type for config.edge2cloud:sshPrivateKey/, expected: /pulumi config set --secret/ },
];

describe("bad input is reported with file, line, column, value and expectation", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const dir = scenarioVariant(c.scenario ?? {});
    const stack = c.stack ? c.stack(dir) : stackFile(seedHosts, "", dir);
    const diags = diagnosticsOf({ stackFile: stack });
    const d = diags.find((x) => c.message.test(x.message));
    if (!d) throw new Error(`no diagnostic matches ${c.message}; got:\n${diags.map((x) => x.message).join("\n")}`);
    const file = c.file.startsWith("Pulumi.") ? stack : path.join(dir, c.file);
    expect(d.location.file).toBe(file);
    if (c.at) expect({ line: d.location.line, col: d.location.col }).toEqual(where(file, c.at));
    else if (c.file.startsWith("Pulumi.")) expect([d.location.line, d.location.col]).toEqual([1, 1]);
    if (c.value) expect(d.value).toBe(c.value);
    if (c.expected) expect(d.expected).toMatch(c.expected);
  });

  it("reports the errors of every file together, in file order", () => {
    const dir = scenarioVariant({
      "layers_services.yaml": replace('walltime: "01:30:00"', 'walltime: "90min"'),
      "network.yaml": replace('delay: "5ms"', 'delay: "5sec"'),
      "workflow.yaml": replace('grouping: "round_robin"\n    prefix: "zookeeper"', 'grouping: "random"\n    prefix: "zookeeper"'),
    });
    const diags = diagnosticsOf({ stackFile: stackFile(seedHosts, "  edge2cloud:duration: -3\n", dir) });
    expect(diags.map((d) => path.basename(d.location.file))).toEqual(["Pulumi.test.yaml", "layers_services.yaml", "network.yaml", "workflow.yaml"]);
    const err = new ScenarioError(diags);
    expect(err.message).toMatch(/^4 errors in the scenario:\n/);
    expect(err.message).toContain(`${path.join(dir, "network.yaml")}:5:10: invalid value for networks.0.delay (got "5sec"); expected a delay in milliseconds such as "5ms"`);
  });

  it("reports a missing scenario file by name", () => {
    const dir = scenarioVariant();
    fs.unlinkSync(path.join(dir, "workflow.yaml"));
    const diags = diagnosticsOf({ stackFile: stackFile(seedHosts, "", dir) });
    expect(diags).toEqual([expect.objectContaining({ message: "missing scenario file workflow.yaml", location: { file: path.join(dir, "workflow.yaml"), line: 1, col: 1 } })]);
  });

  it("accepts the seed unchanged (the cases above fail only because of their edit)", () => {
    expect(() => planFromFiles({ stackFile: stackFile(seedHosts, "", SEED_SCENARIO) })).not.toThrow();
  });
});
