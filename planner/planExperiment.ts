import { Diagnostics } from "../model/diagnostic";
import { Scenario } from "../model/scenarioTypes";
import { StackSettings } from "../model/stackTypes";
import { networkRules } from "./networkRules";
import { placeServices } from "./placeServices";
import { hostRequirements } from "./hostRequirements";
import { Plan, PlannedHost } from "./planTypes";
import { workflowSteps } from "./workflowSteps";

/**
 * The whole plan of one experiment from a checked scenario and stack. Problems go to `diags`; the plan is
 * only returned when there are none, so nothing half-checked ever reaches deployment.
 */
export function planExperiment(scenario: Scenario, stack: StackSettings, diags: Diagnostics): Plan | undefined {
  const placement = placeServices(scenario.layers, stack.hosts, diags, stack.file, stack.hostLayout.containerPrefix);
  if (!placement) return undefined;
  const { services } = placement;
  const network = networkRules(scenario.networks, services, diags);
  const { steps, producers, warnings } = workflowSteps(scenario, stack, services, diags);
  if (!diags.empty) return undefined;

  const monitoredRole = "monitoring";
  const servicesById = new Map(services.map((s) => [s.id, s]));
  const hosts: PlannedHost[] = stack.hosts
    .filter((h) => placement.layerOf.has(h.name))
    .map((h) => {
      const own = services.filter((s) => s.host === h.name);
      const monitored = scenario.monitoring !== undefined && own.some((s) => s.roles.includes(monitoredRole));
      const needs = hostRequirements({ name: h.name, services: own.map((s) => s.id), monitored }, servicesById, steps, network, stack.images);
      return {
        name: h.name,
        address: h.address,
        user: h.user,
        port: h.port,
        jumpHost: stack.jumpHost,
        layer: placement.layerOf.get(h.name)!,
        services: own.map((s) => s.id),
        monitored,
        images: needs.images,
        packages: needs.packages,
      };
    });

  return {
    stack: stack.stack,
    scenarioDir: scenario.dir,
    experiment: { jobName: scenario.environment.jobName, walltime: scenario.environment.walltime, durationSeconds: stack.durationSeconds },
    hosts,
    services,
    producers,
    network,
    steps,
    monitoring: scenario.monitoring && {
      type: scenario.monitoring.type,
      options: scenario.monitoring.options,
      hosts: hosts.filter((h) => h.monitored).map((h) => h.name),
    },
    warnings: [...placement.idleHosts.map((h) => `host ${h.name} (${h.address}) is not needed by the scenario and stays idle`), ...warnings],
  };
}
