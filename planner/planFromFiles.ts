import * as path from "path";
import { Diagnostics } from "../model/diagnostic";
import { loadScenario } from "../model/loadScenario";
import { loadStackFile, scenarioDirOf } from "../model/loadStack";
import { Plan } from "./planTypes";
import { planExperiment } from "./planExperiment";

export interface PlanFiles {
  /** `Pulumi.<stack>.yaml`. */
  stackFile: string;
  /** Overrides the stack's `edge2cloud:scenario`. */
  scenarioDir?: string;
}

/**
 * Stack file + scenario folder -> plan. Throws a ScenarioError listing every problem of both, with
 * file:line:col, so that a run reports all errors at once and deploys nothing.
 */
export function planFromFiles(files: PlanFiles): Plan {
  const diags = new Diagnostics();
  const stack = loadStackFile(files.stackFile, diags);
  const scenarioDir = files.scenarioDir ? path.resolve(files.scenarioDir) : (stack?.scenarioDir ?? scenarioDirOf(files.stackFile));
  const scenario = loadScenario(scenarioDir, diags);
  diags.throwIfAny();
  const plan = planExperiment(scenario!, { ...stack!, scenarioDir }, diags);
  diags.throwIfAny();
  return plan!;
}
