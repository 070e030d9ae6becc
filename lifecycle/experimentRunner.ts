import * as fs from "fs";
import * as path from "path";
import { SingleBar } from "cli-progress";
import { assessRun, healthLines, RunHealthRecord, healthRecord } from "../report/runHealth";
import { DeploymentBackend } from "./deploymentBackend";
import { RunWatcher, WatchEvent } from "./runWatcher";
import { FaultRunner } from "./faultRunner";
import { PlannedFault } from "../planner/faultPlan";
import { WatchTarget } from "../components/watchProbe";

export interface ExperimentOptions {
  backend: DeploymentBackend;
  /** Extra runs: `repeat: N` makes N + 1 runs, as E2Clab's `--repeat`. */
  repeat: number;
  durationSeconds: number;
  /** `results/<stack>`: gets `runs.json`, the log, and (from the program) one folder per run. */
  resultsRoot: string;
  /** Where progress goes (a bar on a terminal, lines otherwise). */
  out?: NodeJS.WriteStream;
  /**
   * Watching the hosts during the wait (when the program gives `watchTargets`): events go to the log and
   * to `<run>/watch.log`; with `stopOnFault` the wait ends at the first event that makes the run invalid
   * (the run is still finalized and collected). `false` turns the watch off.
   */
  watch?: { intervalSeconds?: number; stopOnFault?: boolean } | false;
  /** Faults to cause at their times after launch (planner/faultPlan.ts), recorded in `<run>/faults.log`. */
  faults?: { planned: PlannedFault[]; allowMissingNetem: boolean };
}

export interface RunOutcome {
  run: number;
  status: "ok" | "failed" | "interrupted";
  resultsFolder?: string;
  startedAt: string;
  upSeconds?: number;
  destroySeconds?: number;
  errors: string[];
  /** Set when the watch ended the wait early: the event that made the run invalid. */
  stoppedEarly?: string;
  /** The run's verdict from its results folder (report/runHealth.ts), with its reasons. */
  health?: RunHealthRecord;
}

/**
 * E2Clab's `deploy --repeat N --duration S`: N + 1 times up -> wait -> destroy. A failed run is recorded
 * and the next one proceeds; Ctrl-C ends the wait, still destroys (so finalize runs and results are
 * collected), then stops. Every outcome is appended to `<resultsRoot>/runs.json` as it happens.
 */
export async function runExperiment(o: ExperimentOptions): Promise<RunOutcome[]> {
  fs.mkdirSync(o.resultsRoot, { recursive: true });
  const logFile = path.join(o.resultsRoot, "experiment.log");
  const log = (line: string) => fs.appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  const out = o.out ?? process.stdout;
  const runs = o.repeat + 1;
  let interrupted = false;
  let wake: (() => void) | undefined;
  const onSigint = () => {
    interrupted = true;
    out.write("\ninterrupted: finalizing and collecting the current run, then stopping\n");
    wake?.();
  };
  process.on("SIGINT", onSigint);
  const outcomes: RunOutcome[] = [];
  const runTimes: number[] = [];
  const bar = out.isTTY ? new SingleBar({ format: "run {run}/{runs} {phase} [{bar}] {percentage}% | ETA {etaText}", hideCursor: true }, undefined) : undefined;
  let lastLine = { phase: "", at: 0 };
  const progress = (run: number, phase: string, fraction: number) => {
    const perRun = runTimes.length ? runTimes.reduce((a, b) => a + b, 0) / runTimes.length : o.durationSeconds * 1.5;
    const eta = Math.max(0, Math.round((runs - run + 1 - fraction) * perRun));
    const etaText = `${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, "0")}s`;
    const value = Math.round(((run - 1 + fraction) / runs) * 1000);
    if (bar) bar.update(value, { run, runs, phase, etaText });
    else if (phase !== lastLine.phase || Date.now() - lastLine.at >= 10_000) {
      // Without a terminal (logs, CI): a line when the phase changes and every 10 s, not every second.
      lastLine = { phase, at: Date.now() };
      out.write(`run ${run}/${runs} ${phase} ${(fraction * 100).toFixed(0)}% ETA ${etaText}\n`);
    }
  };
  bar?.start(1000, 0, { run: 1, runs, phase: "starting", etaText: "?" });
  try {
    for (let run = 1; run <= runs && !interrupted; run++) {
      const t0 = Date.now();
      const outcome: RunOutcome = { run, status: "ok", startedAt: new Date(t0).toISOString(), errors: [] };
      log(`run ${run}/${runs}: up`);
      progress(run, "deploying", 0);
      try {
        const outputs = await o.backend.up({ E2C_DURATION: String(o.durationSeconds), E2C_REPEAT: String(run - 1) }, log);
        outcome.resultsFolder = typeof outputs.resultsFolder === "string" ? outputs.resultsFolder : undefined;
        outcome.upSeconds = (Date.now() - t0) / 1000;
        const targets = Array.isArray(outputs.watchTargets) ? (outputs.watchTargets as WatchTarget[]) : [];
        const faults = o.faults?.planned.length
          ? new FaultRunner(o.faults.planned, targets, {
              allowMissingNetem: o.faults.allowMissingNetem,
              logFile: outcome.resultsFolder ? path.join(outcome.resultsFolder, "faults.log") : undefined,
              log: (l) => {
                log(`run ${run}: ${l}`);
                if (!bar) out.write(`${l}\n`);
              },
            })
          : undefined;
        faults?.start();
        const explain = (e: WatchEvent) => {
          const f = faults?.explains(e.host, e.subject, e.at);
          return f ? `scheduled fault at +${f.atMs / 1000}s: ${f.description}` : undefined;
        };
        const watcher = startWatcher(targets, outcome.resultsFolder, o, explain, (e) => {
          log(`run ${run}: watch: ${e.at} ${e.host} ${e.kind} ${e.subject}: ${e.detail}${e.fatal ? " (the run can no longer be valid)" : ""}`);
          if (!bar) out.write(`watch: ${e.host}: ${e.subject} ${e.detail}\n`);
          if (e.fatal && o.watch && o.watch.stopOnFault && !outcome.stoppedEarly) {
            outcome.stoppedEarly = `${e.host}: ${e.subject} ${e.detail} at ${e.at}`;
            wake?.();
          }
        });
        const waitStart = Date.now();
        while (!interrupted && !outcome.stoppedEarly && Date.now() - waitStart < o.durationSeconds * 1000) {
          progress(run, "running", 0.1 + (0.8 * (Date.now() - waitStart)) / (o.durationSeconds * 1000));
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 1000);
          });
        }
        await faults?.stop();
        await watcher?.stop();
        if (outcome.stoppedEarly) log(`run ${run}: wait ended early: ${outcome.stoppedEarly}`);
      } catch (e) {
        outcome.status = "failed";
        outcome.errors.push(`up: ${(e as Error).message}`);
        log(`run ${run}: up failed: ${(e as Error).message}`);
      }
      if (interrupted && outcome.status === "ok") outcome.status = "interrupted";
      progress(run, "finalizing", 0.9);
      const d0 = Date.now();
      const report = await o.backend.destroy(log);
      outcome.destroySeconds = (Date.now() - d0) / 1000;
      if (report.errors.length) {
        outcome.errors.push(...report.errors.map((e) => `destroy: ${e}`));
        if (outcome.status === "ok") outcome.status = "failed";
      }
      outcome.health = judge(outcome);
      for (const line of healthLines(outcome.health)) log(`run ${run}: ${line}`);
      runTimes.push((Date.now() - t0) / 1000);
      outcomes.push(outcome);
      fs.writeFileSync(path.join(o.resultsRoot, "runs.json"), JSON.stringify(outcomes, null, 2) + "\n");
      log(`run ${run}: ${outcome.status}, ${outcome.health.verdict}${outcome.resultsFolder ? ` -> ${outcome.resultsFolder}` : ""}`);
      progress(run, outcome.status, 1);
    }
  } finally {
    bar?.stop();
    process.off("SIGINT", onSigint);
  }
  return outcomes;
}

/** Judging a run never fails the runner: a results folder it cannot read makes the run failed, saying why. */
function judge(outcome: RunOutcome): RunHealthRecord {
  try {
    return healthRecord(assessRun(outcome.resultsFolder ?? "", outcome));
  } catch (e) {
    return { verdict: "failed", reasons: [{ severity: "failed", kind: "no-results", subject: "results folder", message: `its results could not be read: ${(e as Error).message}` }] };
  }
}

/** Whether the runs are acceptable: every one clean, or (with `acceptDegraded`) none failed. */
export function runsAcceptable(outcomes: RunOutcome[], acceptDegraded: boolean): boolean {
  return outcomes.every((o) => o.status !== "failed" && (o.health?.verdict === "clean" || (acceptDegraded && o.health?.verdict === "degraded")));
}

/** A watcher over the program's `watchTargets` output, unless there are none or the watch is off. */
function startWatcher(targets: WatchTarget[], runDir: string | undefined, o: ExperimentOptions, explain: (e: WatchEvent) => string | undefined, onEvent: (e: WatchEvent) => void): RunWatcher | undefined {
  if (o.watch === false || !targets.length) return undefined;
  const w = new RunWatcher(targets, {
    explain,
    intervalMs: (o.watch?.intervalSeconds ?? 5) * 1000,
    eventsFile: runDir ? path.join(runDir, "watch.log") : undefined,
    onEvent,
  });
  w.start();
  return w;
}
