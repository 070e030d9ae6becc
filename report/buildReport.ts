import * as fs from "fs";
import * as path from "path";
import { repeatCharts, runCharts } from "./charts";
import { spread } from "./distribution";
import { RepeatSummary, repeatReportHtml, runReportHtml } from "./renderHtml";
import { findRunFiles, runDirsIn } from "./resultsLayout";
import { readRecordedRuns, RecordedRun, recordedRunOf } from "./runOutcomes";
import { loadRun } from "./runData";
import { readRunEvidence } from "./runEvidence";
import { judgeRun } from "./runHealth";
import { RunSummary, summarizeRun } from "./summarize";

/** Writes summary.json and report.html into one run's folder; returns the summary. */
export async function reportRun(dir: string, recorded?: RecordedRun): Promise<RunSummary> {
  const data = loadRun(findRunFiles(dir));
  const summary = summarizeRun(data);
  if (recorded) summary.outcome = { status: recorded.status, errors: recorded.errors };
  summary.health = judgeRun(data, readRunEvidence(dir), recorded);
  fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "report.html"), runReportHtml(summary, await runCharts(data, summary)));
  return summary;
}

export function summarizeRepeat(summaries: RunSummary[]): RepeatSummary {
  const pick = (k: "endToEnd" | "fogToCloud", p: "p50" | "p95" | "p99") => spread(summaries.map((s) => s.latencyMs[k]?.[p] ?? NaN));
  return {
    runs: summaries.map((s) => s.run),
    endToEnd: { p50: pick("endToEnd", "p50"), p95: pick("endToEnd", "p95"), p99: pick("endToEnd", "p99") },
    fogToCloud: { p50: pick("fogToCloud", "p50"), p95: pick("fogToCloud", "p95"), p99: pick("fogToCloud", "p99") },
    framesSent: spread(summaries.map((s) => s.frames.sent)),
    framesAtInSink: spread(summaries.map((s) => s.frames.inSink)),
  };
}

/**
 * A run folder gets its own report; a folder of runs (a repeat: `results/<stack>/`) gets every run's
 * report plus one across the runs. Returns the report files written.
 */
export async function buildReport(dir: string): Promise<string[]> {
  const runs = runDirsIn(dir);
  const recorded = readRecordedRuns(dir);
  if (runs.length === 0 && recorded.length === 0) {
    await reportRun(dir);
    return [path.join(dir, "report.html")];
  }
  const summaries = [];
  for (const r of runs) summaries.push(await reportRun(r, recordedRunOf(recorded, r)));
  // Figures across runs come from the runs that ended well; the others are listed with their reasons.
  const good = summaries.filter((s) => (s.outcome?.status ?? "ok") === "ok");
  const repeat = { ...summarizeRepeat(good), recordedRuns: recorded };
  fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify(repeat, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "report.html"), repeatReportHtml(repeat, good.length ? await repeatCharts(good) : []));
  return [...runs.map((r) => path.join(r, "report.html")), path.join(dir, "report.html")];
}
