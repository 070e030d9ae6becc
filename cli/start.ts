import { Command, Option } from "commander";
import * as path from "path";
import { chooseBackend, EngineChoice } from "../lifecycle/chooseBackend";
import { runExperiment, runsAcceptable } from "../lifecycle/experimentRunner";
import { healthLines } from "../report/runHealth";
import { ensureDockerEngine, ensureImages } from "../lifecycle/localMachine";
import { StackWorkspace } from "../lifecycle/stackWorkspace";
import { ensureLocalHosts, localHostsOf, publicKeyOf } from "../testbed/localHosts";
import { Diagnostics, ScenarioError } from "../model/diagnostic";
import { loadStackFile, stackFileName } from "../model/loadStack";
import { buildReport } from "../report/buildReport";
import { faultsFromFile } from "../planner/faultPlan";
import { planFromFiles } from "../planner/planFromFiles";
import { wholeNumber } from "./wholeNumber";

/**
 * `npm start`: the local experiment end to end on this machine. Makes what is missing (Docker engine,
 * images, SSH key, state folder), deploys with the Pulumi CLI when it is installed and with the project's
 * own engine otherwise, runs for the stack's duration, destroys (finalize, collect), writes the report.
 */
const PROJECT_DIR = path.resolve(__dirname, "..");
const STACK = "local";


const program = new Command("start")
  .description("Run the local experiment end to end: prepare this machine, deploy, run, destroy, collect, report")
  .option("--duration <seconds>", "how long the experiment runs (default: the stack's edge2cloud:duration)", wholeNumber(1))
  .addOption(new Option("--engine <engine>", "pulumi (the Pulumi CLI) or local (the project's engine); default: pulumi when installed").choices(["pulumi", "local"]))
  .option("--faults <file>", "a fault scenario: events at times after launch (README: Faults on purpose)")
  .option("--stop-on-fault", "end the wait at the first fault the watch sees (a task or service down, a host silent); still finalizes and collects")
  .option("--accept-degraded", "exit 0 when the run is degraded (not clean) but did not fail")
  .action(async (o: { duration?: number; engine?: EngineChoice; acceptDegraded?: boolean; stopOnFault?: boolean; faults?: string }) => {
    const say = (line: string) => console.log(`start: ${line}`);
    if (process.platform !== "linux") throw new Error(`the local testbed needs Linux (this is ${process.platform})`);
    const diags = new Diagnostics();
    const settings = loadStackFile(path.join(PROJECT_DIR, stackFileName(STACK)), diags);
    diags.throwIfAny();
    // Checked before anything is made or deployed, against the plan: every error at its file:line:col.
    const stackFile = path.join(PROJECT_DIR, stackFileName(STACK));
    const plannedFaults = o.faults ? { planned: faultsFromFile(path.resolve(o.faults), planFromFiles({ stackFile })), allowMissingNetem: settings!.allowMissingNetem } : undefined;
    ensureDockerEngine(PROJECT_DIR, say);
    say("images: checking (the first build takes about 5 minutes)");
    await ensureImages(PROJECT_DIR, say);
    const backend = chooseBackend(PROJECT_DIR, STACK, o.engine);
    // The bare hosts, as a researcher's reserved nodes: made when missing, kept afterwards (a second run
    // finds their engines and images; `npm run local:hosts -- down` removes them).
    say("hosts: starting the bare hosts that are not running");
    await ensureLocalHosts(localHostsOf(settings!), publicKeyOf(new StackWorkspace(PROJECT_DIR, STACK).sshKeyFile));
    say(
      backend.name === "pulumi"
        ? `deploying with the Pulumi CLI (state in ${new StackWorkspace(PROJECT_DIR, STACK).stateDir})`
        : `deploying with the project's own engine (testbed/engine)${o.engine ? "" : ": the Pulumi CLI is not installed"}`,
    );
    const durationSeconds = o.duration ?? settings!.durationSeconds;
    const resultsRoot = path.join(settings!.resultsDir, STACK);
    const [outcome] = await runExperiment({ backend, repeat: 0, durationSeconds, resultsRoot, watch: { stopOnFault: o.stopOnFault ?? false }, faults: plannedFaults });
    for (const f of await buildReport(resultsRoot)) say(`wrote ${f}`);
    if (outcome.status !== "ok") {
      say(`the run ${outcome.status}:\n  ${outcome.errors.join("\n  ")}`);
      process.exitCode = 1;
      return;
    }
    say(`results: ${outcome.resultsFolder}`);
    say(`report:  ${path.join(outcome.resultsFolder ?? resultsRoot, "report.html")}`);
    if (outcome.health) for (const l of healthLines(outcome.health)) say(l);
    if (!runsAcceptable([outcome], o.acceptDegraded ?? false)) {
      say(outcome.health?.verdict === "degraded" ? "the run is degraded (--accept-degraded accepts it)" : "the run is not clean");
      process.exitCode = 1;
    }
  });

program.parseAsync().catch((e: Error) => {
  console.error(e instanceof ScenarioError ? e.message : `start: ${e.message}`);
  process.exitCode = 1;
});
