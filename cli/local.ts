import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";
import { hasPulumiCli } from "../lifecycle/chooseBackend";
import { ensureDockerEngine, ensureImages } from "../lifecycle/localMachine";
import { PulumiBackend } from "../lifecycle/pulumiBackend";
import { StackWorkspace } from "../lifecycle/stackWorkspace";
import { Diagnostics } from "../model/diagnostic";
import { loadStackFile, stackFileName } from "../model/loadStack";
import { buildReport } from "../report/buildReport";
import { ensureLocalHosts, localHostsOf, publicKeyOf } from "../testbed/localHosts";

/**
 * `npm run local:up` / `npm run local:down`: the `local` stack with `pulumi up` / `pulumi destroy`, for
 * people who want the testbed to stay up between the two. State and the stack's secret live in the tool's
 * workspace (~/.edge2cloud, see lifecycle/stackWorkspace.ts), so no login is needed and the repository is
 * left as it was. `npm start` does up, run, down and the report in one command, with or without the CLI.
 */
const PROJECT_DIR = path.resolve(__dirname, "..");
const STACK = "local";

function fail(message: string): never {
  console.error(`local: ${message}`);
  process.exit(1);
}

function requireCli(): void {
  if (!hasPulumiCli()) {
    fail(
      "the Pulumi CLI is not installed: https://www.pulumi.com/docs/install/ (curl -fsSL https://get.pulumi.com | sh). " +
        "Without it, `npm start` runs the same program (up, run, destroy, report) with the project's own engine",
    );
  }
}

const program = new Command("local").description("Run the whole testbed on this machine (stack local)");
const say = (line: string) => console.log(`local: ${line}`);

program
  .command("up")
  .description("deploy and start the experiment (pulumi up on the local stack)")
  .action(async () => {
    requireCli();
    ensureDockerEngine(PROJECT_DIR, say);
    await ensureImages(PROJECT_DIR, say);
    const workspace = new StackWorkspace(PROJECT_DIR, STACK);
    for (const made of workspace.ensure()) say(`made ${made}`);
    // The bare hosts first (kept after `down`, as reserved nodes; `npm run local:hosts -- down` removes them).
    await ensureLocalHosts(localHostsOf(loadStackFile(path.join(PROJECT_DIR, stackFileName(STACK)), new Diagnostics())!), publicKeyOf(workspace.sshKeyFile));
    const outputs = await new PulumiBackend(PROJECT_DIR, STACK, workspace).up({}, (l) => console.log(l));
    console.log(JSON.stringify(outputs, null, 2));
    say("running; `npm run local:down` finalizes, collects the results and tears the testbed down");
  });

program
  .command("down")
  .description("finalize, collect the results, tear down (pulumi destroy), then write the report")
  .action(async () => {
    requireCli();
    const report = await new PulumiBackend(PROJECT_DIR, STACK, new StackWorkspace(PROJECT_DIR, STACK)).destroy((l) => console.log(l));
    const diags = new Diagnostics();
    const settings = loadStackFile(path.join(PROJECT_DIR, stackFileName(STACK)), diags)!;
    const root = path.join(settings.resultsDir, STACK);
    if (fs.existsSync(root)) for (const f of await buildReport(root)) say(`wrote ${f}`);
    if (report.errors.length) fail(`destroy reported errors:\n${report.errors.join("\n")}`);
  });

program.parseAsync().catch((e: Error) => fail(e.message));
