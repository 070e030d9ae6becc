import * as path from "path";
import { Clocks, CorrectedRecord, MeasureCorrection, correctRecords, readClocks, summarizeCorrection } from "./clockCorrection";
import { Distribution, distribution } from "./distribution";
import { LatencyRecord, MEASURES, Measure, latencyRecords } from "./latencyRecords";
import { HostSample, Row, RunData } from "./runData";
import { RunHealth } from "./runHealth";
import type { RecordedRun } from "./runOutcomes";
import { SteadyInterval, SteadyStateChoice, inSteadyState, steadyInterval, steadySendRate } from "./steadyState";

export interface RateSeries {
  /** Where its file is under the results folder. */
  id: string;
  /** For people: host and camera (producers), host and gateway id (gateways). */
  label: string;
  host?: string;
  /** Total over the file. */
  total: number;
  /** Mean per second over the seconds the file covers. */
  perSecond: number;
  seconds: number;
}

export interface HostLoad {
  host: string;
  samples: number;
  cpuBusyPercent?: number;
  memoryUsedMB?: number;
  netRecvKBps?: number;
  netSendKBps?: number;
}

/** One run's figures: what `summary.json` holds. */
export interface RunSummary {
  run: string;
  frames: { sent: number; acked: number; gatewayReceived: number; gatewayForwarded: number; inSink: number; outSinkWindows: number };
  /** Over the whole run, as the files have them (each end on its own host's clock). */
  latencyMs: LatencyFigures;
  /** Over the steady state only; `reason` says why there is none. */
  steadyState: {
    interval?: SteadyInterval;
    reason?: string;
    latencyMs: LatencyFigures;
    clockCorrectedMs: Partial<Record<Measure, MeasureCorrection>>;
    /** Frames all producers sent per second inside the interval. */
    framesSentPerSecond?: number;
  };
  /** Each host's clock offset at launch and at the end, drift, and the hosts without one. */
  clocks: Clocks;
  /** Over the whole run: each measure corrected by the offsets of the hosts that stamped it. */
  clockCorrectedMs: Partial<Record<Measure, MeasureCorrection>>;
  producers: RateSeries[];
  gateways: RateSeries[];
  hosts: HostLoad[];
  /** Records of what could not be collected (unreachable hosts, missing files), as written at destroy. */
  missing: string[];
  /** How the run ended, when the runner recorded it (runs.json): a failed run's figures are not results. */
  outcome?: Pick<RecordedRun, "status" | "errors">;
  /** The run's verdict (clean, degraded, failed) with its reasons and the frames at each hop. */
  health?: RunHealth;
}

export type LatencyFigures = Partial<Record<Measure, Distribution>>;

const sum = (rows: Row[], field: string) => rows.reduce((s, r) => s + Number(r[field] ?? 0), 0);

function rateSeries(s: { id: string; label: string; host?: string }, rows: Row[], field: string): RateSeries {
  const total = sum(rows, field);
  return { id: s.id, label: s.label, ...(s.host ? { host: s.host } : {}), total, perSecond: rows.length ? total / rows.length : 0, seconds: rows.length };
}

function mean(values: number[]): number | undefined {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

function hostLoad(host: string, samples: HostSample[]): HostLoad {
  const m = (k: Exclude<keyof HostSample, "t">) => mean(samples.map((s) => s[k]));
  return { host, samples: samples.length, cpuBusyPercent: m("cpuBusyPercent"), memoryUsedMB: m("memoryUsedMB"), netRecvKBps: m("netRecvKBps"), netSendKBps: m("netSendKBps") };
}

export function summarizeRun(data: RunData, steadyState?: SteadyStateChoice): RunSummary {
  const producers = data.producers.map((p) => rateSeries(p, p.throughput, "sent"));
  const gateways = data.gateways.filter((g) => g.throughput.length).map((g) => rateSeries(g, g.throughput, "received"));
  const records = latencyRecords(data);
  const hostsOfRun = new Set<string>([...data.serviceHosts.values(), ...data.hosts.map((h) => h.host)]);
  for (const m of MEASURES) for (const r of records[m]) for (const h of [r.sendHost, r.receiveHost]) if (h) hostsOfRun.add(h);
  const clocks = readClocks(data, hostsOfRun);
  const byMeasure = <T, U>(f: (m: Measure) => T[], g: (values: T[]) => U) => Object.fromEntries(MEASURES.filter((m) => f(m).length).map((m) => [m, g(f(m))]));
  const corrected = Object.fromEntries(MEASURES.map((m) => [m, correctRecords(records[m], clocks)])) as Record<Measure, CorrectedRecord[]>;
  const steady = steadyInterval(data, steadyState);
  const interval = "interval" in steady ? steady.interval : undefined;
  const steadyRecords = Object.fromEntries(MEASURES.map((m) => [m, interval ? corrected[m].filter((r) => inSteadyState(r, interval)) : []])) as Record<Measure, CorrectedRecord[]>;
  const latencies = (rs: LatencyRecord[]) => distribution(rs.map((r) => r.latencyMs))!;
  return {
    run: path.basename(data.dir),
    frames: {
      sent: producers.reduce((s, p) => s + p.total, 0),
      acked: data.producers.reduce((s, p) => s + sum(p.throughput, "acked"), 0),
      gatewayReceived: gateways.reduce((s, g) => s + g.total, 0),
      gatewayForwarded: data.gateways.reduce((s, g) => s + sum(g.throughput, "forwarded"), 0),
      inSink: data.inSink.length,
      outSinkWindows: data.outSink.length,
    },
    latencyMs: byMeasure((m) => records[m], latencies),
    steadyState: interval
      ? {
          interval,
          latencyMs: byMeasure((m) => steadyRecords[m], latencies),
          clockCorrectedMs: byMeasure((m) => steadyRecords[m], summarizeCorrection),
          framesSentPerSecond: steadySendRate(data, interval),
        }
      : { reason: "reason" in steady ? steady.reason : undefined, latencyMs: {}, clockCorrectedMs: {} },
    clocks,
    clockCorrectedMs: byMeasure((m) => corrected[m], summarizeCorrection),
    producers,
    gateways,
    hosts: data.hosts.map((h) => hostLoad(h.host, h.samples)),
    missing: data.missing,
  };
}
