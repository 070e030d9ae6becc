import { Command, InvalidArgumentError } from "commander";
import * as fs from "fs";
import { buildReport } from "../report/buildReport";
import { DEFAULT_STEADY_STATE, STEADY_STATE_FILE, SteadyStateOptions } from "../report/steadyState";

const seconds = (what: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${what}: expected seconds (a number >= 0), got "${v}"`);
  return n;
};

function interval(v: string): { fromS: number; toS: number } {
  const m = /^\s*([\d.]+)\s*:\s*([\d.]+)\s*$/.exec(v);
  const from = m ? Number(m[1]) : NaN;
  const to = m ? Number(m[2]) : NaN;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
    throw new InvalidArgumentError(`expected FROM:TO in seconds since the first frame sent, FROM < TO (e.g. 30:200), got "${v}"`);
  }
  return { fromS: from, toS: to };
}

/** `npm run report -- <results folder>`: summary.json and a self-contained report.html. */
const program = new Command("report")
  .description("Summarise a run's results folder (or a folder of runs) into summary.json and report.html")
  .argument("<folder>", "a run folder (results/<stack>/<YYYYmmdd-HHMMSS>) or a folder of runs")
  .option("--warmup <s>", `steady state starts this many seconds after the first result once every camera sends (default ${DEFAULT_STEADY_STATE.warmupS})`, seconds("--warmup"))
  .option("--drain <s>", `steady state ends this many seconds before the first camera stops (default ${DEFAULT_STEADY_STATE.drainS})`, seconds("--drain"))
  .option("--steady <from:to>", "steady state given explicitly, seconds since the run's first frame sent (overrides --warmup/--drain)", interval)
  .addHelpText("after", `\nSteady-state options given are recorded in each run folder reported (${STEADY_STATE_FILE}) and used by later reports of it.`)
  .action(async (folder: string, o: { warmup?: number; drain?: number; steady?: { fromS: number; toS: number } }) => {
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) program.error(`error: ${folder} is not a folder`);
    const given: Partial<SteadyStateOptions> = {
      ...(o.warmup !== undefined ? { warmupS: o.warmup } : {}),
      ...(o.drain !== undefined ? { drainS: o.drain } : {}),
      ...(o.steady ?? {}),
    };
    for (const f of await buildReport(folder, given)) console.log(`wrote ${f}`);
  });

program.parseAsync().catch((e: Error) => {
  console.error(`report: ${e.message}`);
  process.exitCode = 1;
});
