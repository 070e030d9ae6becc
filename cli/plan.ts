import { Command } from "commander";
import * as path from "path";
import { ScenarioError } from "../model/diagnostic";
import { stackFileName } from "../model/loadStack";
import { planFromFiles } from "../planner/planFromFiles";
import { planToJson, planToText } from "./planReport";

/** `npm run plan -- --stack dev [--scenario dir] [--json]`: what would be deployed, without deploying. */
const program = new Command("plan")
  .description("Check a scenario and stack, and print what would run where (nothing is deployed)")
  .option("--stack <name>", "stack name: reads Pulumi.<name>.yaml in the project folder")
  .option("--stack-file <path>", "path to a stack file (instead of --stack)")
  .option("--scenario <dir>", "scenario folder, overriding the stack's edge2cloud:scenario")
  .option("--json", "print the plan as JSON")
  .action((opts: { stack?: string; stackFile?: string; scenario?: string; json?: boolean }) => {
    if (!opts.stack === !opts.stackFile) program.error("error: give exactly one of --stack <name> or --stack-file <path>");
    const stackFile = opts.stackFile ?? path.join(__dirname, "..", stackFileName(opts.stack!));
    try {
      const plan = planFromFiles({ stackFile, scenarioDir: opts.scenario });
      process.stdout.write((opts.json ? JSON.stringify(planToJson(plan), null, 2) : planToText(plan)) + "\n");
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      process.stderr.write(e.message + "\n");
      process.exitCode = 1;
    }
  });

program.parse();
