import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pyStr } from "../../planner/jinja/ansibleFilters";
import { planFromFiles } from "../../planner/planFromFiles";
import { Plan, RUN_DIR_VAR } from "../../planner/planTypes";
import { E2CLAB_VERSION, e2clabPython, OracleResult, runOracle } from "./e2clabOracle";
import { ORACLE_SCENARIOS, OracleScenario } from "./oracleScenarios";

/**
 * Differential test against the real E2Clab: each scenario is run by E2Clab 3.7's own Experiment on fake
 * hosts (tests/oracle/e2clab_oracle.py) and planned by this project; service ids and variables, the hosts
 * of every play and phase, their groupings, the rendered arguments of every task on every host, and the
 * network rules must be the same.
 */
const { python, reason } = e2clabPython();
if (!python) console.warn(`E2Clab ${E2CLAB_VERSION} comparison skipped: ${reason}`);
const withE2clab = python ? it : it.skip;
const skipNote = python ? "" : ` [skipped: ${reason}]`;

const E2CLAB_KEYS = ["_id", "layer_id", "service_id", "machine_id", "__address__", "url", "__address4__", "url4", "__address6__", "url6", "self_container", "container", "port"];

function setUp(s: OracleScenario) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-oracle-scenario-"));
  for (const [f, text] of Object.entries(s.files)) fs.writeFileSync(path.join(dir, f), text);
  const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-oracle-artifacts-"));
  const addresses = Array.from({ length: s.hosts }, (_, i) => `10.0.0.${i + 1}`);
  const stack = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "e2c-oracle-stack-")), "Pulumi.oracle.yaml");
  fs.writeFileSync(
    stack,
    `config:\n  edge2cloud:scenario: ${dir}\n  edge2cloud:artifacts: ${artifacts}\n  edge2cloud:repeat: ${s.repeat ?? 0}\n` +
      (s.appConf ? `  edge2cloud:appConf: ${s.appConf}\n` : "") +
      `  edge2cloud:hosts:\n${addresses.map((a, i) => `    - name: node-${i + 1}\n      address: ${a}`).join("\n")}\n`,
  );
  return { dir, artifacts, addresses, stack };
}

/** What Ansible would have shown for each task on each host of a step, in order (one per task and item). */
function projectResults(plan: Plan, play: number, phase: string, address: string) {
  const host = plan.hosts.find((h) => h.address === address)!.name;
  const step = plan.steps.find((s) => s.play === play && s.phase === phase && s.host === host);
  const seen = new Set<string>();
  const out: { task: number; item?: string; value: unknown }[] = [];
  for (const t of step?.tasks ?? []) {
    if (!t.ansible) continue;
    const key = `${t.ansible.task}|${t.item}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const value = t.ansible.module === "debug" ? t.ansible.args : { __module: t.ansible.module, ...(t.ansible.args as object) };
    out.push({ task: t.ansible.task, ...(t.item !== undefined ? { item: t.item } : {}), value });
  }
  return out;
}

/** E2Clab's paths of this run in the project's terms: the scenario folder and the run's results folder. */
function normalise(value: unknown, oracle: OracleResult, scenarioDir: string): unknown {
  const text = JSON.stringify(value).split(oracle.experimentDir).join("${" + RUN_DIR_VAR + "}").split(oracle.scenarioDir).join(scenarioDir);
  return JSON.parse(text);
}

let constructs = 0;

describe(`E2Clab ${E2CLAB_VERSION} and this project decide the same`, () => {
  withE2clab.each(ORACLE_SCENARIOS.map((s) => [s.name, s] as const))(`%s${skipNote}`, (_name, s) => {
    if (!python) throw new Error(`no E2Clab: ${reason}`);
    const { dir, artifacts, addresses, stack } = setUp(s);
    const plan = planFromFiles({ stackFile: stack });
    const oracle = runOracle(python, { scenario: dir, artifacts, hosts: addresses, repeat: s.repeat ?? 0, app_conf: s.appConf });

    // Services: the same ids, with the same variables.
    expect(plan.services.map((x) => x.id).sort()).toEqual(Object.keys(oracle.services).sort());
    for (const [id, info] of Object.entries(oracle.services)) {
      const mine = plan.services.find((x) => x.id === id)!.vars;
      const pick = (o: Record<string, unknown>) => Object.fromEntries(E2CLAB_KEYS.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
      expect({ id, ...pick(mine) }).toEqual({ id, ...pick(info) });
    }

    // Plays: the same hosts per phase, the same groupings, the same rendered task arguments per host.
    for (const run of oracle.plays) {
      const mineHosts = plan.steps.filter((x) => x.play === run.play && x.phase === run.phase).map((x) => plan.hosts.find((h) => h.name === x.host)!.address);
      // E2Clab hands the play its hosts as an EnOSlib set: their order is not meaningful.
      expect({ play: run.play, phase: run.phase, hosts: mineHosts.sort() }).toEqual({ play: run.play, phase: run.phase, hosts: [...run.hosts].sort() });
      for (const address of run.hosts) {
        const step = plan.steps.find((x) => x.play === run.play && x.phase === run.phase && plan.hosts.find((h) => h.name === x.host)!.address === address)!;
        const vars = Object.values(step.variables)[0] as Record<string, unknown>;
        for (const [prefix, value] of Object.entries(run.groupings[address])) {
          if (prefix === "__e2c_play") continue;
          const ids = (v: unknown) => (Array.isArray(v) ? v : (v as Record<string, unknown>)?._id);
          expect({ address, prefix, value: ids(vars[prefix]) }).toEqual({ address, prefix, value: ids(value) });
        }
        const theirs = (run.results[address] ?? []).map((e) => ({ task: e.task, ...(e.item !== undefined && e.item !== null ? { item: pyStr(e.item) } : {}), value: normalise(e.value, oracle, dir) }));
        expect({ address, play: run.play, phase: run.phase, tasks: projectResults(plan, run.play, run.phase, address) }).toEqual({ address, play: run.play, phase: run.phase, tasks: theirs });
      }
    }
    const tasksCompared = new Set(oracle.plays.flatMap((run) => Object.values(run.results).flat().map((e) => `${run.play}.${run.phase}.${e.task}`)));
    constructs += tasksCompared.size;

    // Network: the same shaped pairs with the same values (E2Clab's entries, expanded as its NetemHTB does).
    const theirs = oracle.network.flatMap((n) => {
      const pairs = n.srcHosts.flatMap((a) => n.dstHosts.filter((b) => b !== a).map((b) => [a, b]));
      const all = n.symmetric ? [...pairs, ...pairs.map(([a, b]) => [b, a])] : pairs;
      return all.map(([a, b]) => `${a}>${b} ${n.delay} ${n.rate} ${n.loss ?? "-"}`);
    });
    const address = (host: string) => plan.hosts.find((h) => h.name === host)!.address;
    const mine = plan.network.map((r) => `${address(r.host)}>${r.destinationAddress} ${r.delay} ${r.rate} ${r.loss ?? "-"}`);
    expect([...new Set(mine)].sort()).toEqual([...new Set(theirs)].sort());
  });

  withE2clab(`covers at least 60 constructs over at least 15 scenarios${skipNote}`, () => {
    console.info(`E2Clab ${E2CLAB_VERSION} comparison: ${constructs} task constructs over ${ORACLE_SCENARIOS.length} scenarios`);
    expect(ORACLE_SCENARIOS.length).toBeGreaterThanOrEqual(15);
    expect(constructs).toBeGreaterThanOrEqual(60);
  });
});
