import { Command } from "commander";
import { ScenarioError } from "../model/diagnostic";
import { fanoutOfStack, fanoutToText } from "./sshFanoutReport";

/**
 * `npm run ssh-fanout -- --stack dev [--parallel N] [--detail] [--json]`: how many SSH connections `pulumi up`
 * and `pulumi destroy` can open at once to each host of the stack, computed from the program's dependency
 * graph, against sshd's defaults. Exit status 1 when a host of the stack would exceed them.
 */
const program = new Command("ssh-fanout")
  .description("Worst-case SSH connections at once per host for pulumi up and destroy, against sshd's defaults")
  .requiredOption("--stack <name>", "stack name: evaluates the program for Pulumi.<name>.yaml under Pulumi's mocks")
  .option("--parallel <n>", "the --parallel given to pulumi (default: unbounded, as the CLI's)")
  .option("--detail", "list, for every host, the resources that can connect at once")
  .option("--json", "print the figures as JSON")
  .action(async (opts: { stack: string; parallel?: string; detail?: boolean; json?: boolean }) => {
    if (opts.parallel !== undefined && !/^[1-9]\d*$/.test(opts.parallel)) program.error(`error: --parallel ${opts.parallel}: expected a whole number of at least 1`);
    let f;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      f = await fanoutOfStack(opts.stack, (file) => require(file), opts.parallel === undefined ? undefined : Number(opts.parallel));
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      process.stderr.write(e.message + "\n");
      process.exit(1);
    }
    process.stdout.write((opts.json ? JSON.stringify(f, null, 2) : fanoutToText(f, opts.detail)) + "\n");
    // The mocks leave Pulumi's runtime waiting for an engine that never comes.
    process.exit(f.hostsOver.length ? 1 : 0);
  });

program.parseAsync();
