import { execFileSync, spawnSync } from "child_process";
import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";
import { LOCAL_SSH_KEY, hasPulumiCli } from "../lifecycle/chooseBackend";
import { PulumiBackend } from "../lifecycle/pulumiBackend";
import { Diagnostics } from "../model/diagnostic";
import { loadStackFile, stackFileName } from "../model/loadStack";
import { buildReport } from "../report/buildReport";

/**
 * `npm run local:up` / `npm run local:down`: the `local` stack with `pulumi up` / `pulumi destroy`, state
 * in ~/.edge2cloud/pulumi-state and a default passphrase, so no account or login is needed.
 */
const PROJECT_DIR = path.resolve(__dirname, "..");
const STACK = "local";

function fail(message: string): never {
  console.error(`local: ${message}`);
  process.exit(1);
}

/** Docker running, images built, Pulumi CLI installed: each missing piece named with how to get it. */
function checkPrerequisites(): void {
  const problems: string[] = [];
  if (spawnSync("docker", ["info"], { stdio: "ignore" }).status !== 0) {
    problems.push("no Docker engine answers: install Docker (Debian: apt-get install docker.io) and start it (bash testbed/start-dockerd.sh)");
  } else {
    const diags = new Diagnostics();
    const settings = loadStackFile(path.join(PROJECT_DIR, stackFileName(STACK)), diags);
    if (!settings) fail(diags.items.map((d) => d.message).join("; "));
    const images = [...Object.values(settings.images), settings.localTestbed!.hostImage];
    const missing = images.filter((i) => spawnSync("docker", ["image", "inspect", i], { stdio: "ignore" }).status !== 0);
    if (missing.length) problems.push(`images ${missing.join(", ")} are not built: run npm run local:images (builds them here, nothing is pulled)`);
  }
  if (!hasPulumiCli()) {
    problems.push(
      "the Pulumi CLI is not installed: https://www.pulumi.com/docs/install/ (curl -fsSL https://get.pulumi.com | sh). " +
        "Without it, `npm run experiment -- --stack local --engine local` runs the same program (up, wait, destroy) with the project's own engine",
    );
  }
  if (problems.length) fail(`cannot start the local testbed:\n  - ${problems.join("\n  - ")}`);
}

/** The testbed's SSH key, made once; Pulumi keeps it as the stack's secret. */
function ensureKey(): string {
  if (!fs.existsSync(LOCAL_SSH_KEY)) {
    fs.mkdirSync(path.dirname(LOCAL_SSH_KEY), { recursive: true, mode: 0o700 });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "edge2cloud-local", "-f", LOCAL_SSH_KEY]);
  }
  return fs.readFileSync(LOCAL_SSH_KEY, "utf8");
}

const program = new Command("local").description("Run the whole testbed on this machine (stack local)");

program
  .command("up")
  .description("deploy and start the experiment (pulumi up on the local stack)")
  .action(async () => {
    checkPrerequisites();
    const backend = new PulumiBackend(PROJECT_DIR, STACK, true);
    const outputs = await backend.up({}, (l) => console.log(l), { "edge2cloud:sshPrivateKey": { value: ensureKey(), secret: true } });
    console.log(JSON.stringify(outputs, null, 2));
    console.log("running; `npm run local:down` finalizes, collects the results and tears the testbed down");
  });

program
  .command("down")
  .description("finalize, collect the results, tear down (pulumi destroy), then write the report")
  .action(async () => {
    if (!hasPulumiCli()) fail("the Pulumi CLI is not installed: https://www.pulumi.com/docs/install/");
    const backend = new PulumiBackend(PROJECT_DIR, STACK, true);
    const report = await backend.destroy((l) => console.log(l));
    const diags = new Diagnostics();
    const settings = loadStackFile(path.join(PROJECT_DIR, stackFileName(STACK)), diags)!;
    const root = path.join(settings.resultsDir, STACK);
    if (fs.existsSync(root)) for (const f of await buildReport(root)) console.log(`wrote ${f}`);
    if (report.errors.length) fail(`destroy reported errors:\n${report.errors.join("\n")}`);
  });

program.parseAsync().catch((e: Error) => fail(e.message));
