import * as path from "path";
import { Distribution, distribution } from "./distribution";
import { HostSample, Row, RunData } from "./runData";
import { RunHealth } from "./runHealth";

export interface RateSeries {
  id: string;
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
  latencyMs: { endToEnd?: Distribution; fogToCloud?: Distribution; gateway?: Distribution };
  producers: RateSeries[];
  gateways: RateSeries[];
  hosts: HostLoad[];
  /** Records of what could not be collected (unreachable hosts, missing files), as written at destroy. */
  missing: string[];
  /** How the run ended, when the runner recorded it (runs.json): a failed run's figures are not results. */
  outcome?: { status: "ok" | "failed" | "interrupted"; errors: string[] };
  /** The run's verdict (clean, degraded, failed) with its reasons and the frames at each hop. */
  health?: RunHealth;
}

const sum = (rows: Row[], field: string) => rows.reduce((s, r) => s + Number(r[field] ?? 0), 0);

function rateSeries(id: string, rows: Row[], field: string): RateSeries {
  const total = sum(rows, field);
  return { id, total, perSecond: rows.length ? total / rows.length : 0, seconds: rows.length };
}

function mean(values: number[]): number | undefined {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

function hostLoad(host: string, samples: HostSample[]): HostLoad {
  const m = (k: Exclude<keyof HostSample, "t">) => mean(samples.map((s) => s[k]));
  return { host, samples: samples.length, cpuBusyPercent: m("cpuBusyPercent"), memoryUsedMB: m("memoryUsedMB"), netRecvKBps: m("netRecvKBps"), netSendKBps: m("netSendKBps") };
}

export function summarizeRun(data: RunData): RunSummary {
  const latencies = (rows: Row[]) => rows.map((r) => Number(r.latencyMs));
  const producers = data.producers.map((p) => rateSeries(p.id, p.throughput, "sent"));
  const gateways = data.gateways.filter((g) => g.throughput.length).map((g) => rateSeries(g.id, g.throughput, "received"));
  const inSink = latencies(data.inSink);
  const outSink = latencies(data.outSink);
  return {
    run: path.basename(data.dir),
    frames: {
      sent: producers.reduce((s, p) => s + p.total, 0),
      acked: data.producers.reduce((s, p) => s + sum(p.throughput, "acked"), 0),
      gatewayReceived: gateways.reduce((s, g) => s + g.total, 0),
      gatewayForwarded: data.gateways.reduce((s, g) => s + sum(g.throughput, "forwarded"), 0),
      inSink: inSink.length,
      outSinkWindows: outSink.length,
    },
    latencyMs: { endToEnd: distribution(outSink), fogToCloud: distribution(inSink), gateway: distribution(data.gateways.flatMap((g) => latencies(g.latency))) },
    producers,
    gateways,
    hosts: data.hosts.map((h) => hostLoad(h.host, h.samples)),
    missing: data.missing,
  };
}
