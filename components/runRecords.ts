import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { stringify } from "yaml";
import { Plan } from "../planner/planTypes";
import { describeTask } from "../cli/planReport";
import { CLOCK_DIR, CLOCK_END_DIR, CLOCK_HEADER } from "./runWindow";
import { shq } from "./shell";

export interface RunRecordsArgs {
  plan: Plan;
  runDir: pulumi.Input<string>;
  /** Exists before the records are written (the key file); the records outlive everything after it. */
  dependsOn: pulumi.Resource[];
}

/** E2Clab's `layers_services-validate.yaml`: each layer's services, with the host and address of each. */
export function layersServicesValidate(plan: Plan): string {
  const layers: Record<string, Record<string, { host: string; address: string; url: string; container?: string }>> = {};
  for (const s of plan.services) {
    layers[s.layer] ??= {};
    layers[s.layer][s.id] = { host: s.host, address: s.address, url: s.url, ...(s.container ? { container: s.container } : {}) };
  }
  return stringify({ stack: plan.stack, scenario: plan.scenarioDir, layers });
}

/** One TSV line per task of the plan (`step, task index, play, phase, host, what it runs`), for the merge. */
export function workflowTasksTsv(plan: Plan): string {
  const clean = (s: string) => s.replace(/[\t\n]+/g, " ");
  return plan.steps
    .flatMap((s) => s.tasks.map((t, i) => [s.id, i, s.play + 1, s.phase, s.host, clean(describeTask(t))].join("\t")))
    .join("\n") + "\n";
}

/** The variables each step's templates saw, by step, as YAML. */
export function workflowVariables(plan: Plan): string {
  return stringify(Object.fromEntries(plan.steps.map((s) => [s.id, { play: s.playHosts, host: s.host, phase: s.phase, variables: s.variables }])));
}

/**
 * The run's validation records: `layers_services-validate.yaml` (which service went on which host) written
 * when the run starts, and at destroy, once every host's own record has been fetched, `workflow-validate.out`:
 * every task of every step (play, host, phase, rendered command) with its outcome and time on the host (or
 * "no record" when a host could not be reached), followed by the variables each step saw. The plan's part
 * goes through stdin (it can exceed what one command-line argument may hold).
 */
export class RunRecords extends pulumi.ComponentResource {
  readonly command: command.local.Command;

  constructor(name: string, args: RunRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge2cloud:experiment:RunRecords", name, {}, opts);
    const plan = args.plan;
    const files = {
      "layers_services-validate.yaml": layersServicesValidate(plan),
      [TASKS_FILE]: workflowTasksTsv(plan),
      [VARIABLES_FILE]: workflowVariables(plan),
    };
    this.command = new command.local.Command(
      `${name}-validate`,
      {
        create: pulumi.output(args.runDir).apply((d) =>
          [
            "set -eu",
            `mkdir -p ${shq(d)}`,
            `E2C_DIR=${shq(d)} node -e 'const fs = require("fs"); for (const [f, c] of Object.entries(JSON.parse(fs.readFileSync(0, "utf8")))) fs.writeFileSync(process.env.E2C_DIR + "/" + f, c)'`,
          ].join("\n"),
        ),
        stdin: JSON.stringify(files),
        delete: pulumi.output(args.runDir).apply((d) =>
          [
            "set -u",
            `cd ${shq(d)} || exit 0`,
            // Host records: time, step, task, outcome (components/shell.ts e2c_record), one file per host.
            // Each host's clock offset, measured at launch and at the end (RunWindow); a deployment made
            // before the end measurement existed has no clock-end folder, and so no end file.
            `{ echo ${shq(CLOCK_HEADER)}; cat ${CLOCK_DIR}/*.csv 2>/dev/null; } > clock-offsets.csv && rm -rf ${CLOCK_DIR}`,
            `if [ -d ${CLOCK_END_DIR} ]; then { echo ${shq(CLOCK_HEADER)}; cat ${CLOCK_END_DIR}/*.csv 2>/dev/null; } > clock-offsets-end.csv && rm -rf ${CLOCK_END_DIR}; fi`,
            `cat workflow/*.log 2>/dev/null > ${TASKS_FILE}.done || true`,
            `awk -F'\\t' 'NR == FNR { key = $2 "\\t" $3; when[key] = $1; how[key] = $4; next }
              { key = $1 "\\t" $2; printf "play %s | host %s | %s | step %s | task %s | %s | %s | %s\\n", $3, $5, $4, $1, $2, $6,
                (key in how) ? how[key] : "no record", (key in when) ? when[key] : "-" }' ${TASKS_FILE}.done ${TASKS_FILE} > workflow-validate.out`,
            `printf '\\n# variables per step\\n' >> workflow-validate.out`,
            `cat ${VARIABLES_FILE} >> workflow-validate.out`,
            `rm -f ${TASKS_FILE} ${TASKS_FILE}.done ${VARIABLES_FILE}`,
            `echo "wrote $(pwd)/workflow-validate.out"`,
          ].join("\n"),
        ),
        interpreter: ["/bin/bash", "-c"],
      },
      { parent: this, dependsOn: args.dependsOn, customTimeouts: { create: "1m", delete: "5m" } },
    );
    this.registerOutputs({});
  }
}

const TASKS_FILE = ".workflow-tasks.tsv";
const VARIABLES_FILE = ".workflow-variables.yaml";
