import * as fs from "fs";
import * as path from "path";
import { repeatCharts, runCharts } from "./charts";
import { Distribution, spread } from "./distribution";
import { PercentileSpreads, RepeatSummary, repeatReportHtml, runReportHtml } from "./renderHtml";
import { findRunFiles, runDirsIn } from "./resultsLayout";
import { readRecordedRuns, RecordedRun, recordedRunOf } from "./runOutcomes";
import { loadRun } from "./runData";
import { readRunEvidence } from "./runEvidence";
import { judgeRun } from "./runHealth";
import { SteadyStateOptions, chooseSteadyState } from "./steadyState";
import { RunSummary, summarizeRun } from "./summarize";

/**
 * Writes summary.json and report.html into one run's folder; returns the summary. Steady-state options given
 * here are recorded in the run folder (see chooseSteadyState).
 */
export async function reportRun(dir: string, steadyState?: Partial<SteadyStateOptions>, recorded?: RecordedRun): Promise<RunSummary> {
  const data = loadRun(findRunFiles(dir));
  const summary = summarizeRun(data, chooseSteadyState(dir, steadyState));
  if (recorded) summary.outcome = { status: recorded.status, errors: recorded.errors };
  summary.health = judgeRun(data, readRunEvidence(dir), recorded);
  fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "report.html"), runReportHtml(summary, await runCharts(data, summary)));
  return summary;
}

/** Mean and spread across runs of p50, p95 and p99 of one figure of each run. */
function percentiles(summaries: RunSummary[], get: (s: RunSummary) => Distribution | undefined): PercentileSpreads {
  const pick = (p: "p50" | "p95" | "p99") => spread(summaries.map((s) => get(s)?.[p] ?? NaN));
  return { p50: pick("p50"), p95: pick("p95"), p99: pick("p99") };
}

export function summarizeRepeat(summaries: RunSummary[]): RepeatSummary {
  return {
    runs: summaries.map((s) => s.run),
    endToEnd: percentiles(summaries, (s) => s.latencyMs.endToEnd),
    fogToCloud: percentiles(summaries, (s) => s.latencyMs.fogToCloud),
    steadyState: {
      runs: summaries.filter((s) => s.steadyState.interval).map((s) => s.run),
      durationS: spread(summaries.map((s) => s.steadyState.interval?.durationS ?? NaN)),
      endToEnd: percentiles(summaries, (s) => s.steadyState.latencyMs.endToEnd),
      fogToCloud: percentiles(summaries, (s) => s.steadyState.latencyMs.fogToCloud),
      clockCorrected: {
        endToEnd: percentiles(summaries, (s) => s.steadyState.clockCorrectedMs.endToEnd?.corrected),
        fogToCloud: percentiles(summaries, (s) => s.steadyState.clockCorrectedMs.fogToCloud?.corrected),
      },
    },
    framesSent: spread(summaries.map((s) => s.frames.sent)),
    framesAtInSink: spread(summaries.map((s) => s.frames.inSink)),
  };
}

/**
 * A run folder gets its own report; a folder of runs (a repeat: `results/<stack>/`) gets every run's
 * report plus one across the runs. Returns the report files written.
 */
export async function buildReport(dir: string, steadyState?: Partial<SteadyStateOptions>): Promise<string[]> {
  const runs = runDirsIn(dir);
  const recorded = readRecordedRuns(dir);
  if (runs.length === 0 && recorded.length === 0) {
    await reportRun(dir, steadyState);
    return [path.join(dir, "report.html")];
  }
  const summaries = [];
  for (const r of runs) summaries.push(await reportRun(r, steadyState, recordedRunOf(recorded, r)));
  // Figures across runs come from the runs that ended well; the others are listed with their reasons.
  const good = summaries.filter((s) => (s.outcome?.status ?? "ok") === "ok");
  const repeat = { ...summarizeRepeat(good), recordedRuns: recorded };
  fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify(repeat, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "report.html"), repeatReportHtml(repeat, good.length ? await repeatCharts(good) : []));
  return [...runs.map((r) => path.join(r, "report.html")), path.join(dir, "report.html")];
}
