import { Plan } from "../../planner/planTypes";
import { planFromFiles } from "../../planner/planFromFiles";
import { hosts, replace, scenarioVariant, stackFile } from "../planner/scenarioFixture";

/**
 * The seed with one fog gateway and two cameras (Mosquitto repeat 3 -> none, Producer repeat 7 -> 1), so
 * that netem measurements stay short: node-1 Flink and node-2 Kafka (cloud), node-3 the gateway (fog),
 * node-4 and node-5 the cameras (edge), node-6 the metrics collector. network.yaml is the seed's, edited.
 */
export const SMALL_SEED_HOSTS = hosts(6);
export const SMALL_SEED_ROLES = { cloud: ["node-1", "node-2"], fog: "node-3", edge: ["node-4", "node-5"] };

export function smallSeedPlan(networkEdits: (text: string) => string = (t) => t): Plan {
  const dir = scenarioVariant({
    "layers_services.yaml": (t) => replace("    repeat: 7\n", "    repeat: 1\n")(replace("    repeat: 3\n", "")(t)),
    "network.yaml": networkEdits,
  });
  return planFromFiles({ stackFile: stackFile(SMALL_SEED_HOSTS, "", dir) });
}
