import { Diagnostics } from "../model/diagnostic";
import { PHASES, Phase, PlayDecl, Scenario } from "../model/scenarioTypes";
import { StackSettings } from "../model/stackTypes";
import { bindDependsOn, HostBinding, PlayHost, playHosts } from "./bindDependsOn";
import { PlannedService, ProducerAssignment, RenderedTask, RUN_DIR_VAR, WorkflowStep } from "./planTypes";
import { hostTemplate } from "./placeServices";
import { Selector } from "./selector";
import { JinjaRenderer, TemplateError } from "./jinja/jinjaRenderer";
import { compileTask, playVars, reporter, TaskScope } from "./ansibleTasks";

interface PlayExpansion {
  play: PlayDecl;
  /** The services the play's `hosts` selector matched. */
  selected: PlannedService[];
  hosts: PlayHost[];
  bindings: HostBinding[];
}

/**
 * Renders every play into per-host, per-phase steps and orders them: all prepare steps before any launch
 * step; inside a phase, a play's steps after those of the plays it depends on (so at destroy, which runs
 * in reverse, dependents finalize first: producers stop before their gateways, gateways before Kafka).
 */
export function workflowSteps(
  scenario: Scenario,
  stack: StackSettings,
  services: PlannedService[],
  diags: Diagnostics,
): { steps: WorkflowStep[]; producers: ProducerAssignment[]; warnings: string[] } {
  const renderer = new JinjaRenderer();
  const report = reporter(diags);
  const warnings: string[] = [];
  const expansions: PlayExpansion[] = scenario.plays.map((play) => {
    const selected = new Selector(play.hosts).select(services);
    const hosts = playHosts(selected);
    if (hosts.length === 0) {
      diags.add({
        location: play.location,
        message: `play hosts selector matches no service`,
        value: JSON.stringify(play.hosts),
        expected: `a selector such as ${[...new Set(services.map((s) => s.id.split(".").slice(0, 2).join(".") + ".*"))].slice(0, 4).join(", ")}`,
      });
    }
    return { play, selected, hosts, bindings: bindDependsOn(play, hosts, services, diags, warnings) };
  });

  const playDeps = playDependencies(expansions, services, warnings);
  // E2Clab's extra variables; current_repeat is `repeat or 1` there, so runs 0 and 1 both see 1.
  const extraVars = {
    scenario_dir: scenario.dir,
    artifacts_dir: stack.artifactsDir,
    current_repeat: stack.currentRepeat || 1,
    ...appConfVars(scenario, stack, diags),
  };

  const steps: WorkflowStep[] = [];
  const producers: ProducerAssignment[] = [];
  const stepIds = (play: number, phase: Phase) => steps.filter((s) => s.play === play && s.phase === phase).map((s) => s.id);
  for (const phase of PHASES) {
    const prepareIds = phase === "launch" ? steps.filter((s) => s.phase === "prepare").map((s) => s.id) : [];
    for (const { play, selected, hosts, bindings } of expansions) {
      const tasks = play.phases[phase];
      if (tasks.length === 0) continue;
      const depIds = playDeps.get(play.index)!.flatMap((q) => stepIds(q, phase));
      const running = hosts.map((h, i) => ({ h, binding: bindings[i] })).filter((x) => !x.binding.dropped);
      // What E2Clab's play sees per host: its extra vars, the host's `_self` and depends_on prefixes, and
      // Ansible's magic variables over the play's inventory (the play's hosts, named by their address).
      const e2clab = running.map(({ h, binding }) => ({
        ...binding.vars,
        _self: h.service.vars,
        inventory_hostname: h.address,
        ansible_host: h.address,
        ...extraVars,
        // During finalize, working_dir is the run's results folder, known only when the run starts.
        working_dir: phase === "finalize" ? "${" + RUN_DIR_VAR + "}" : stack.artifactsDir,
      }));
      const groups = { all: running.map(({ h }) => h.address), ungrouped: [] };
      const hostvars = Object.fromEntries(running.map(({ h }, i) => [h.address, e2clab[i]]));
      running.forEach(({ h, binding }, i) => {
        const recorded: Record<string, unknown> = {
          // The project's extras: the host's own service variables at the top level, and stack settings.
          ...h.service.vars,
          duration: stack.durationSeconds,
          data_dir: hostTemplate(stack.hostLayout.dataDir, h.host),
          container_network: hostTemplate(stack.hostLayout.containerNetwork, h.host),
          ...e2clab[i],
        };
        const base = { ...recorded, groups, hostvars };
        let rendered: RenderedTask[] = [];
        try {
          const scope: TaskScope = {
            vars: { ...base, ...playVars(play, base, renderer) },
            extraVars: { ...extraVars, working_dir: e2clab[i].working_dir },
            facts: {},
            registered: new Map(),
            scenarioDir: scenario.dir,
          };
          rendered = tasks.flatMap((t, n) => compileTask(t, play, scope, renderer, report, n));
        } catch (e) {
          if (!(e instanceof TemplateError)) throw e;
          diags.add({ location: play.location, message: `play vars: ${e.message}`, expected: e.expected });
        }
        const id = `p${play.index + 1}.${phase}.${h.host}`;
        const ownEarlier = phase === "finalize" ? ["prepare", "launch"].map((p) => `p${play.index + 1}.${p}.${h.host}`).filter((x) => steps.some((s) => s.id === x)) : [];
        steps.push({
          id,
          host: h.host,
          play: play.index,
          playHosts: play.hosts,
          phase,
          services: selected.filter((s) => s.host === h.host).map((s) => s.id),
          needsServices: [
            ...new Set([...services.filter((s) => s.host === h.host && s.container).map((s) => s.id), ...binding.peers.filter((p) => p.container).map((p) => p.id)]),
          ],
          after: [...new Set([...prepareIds, ...depIds, ...ownEarlier])],
          tasks: rendered,
          variables: { [h.service.id]: recorded },
        });
        if (phase === "launch" && h.service.kind === "producer") {
          producers.push(...producerAssignments(h, binding, rendered));
        }
      });
    }
  }
  return { steps, producers, warnings };
}

/**
 * E2Clab's `--app_conf NAME`: tasks see `app_conf` (the name) and `env_<var>` for each variable of that
 * configuration of workflow_env.yaml. Without a choice in the stack, a file with a single configuration
 * runs that one (an extra: E2Clab would pass none); with several, none, as in E2Clab.
 */
function appConfVars(scenario: Scenario, stack: StackSettings, diags: Diagnostics): Record<string, unknown> {
  const names = Object.keys(scenario.workflowEnv);
  const chosen = stack.appConf ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) return {};
  const conf = scenario.workflowEnv[chosen];
  if (conf === undefined && names.length > 0) {
    diags.add({
      location: { file: stack.file, line: 1, col: 1 },
      message: `edge2cloud:appConf names no configuration of workflow_env.yaml`,
      value: JSON.stringify(chosen),
      expected: `one of: ${names.join(", ")}`,
    });
    return {};
  }
  return { app_conf: chosen, ...Object.fromEntries(Object.entries(conf ?? {}).map(([k, v]) => [`env_${k}`, v])) };
}

/** One producer per loop item of the host's launch (its cameras), each on the gateway the host was given. */
function producerAssignments(h: PlayHost, binding: HostBinding, tasks: RenderedTask[]): ProducerAssignment[] {
  const gateway = binding.peers.find((p) => p.kind === "mosquitto");
  const looped = tasks.filter((t) => t.kind === "shell" && t.item !== undefined);
  const items = looped.length ? [...new Set(looped.map((t) => t.item!))] : ["1"];
  return items.map((item) => ({ host: h.host, service: h.service.id, item, gateway: gateway?.id, gatewayUrl: gateway?.url }));
}

/**
 * Play index -> indexes of the other plays whose hosts run a service it depends on. E2Clab itself runs
 * plays in file order, so a cycle is legal input: it is broken by dropping the edges to later plays that
 * close it (file order wins there), with a warning.
 */
function playDependencies(expansions: PlayExpansion[], services: PlannedService[], warnings: string[]): Map<number, number[]> {
  const deps = new Map<number, number[]>();
  for (const { play } of expansions) {
    const wanted = new Set(play.dependsOn.flatMap((d) => new Selector(d.serviceSelector).select(services).map((s) => s.id)));
    const on = expansions
      .filter((q) => q.play.index !== play.index && q.selected.some((s) => wanted.has(s.id)))
      .map((q) => q.play.index);
    deps.set(play.index, on);
  }
  const reaches = (from: number, to: number): boolean => {
    const seen = new Set<number>();
    const stack = [from];
    while (stack.length) {
      const p = stack.pop()!;
      if (p === to) return true;
      if (seen.has(p)) continue;
      seen.add(p);
      stack.push(...deps.get(p)!);
    }
    return false;
  };
  const kept = new Map<number, number[]>();
  for (const [p, on] of deps) {
    kept.set(
      p,
      on.filter((q) => {
        if (q < p || !reaches(q, p)) return true;
        const name = (i: number) => `play ${i + 1} (${expansions[i].play.hosts})`;
        warnings.push(`${name(p)} and ${name(q)} depend on each other; they run in file order, play ${p + 1} first`);
        return false;
      }),
    );
  }
  return kept;
}
