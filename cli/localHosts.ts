import { Command } from "commander";
import * as path from "path";
import { StackWorkspace } from "../lifecycle/stackWorkspace";
import { Diagnostics } from "../model/diagnostic";
import { loadStackFile, stackFileName } from "../model/loadStack";
import { ensureLocalHosts, localHostsOf, publicKeyOf, removeLocalHosts } from "../testbed/localHosts";

/**
 * `npm run local:hosts -- up|down`: the local testbed's bare hosts (testbed/localHosts.ts), made and
 * removed apart from any deployment, as nodes are reserved and released.
 */
const PROJECT_DIR = path.resolve(__dirname, "..");

function hosts(stack: string) {
  const diags = new Diagnostics();
  const settings = loadStackFile(path.join(PROJECT_DIR, stackFileName(stack)), diags);
  diags.throwIfAny();
  return localHostsOf(settings!);
}

const program = new Command("local:hosts").description("The local testbed's emulated bare hosts");
program
  .command("up")
  .option("--stack <name>", "stack whose hosts to make", "local")
  .option("--ssh-key <file>", "private key whose public half the hosts authorise (default: the stack's key in the tool's workspace, made when missing)")
  .action(async (o: { stack: string; sshKey?: string }) => {
    const spec = hosts(o.stack);
    const workspace = new StackWorkspace(PROJECT_DIR, o.stack, undefined, o.sshKey);
    workspace.ensure();
    await ensureLocalHosts(spec, publicKeyOf(workspace.sshKeyFile));
    console.log(`hosts up: ${spec.hosts.map((h) => `${h.name} (${h.address})`).join(", ")}`);
  });
program
  .command("down")
  .option("--stack <name>", "stack whose hosts to remove", "local")
  .action((o: { stack: string }) => {
    removeLocalHosts(hosts(o.stack));
    console.log("hosts, their engines' volumes and the network removed");
  });
program.parseAsync().catch((e: Error) => {
  console.error(`local:hosts: ${e.message}`);
  process.exitCode = 1;
});
