import * as fs from "fs";
import * as path from "path";
import { LatencyRecord } from "./latencyRecords";
import { RunData } from "./runData";

/** How the steady-state interval is chosen (`npm run report -- --warmup S --drain S --steady FROM:TO`). */
export interface SteadyStateOptions {
  /** Seconds after the first result that follows every camera sending, before the steady state starts. */
  warmupS: number;
  /** Seconds before the first camera stops at which the steady state ends. */
  drainS: number;
  /** An explicit interval instead, in seconds since the run's first frame was sent. */
  fromS?: number;
  toS?: number;
}

/**
 * 10 s covers what the local runs show at the start: the Flink job is submitted after the cameras start,
 * so its first results come in a burst of late windows that takes a few seconds to clear.
 */
export const DEFAULT_STEADY_STATE: SteadyStateOptions = { warmupS: 10, drainS: 0 };

/** Where a run folder keeps the steady-state options last given for it, so that every later report uses them. */
export const STEADY_STATE_FILE = "steady-state.json";

/** Which options a run's report uses, and where they came from. */
export interface SteadyStateChoice {
  options: SteadyStateOptions;
  from: "command line" | typeof STEADY_STATE_FILE | "defaults";
}

/**
 * Options given on the command line are used and recorded in the run folder; without them, the run's
 * recorded options are used, else the defaults. So a run's interval, once adjusted, stays adjusted when the
 * folder of runs is reported again.
 */
export function chooseSteadyState(runDir: string, given?: Partial<SteadyStateOptions>): SteadyStateChoice {
  const file = path.join(runDir, STEADY_STATE_FILE);
  if (given && Object.keys(given).length) {
    const options = { ...DEFAULT_STEADY_STATE, ...given };
    fs.writeFileSync(file, JSON.stringify(options, null, 2) + "\n");
    return { options, from: "command line" };
  }
  if (fs.existsSync(file)) {
    const recorded = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<SteadyStateOptions>;
    const bad = (["warmupS", "drainS", "fromS", "toS"] as const).filter((k) => recorded[k] !== undefined && !(typeof recorded[k] === "number" && recorded[k]! >= 0));
    if (bad.length) throw new Error(`${file}: ${bad.join(", ")}: expected seconds (a number >= 0)`);
    return { options: { ...DEFAULT_STEADY_STATE, ...recorded }, from: STEADY_STATE_FILE };
  }
  return { options: DEFAULT_STEADY_STATE, from: "defaults" };
}

/** The moments of the run that the rule works from (ms since epoch), so that a reader can check it. */
export interface RunEvents {
  /** The first frame any camera sent. */
  firstSendTs: number;
  /** Every camera has sent (end of the second in which the last one sent its first frame). */
  allSendingTs: number;
  /** The first result received at or after allSendingTs (out-sink; the in-sink when there is no out-sink). */
  firstResultTs?: number;
  resultFrom?: "out-sink" | "in-sink";
  /** A camera stopped (start of the last second in which the first camera to stop still sent). */
  firstStopTs: number;
  /** The last camera stopped (end of the last second with a frame sent). */
  lastStopTs: number;
}

/** The steady state of a run: records sent at or after startTs and received at or before endTs. */
export interface SteadyInterval {
  startTs: number;
  endTs: number;
  durationS: number;
  /** "data": by the rule from the run's events; "option": given explicitly (fromS/toS). */
  source: "data" | "option";
  /** The rule in words, with the figures used. */
  rule: string;
  options: SteadyStateOptions;
  /** Where the options came from: the command line, the run's steady-state.json, or the defaults. */
  optionsFrom: SteadyStateChoice["from"];
  events: RunEvents;
}

export type SteadyStateResult = { interval: SteadyInterval } | { reason: string };

/** Camera activity from the producers' per-second counts. */
function runEvents(data: RunData): RunEvents | string {
  const spans = data.producers
    .map((p) => p.throughput.filter((r) => Number(r.sent) > 0).map((r) => Number(r.second)))
    .filter((s) => s.length)
    .map((s) => ({ first: Math.min(...s), last: Math.max(...s) }));
  if (!spans.length) return "no producer sent a frame (no producers/.../throughput.csv with frames)";
  const allSendingTs = Math.max(...spans.map((s) => s.first)) + 1000;
  const firstResult = (rows: RunData["outSink"]) =>
    rows.reduce((m, r) => {
      const t = Number(r.receivedTs);
      return t >= allSendingTs && t < m ? t : m;
    }, Infinity);
  const out = firstResult(data.outSink);
  const inSink = Number.isFinite(out) ? Infinity : firstResult(data.inSink);
  return {
    firstSendTs: Math.min(...spans.map((s) => s.first)),
    allSendingTs,
    ...(Number.isFinite(out) ? { firstResultTs: out, resultFrom: "out-sink" as const } : Number.isFinite(inSink) ? { firstResultTs: inSink, resultFrom: "in-sink" as const } : {}),
    firstStopTs: Math.min(...spans.map((s) => s.last)),
    lastStopTs: Math.max(...spans.map((s) => s.last)) + 1000,
  };
}

/**
 * The interval the data defines: from the first result after every camera is sending, plus the warm-up
 * margin, to the first camera stopping, minus the drain margin. Before it, the pipeline is still filling
 * (the Flink job starts after the cameras, its first windows arrive late together); after it, the last
 * windows wait for the idle flush. Or the explicit interval of the options.
 */
export function steadyInterval(data: RunData, choice: SteadyStateChoice = { options: DEFAULT_STEADY_STATE, from: "defaults" }): SteadyStateResult {
  const options = choice.options;
  const events = runEvents(data);
  if (typeof events === "string") return { reason: events };
  const iso = (t: number) => new Date(t).toISOString();
  const explicit = options.fromS !== undefined || options.toS !== undefined;
  let startTs: number;
  let endTs: number;
  let rule: string;
  if (explicit) {
    const from = options.fromS ?? 0;
    const to = options.toS ?? (events.lastStopTs - events.firstSendTs) / 1000;
    startTs = events.firstSendTs + from * 1000;
    endTs = events.firstSendTs + to * 1000;
    rule = `given: ${from} s to ${to} s after the first frame sent (${iso(events.firstSendTs)})`;
  } else {
    if (events.firstResultTs === undefined) return { reason: "no result reached a sink after every camera was sending" };
    startTs = events.firstResultTs + options.warmupS * 1000;
    endTs = events.firstStopTs - options.drainS * 1000;
    rule =
      `first ${events.resultFrom} result after every camera was sending (${iso(events.firstResultTs)}) + ${options.warmupS} s warm-up, ` +
      `to the first camera stopping (${iso(events.firstStopTs)})${options.drainS ? ` - ${options.drainS} s` : ""}`;
  }
  if (!(endTs > startTs)) return { reason: `the interval is empty: ${rule} ends before it starts` };
  return { interval: { startTs, endTs, durationS: (endTs - startTs) / 1000, source: explicit ? "option" : "data", rule, options, optionsFrom: choice.from, events } };
}

/** A record belongs to the steady state when both its ends fall inside the interval. */
export function inSteadyState(r: LatencyRecord, i: SteadyInterval): boolean {
  return r.sendTs >= i.startTs && r.receiveTs <= i.endTs;
}

/** Frames sent per second over the interval, from the producers' whole seconds inside it. */
export function steadySendRate(data: RunData, i: SteadyInterval): number | undefined {
  const seconds = new Set<number>();
  let sent = 0;
  for (const p of data.producers) {
    for (const r of p.throughput) {
      const s = Number(r.second);
      if (s >= i.startTs && s + 1000 <= i.endTs) {
        seconds.add(s);
        sent += Number(r.sent);
      }
    }
  }
  return seconds.size ? sent / seconds.size : undefined;
}
