import { Command } from "commander";
import * as fs from "fs";
import { buildReport } from "../report/buildReport";

/** `npm run report -- <results folder>`: summary.json and a self-contained report.html. */
const program = new Command("report")
  .description("Summarise a run's results folder (or a folder of runs) into summary.json and report.html")
  .argument("<folder>", "a run folder (results/<stack>/<YYYYmmdd-HHMMSS>) or a folder of runs")
  .action(async (folder: string) => {
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) program.error(`error: ${folder} is not a folder`);
    for (const f of await buildReport(folder)) console.log(`wrote ${f}`);
  });

program.parseAsync().catch((e: Error) => {
  console.error(`report: ${e.message}`);
  process.exitCode = 1;
});
