import { Command, Option } from "commander";
import * as path from "path";
import { Diagnostics, ScenarioError } from "../model/diagnostic";
import { loadStackFile, stackFileName } from "../model/loadStack";
import { chooseBackend, EngineChoice } from "../lifecycle/chooseBackend";
import { StackWorkspace } from "../lifecycle/stackWorkspace";
import { runExperiment } from "../lifecycle/experimentRunner";
import { buildReport } from "../report/buildReport";
import { wholeNumber } from "./wholeNumber";
import { ensureLocalHosts, localHostsOf, publicKeyOf } from "../testbed/localHosts";

const PROJECT_DIR = path.resolve(__dirname, "..");


/** `npm run experiment -- --stack <s> --repeat N --duration S`: N + 1 runs, results and a report. */
const program = new Command("experiment")
  .description("Run the experiment N+1 times (up, wait, destroy), one results folder per run, then a report across runs")
  .requiredOption("--stack <name>", "stack name (Pulumi.<name>.yaml)")
  .option("--repeat <n>", "extra runs (E2Clab's --repeat)", wholeNumber(0), 0)
  .option("--duration <seconds>", "experiment duration of each run (default: the stack's edge2cloud:duration)", wholeNumber(1))
  .addOption(new Option("--engine <engine>", "pulumi (needs the Pulumi CLI) or local (the local testbed without it)").choices(["pulumi", "local"]))
  .option("--ssh-key <file>", "private key for --engine local on real hosts (the local testbed makes its own)")
  .action(async (o: { stack: string; repeat: number; duration?: number; engine?: EngineChoice; sshKey?: string }) => {
    const diags = new Diagnostics();
    const settings = loadStackFile(path.join(PROJECT_DIR, stackFileName(o.stack)), diags);
    diags.throwIfAny();
    const backend = chooseBackend(PROJECT_DIR, o.stack, o.engine, o.sshKey);
    // The local testbed's bare hosts exist before its runs, as reserved nodes do.
    if (settings!.localTestbed) await ensureLocalHosts(localHostsOf(settings!), publicKeyOf(new StackWorkspace(PROJECT_DIR, o.stack, undefined, o.sshKey).sshKeyFile));
    const resultsRoot = path.join(settings!.resultsDir, o.stack);
    const outcomes = await runExperiment({ backend, repeat: o.repeat, durationSeconds: o.duration ?? settings!.durationSeconds, resultsRoot });
    for (const r of outcomes) console.log(`run ${r.run}: ${r.status}${r.resultsFolder ? ` -> ${r.resultsFolder}` : ""}${r.errors.length ? `\n  ${r.errors.join("\n  ")}` : ""}`);
    for (const f of await buildReport(resultsRoot)) console.log(`wrote ${f}`);
    if (outcomes.some((r) => r.status !== "ok")) process.exitCode = 1;
  });

program.parseAsync().catch((e: Error) => {
  console.error(e instanceof ScenarioError ? e.message : `experiment: ${e.message}`);
  process.exitCode = 1;
});
