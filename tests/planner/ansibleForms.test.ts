import { planFromFiles } from "../../planner/planFromFiles";
import { Plan, RenderedTask } from "../../planner/planTypes";
import { Selector } from "../../planner/selector";
import { withSequence, shlexSplit } from "../../planner/ansibleTasks";
import { hosts, scenarioVariant, stackFile } from "./scenarioFixture";

/** The seed plus one play on the first producer host (node-7), whose launch tasks are `tasks`. */
function play(tasks: string, head = "- hosts: edge.producer.1.1\n"): RenderedTask[] {
  const dir = scenarioVariant({ "workflow.yaml": (t) => t + head + "  launch:\n" + tasks });
  const p: Plan = planFromFiles({ stackFile: stackFile(hosts(15), "", dir) });
  return p.steps.find((s) => s.play === 5 && s.phase === "launch")!.tasks;
}
const texts = (ts: RenderedTask[]) => ts.map((t) => (t.kind === "shell" ? t.command : t.kind === "debug" ? `debug: ${t.msg}` : `${t.kind}: ${t.src} -> ${t.dest}`));

describe("Ansible task forms decided at plan time", () => {
  it.each([
    ["FQCN and cmd form", `    - ansible.builtin.shell:\n        cmd: "echo {{ _self._id }}"\n`, ["echo 3_1_1"]],
    ["shell with args.chdir", `    - shell: "ls"\n      args:\n        chdir: /opt/x\n`, ["cd /opt/x && { ls\n}"]],
    ["shell free form with chdir=", `    - shell: "chdir=/tmp ls -l"\n`, ["cd /tmp && { ls -l\n}"]],
    ["command: no shell, arguments kept literally", `    - command: echo $HOME 'a b'\n`, ["echo '$HOME' 'a b'"]],
    ["command argv", `    - command:\n        argv: [printf, "%s", "{{ _self.url }}"]\n`, ["printf %s 10.0.0.7"]],
    ["when true/false", `    - shell: "yes"\n      when: _self.service_id == '1'\n    - shell: "no"\n      when: [true, _self.service_id|int > 1]\n`, ["yes"]],
    ["task vars, templated", `    - shell: "echo {{ a }}-{{ b }}"\n      vars:\n        a: 1\n        b: "{{ a + 1 }}"\n`, ["echo 1-2"]],
    ["play vars", `    - shell: "echo {{ who }}"\n`, ["echo producer-1"], "- hosts: edge.producer.1.1\n  vars:\n    who: \"producer-{{ _self.service_id }}\"\n"],
    ["with_items flattens one level", `    - shell: "echo {{ item }}"\n      with_items: [[a, b], c]\n`, ["echo a", "echo b", "echo c"]],
    ["with_sequence", `    - shell: "echo {{ item }}"\n      with_sequence: start=1 end=5 stride=2 format=cam%02d\n`, ["echo cam01", "echo cam03", "echo cam05"]],
    ["loop_control loop_var and index_var", `    - shell: "echo {{ i }}={{ cam }}"\n      loop: [x, y]\n      loop_control:\n        loop_var: cam\n        index_var: i\n`, ["echo 0=x", "echo 1=y"]],
    ["loop_control extended", `    - shell: "{{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop.last }}"\n      loop: [x, y]\n      loop_control:\n        extended: true\n`, ["1/2 False", "2/2 True"]],
    ["environment", `    - shell: "echo $A"\n      environment:\n        A: "{{ _self.url }}"\n`, ["( export A=10.0.0.7; echo $A\n)"]],
    ["become", `    - shell: "id"\n      become: true\n`, ["sudo -n -u root -- bash -c id"]],
    ["ignore_errors", `    - shell: "false"\n      ignore_errors: true\n`, ["{ false\n} || true"]],
    ["debug var=", `    - debug: var=_self.machine_id\n`, ["debug: _self.machine_id: '1'"]],
    ["debug msg= (k=v)", `    - debug: msg="hello {{ _self._id }}"\n`, ["debug: hello 3_1_1"]],
    ["copy content=", `    - copy:\n        content: "id={{ _self._id }}\\n"\n        dest: /tmp/id\n        mode: 0644\n`, ["printf '%s' 'id=3_1_1\n' > /tmp/id && chmod 0644 /tmp/id"]],
    ["file states", `    - file: path=/opt/d state=directory\n    - file:\n        path: /opt/old\n        state: absent\n`, ["mkdir -p /opt/d", "rm -rf /opt/old"]],
    ["wait_for a port", `    - wait_for:\n        host: "{{ _self.__address__ }}"\n        port: 1883\n        timeout: 30\n`, ["timeout 30 bash -c 'until (exec 3<>/dev/tcp/10.0.0.7/1883) 2>/dev/null; do sleep 1; done'"]],
    ["set_fact used later", `    - set_fact:\n        cam: "{{ _self.service_id|int * 10 }}"\n    - shell: "echo {{ cam }}"\n`, ["echo 10"]],
  ])("%s", (_name, tasks, expected, ...head: string[]) => {
    expect(texts(play(tasks, head[0]))).toEqual(expected);
  });

  it("with_sequence and shlex follow Ansible and Python", () => {
    expect(withSequence("count=3")).toEqual(["1", "2", "3"]);
    expect(withSequence("0-6/3:h%d")).toEqual(["h0", "h3", "h6"]);
    expect(shlexSplit(`a "b c" 'd e' f\\ g`)).toEqual(["a", "b c", "d e", "f g"]);
  });
});

describe("host patterns as Ansible writes them, over E2Clab's role names", () => {
  const plan = planFromFiles({ stackFile: stackFile(hosts(15), "", scenarioVariant()) });
  const ids = (pattern: string) => new Selector(pattern).select(plan.services).map((s) => s.id);
  it.each([
    ["fog:edge.producer.1.1", ["fog.mosquitto.1.1", "fog.mosquitto.2.1", "fog.mosquitto.3.1", "fog.mosquitto.4.1", "edge.producer.1.1"]],
    ["fog,edge.producer.1.1", ["fog.mosquitto.1.1", "fog.mosquitto.2.1", "fog.mosquitto.3.1", "fog.mosquitto.4.1", "edge.producer.1.1"]],
    ["fog:!fog.mosquitto.2.1", ["fog.mosquitto.1.1", "fog.mosquitto.3.1", "fog.mosquitto.4.1"]],
    ["monitoring:&fog", ["fog.mosquitto.1.1", "fog.mosquitto.2.1", "fog.mosquitto.3.1", "fog.mosquitto.4.1"]],
    ["fog[0]", ["fog.mosquitto.1.1"]],
    ["fog[-1]", ["fog.mosquitto.4.1"]],
    ["fog[1:2]", ["fog.mosquitto.2.1", "fog.mosquitto.3.1"]],
    ["~fog\\.mosquitto\\.[12]", ["fog.mosquitto.1.1", "fog.mosquitto.2.1"]],
    ["edge.producer.?.1:&~.*\\.[78]\\.", ["edge.producer.7.1", "edge.producer.8.1"]],
    ["cloud.kafka.*.leader", ["cloud.kafka.2.leader.1"]],
    ["1_2", ["cloud.kafka.2.zookeeper.1", "cloud.kafka.2.leader.1"]],
    ["FOG.MOSQUITTO.4.*", ["fog.mosquitto.4.1"]],
  ])("%s", (pattern, expected) => {
    expect(ids(pattern)).toEqual(expected);
  });
});
