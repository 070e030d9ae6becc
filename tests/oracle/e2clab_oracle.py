"""Runs the real E2Clab 3.7 Experiment on fake hosts and prints what it decided, as JSON.

Only what needs real machines is replaced: the testbed provider's reservation (hosts come from the spec, in
order, `quantity` per service in E2Clab's service order), the monitoring managers' deployment and backup,
and the tc deployment of network emulation (E2Clab's own host selection is kept and recorded). Every play
runs with real Ansible on `ansible_connection: local`; modules with an effect on a host (shell, command,
copy, fetch, template, file, wait_for) are turned into `debug` of their arguments, which Ansible renders.

Input (stdin): {"scenario": dir, "artifacts": dir, "hosts": [address, ...], "repeat": int, "app_conf": str?}
Output (stdout, last line): {"services": ..., "plays": [...], "network": [...]}.
"""
import copy
import ipaddress
import json
import shutil
import sys
import tempfile
from pathlib import Path

import yaml
from ansible.parsing.splitter import parse_kv
from enoslib import Host, Roles

import e2clab.config as e2c_config
import e2clab.infra as e2c_infra
import e2clab.network as e2c_network
import e2clab.workflow as e2c_workflow
from e2clab.constants import WorkflowTasks
from e2clab.experiment import Experiment
from e2clab.services import Service
from e2clab.utils import get_hosts_from_pattern

EFFECTFUL = {"shell", "command", "copy", "fetch", "template", "file", "wait_for"}
FREE_FORM = {"shell", "command"}


# The project's service plugins (planner/serviceCatalog.ts), written as E2Clab users write theirs.
class Flink(Service):
    def deploy(self):
        self.register_service(hosts=[self.hosts[0]], service_port=8081, sub_service="job_manager",
                              extra=[{"self_container": "job_manager", "container": "job_manager", "port": 8081}])
        rest = self.hosts[1:] or [self.hosts[0]]
        self.register_service(hosts=rest, sub_service="task_manager",
                              extra=[{"self_container": "task_manager", "container": "task_manager"}] * len(rest))


class Kafka(Service):
    def deploy(self):
        self.register_service(hosts=[self.hosts[0]], service_port=2181, sub_service="zookeeper",
                              extra=[{"self_container": "zookeeper", "container": "zookeeper", "port": 2181}])
        self.register_service(hosts=self.hosts, service_port=9092, sub_service="leader",
                              extra=[{"self_container": "leader", "container": "leader", "port": 9092}] * len(self.hosts))


class Mosquitto(Service):
    def deploy(self):
        self.register_service(service_port=1883,
                              extra=[{"self_container": "mosquitto", "container": "mosquitto", "port": 1883}] * len(self.hosts))


PLUGINS = {"Flink": Flink, "Kafka": Kafka, "Mosquitto": Mosquitto}


def main():
    spec = json.loads(sys.stdin.read())
    work = Path(tempfile.mkdtemp(prefix="e2c-oracle-"))
    scenario = work / "scenario"
    shutil.copytree(spec["scenario"], scenario)
    # E2Clab's CLI makes its state folder before an experiment; the SSH helper writes there.
    (scenario / ".e2c_state").mkdir()
    artifacts = Path(spec.get("artifacts") or (work / "artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)

    # Tag each play so its results can be told apart (a play variable; Ansible keeps unknown play keys out).
    wf_file = scenario / "workflow.yaml"
    plays = yaml.safe_load(wf_file.read_text())
    for i, play in enumerate(plays):
        play.setdefault("vars", {})["__e2c_play"] = i
    wf_file.write_text(yaml.safe_dump(plays, sort_keys=False))

    addresses = list(spec["hosts"])
    pool = {"next": 0}

    def fake_hosts(n):
        out = []
        for _ in range(n):
            a = addresses[pool["next"]]
            pool["next"] += 1
            out.append(Host(a, user="root", extra={"ansible_connection": "local",
                                                   "ansible_python_interpreter": sys.executable}))
        return out

    def filter_addresses(self, networks=None, include_unknown=False):
        try:
            ip = ipaddress.ip_interface(self.address + "/24")
        except ValueError:
            return []
        return [type("Addr", (), {"ip": ip})()]

    Host.filter_addresses = filter_addresses

    # Reservation: hosts in order, `quantity` per service, with the roles E2Clab's providers give them.
    def init_resources(self):
        roles = {}
        for layer in self.config.get_layers():
            for service in layer["services"]:
                hosts = fake_hosts(int(service.get("quantity", 1)))
                for role in [service["name"], service["_id"], layer["name"], *service.get("roles", [])]:
                    roles.setdefault(role, []).extend(hosts)
        return Roles(roles), {}

    e2c_infra.Infrastructure._load_providers = lambda self: {}
    e2c_infra.Infrastructure._create_providers = lambda self, loaded: {}
    e2c_infra.Infrastructure._init_providers_merge_resources = init_resources
    e2c_infra.Infrastructure._deploy_managers = lambda self, artifacts_dir, meta: None
    e2c_infra.Infrastructure.finalize = lambda self, output_dir: None
    # The managers were not deployed, so they have nothing to write into layers_services-validate.yaml.
    e2c_infra.Infrastructure._dump_manager_info = lambda self, file: None
    available = e2c_config.get_available_services()
    e2c_config.get_available_services = lambda: available + list(PLUGINS)
    original_load = e2c_infra.load_services
    e2c_infra.load_services = lambda names: {n: PLUGINS[n] if n in PLUGINS else original_load([n])[n] for n in names}

    network_out = []

    def deploy_network(self):
        for conf in self.config.get_netconfs():
            network_out.append({
                "src": conf.src, "dst": conf.dst, "delay": conf.delay, "rate": conf.rate, "loss": conf.loss,
                "symmetric": conf.symmetric,
                "srcHosts": [h.address for h in e2c_network.get_hosts_from_pattern(self.roles, conf.src)],
                "dstHosts": [h.address for h in e2c_network.get_hosts_from_pattern(self.roles, conf.dst)],
            })

    # E2Clab 3.7 lists the hosts a wildcard pattern matches in the order Ansible's inventory yields them,
    # which follows Python's randomised string hashing: round_robin pairs change from one run to the next.
    # The comparison puts them in the order E2Clab registered the services (the project's plan order).
    order = {a: i for i, a in enumerate(addresses)}

    def ordered_hosts(roles, pattern):
        return sorted(get_hosts_from_pattern(roles, pattern), key=lambda h: order.get(h.address, len(order)))

    e2c_workflow.get_hosts_from_pattern = ordered_hosts
    # Likewise a service's own hosts: EnOSlib keeps a role's hosts in a set, so which host is machine 1 (the
    # ZooKeeper, the JobManager) also follows string hashing; the comparison takes them in reservation order.
    original_service_init = Service.__init__

    def service_init(self, hosts, service_metadata):
        original_service_init(self, sorted(hosts, key=lambda h: order.get(h.address, len(order))), service_metadata)

    Service.__init__ = service_init
    e2c_network.get_hosts_from_pattern = ordered_hosts
    e2c_network.Network.deploy = deploy_network
    e2c_network.Network.validate = lambda self, experiment_dir: None

    play_out = []
    real_run_play = e2c_workflow.run_play
    phase_box = {"phase": None}

    def run_play(play_source, roles=None, extra_vars=None, **kw):
        play_source = copy.deepcopy(play_source)
        index = play_source.get("vars", {}).get("__e2c_play")
        names = []
        for n, task in enumerate(play_source.get("tasks", [])):
            names.append(n)
            task["name"] = f"__e2c_task_{n}"
            for key in list(task):
                short = key.split(".")[-1]
                # debug var=x shows x's value; as a message it goes through the same rendering as msg.
                if short == "debug" and isinstance(task[key], (str, dict)):
                    dargs = parse_kv(task[key]) if isinstance(task[key], str) else task[key]
                    if "var" in dargs:
                        task[key] = {"msg": "{{ " + dargs["var"] + " }}"}
                if short in EFFECTFUL:
                    args = task.pop(key)
                    if isinstance(args, str):
                        args = parse_kv(args, check_raw=short in FREE_FORM)
                    args = dict(args or {})
                    args.update(task.pop("args", {}) or {})
                    if "cmd" in args:
                        args["_raw_params"] = args.pop("cmd")
                    task["debug"] = {"msg": {"__module": short, **args}}
                    task.pop("async", None)
                    task.pop("poll", None)
        hosts = list(roles["all"])
        results = real_run_play(play_source, roles=roles, extra_vars=extra_vars, on_error_continue=True)
        per_host = {}
        for r in results:
            if not r.task.startswith("__e2c_task_"):
                continue
            n = int(r.task[len("__e2c_task_"):])
            entries = per_host.setdefault(r.host, [])
            payload = r.payload or {}
            if "ansible_facts" in payload:
                continue
            if "results" in payload:
                for x in payload["results"]:
                    if x.get("skipped") or "skip_reason" in x or "ansible_facts" in x:
                        continue
                    entries.append({"task": n, "item": x.get(x.get("ansible_loop_var", "item")), "value": result_value(x), "failed": bool(x.get("failed"))})
            elif not payload.get("skipped") and "skip_reason" not in payload and r.status != "SKIPPED":
                entries.append({"task": n, "value": result_value(payload), "failed": r.status not in ("OK", "CHANGED") and bool(payload.get("failed"))})
        play_out.append({
            "phase": phase_box["phase"], "play": index, "hosts": [h.address for h in hosts],
            "groupings": {h.address: {k: v for k, v in h.extra.items() if not k.startswith("ansible_")} for h in hosts},
            "results": per_host,
        })
        return results

    e2c_workflow.run_play = run_play

    exp = Experiment(scenario_dir=scenario, artifacts_dir=artifacts, repeat=spec.get("repeat", 0),
                     app_conf_list=[spec["app_conf"]] if spec.get("app_conf") else [])
    exp.infrastructure()
    exp.network()
    app_conf = spec.get("app_conf")
    for task in (WorkflowTasks.PREPARE, WorkflowTasks.LAUNCH):
        phase_box["phase"] = task.value
        exp.application(task=task, app_conf=app_conf)
    phase_box["phase"] = WorkflowTasks.FINALIZE.value
    exp.finalize(app_conf=app_conf)

    services = exp.infra.get_all_services_extra_info()
    print(json.dumps({"services": services, "plays": play_out, "network": network_out,
                      "experimentDir": str(exp.experiment_dir), "artifactsDir": str(artifacts.resolve()),
                      "scenarioDir": str(scenario.resolve())}, default=str))


def result_value(payload):
    if "msg" in payload:
        return payload["msg"]
    # debug: var=x gives {x: value}
    keys = [k for k in payload if not k.startswith("_") and k not in ("changed", "failed", "item", "ansible_loop_var")]
    return {k: payload[k] for k in keys}


if __name__ == "__main__":
    main()
