import * as fs from "fs";
import * as path from "path";
import { readCsv, readDstatCsv } from "./csvTable";
import { Distribution, distribution } from "./distribution";
import { RunFiles } from "./resultsLayout";

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
}

function rateSeries(id: string, file: string, field: string): RateSeries {
  const rows = readCsv(file);
  const total = rows.reduce((s, r) => s + Number(r[field] ?? 0), 0);
  return { id, total, perSecond: rows.length ? total / rows.length : 0, seconds: rows.length };
}

const column = (file: string, name: string) => readCsv(file).map((r) => Number(r[name]));

function mean(values: number[]): number | undefined {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

/** dstat's columns in the units dstat writes them (bytes), turned into %, MB and KB/s. */
function hostLoad(host: string, file: string): HostLoad {
  const rows = readDstatCsv(file);
  const pick = (suffix: string) => rows.map((r) => Object.entries(r).find(([k]) => k.endsWith(suffix))?.[1] ?? NaN);
  const idle = pick("/idl");
  const used = pick("/used");
  const recv = pick("/recv");
  const send = pick("/send");
  const m = (xs: number[], f = 1) => {
    const v = mean(xs);
    return v === undefined ? undefined : v / f;
  };
  return { host, samples: rows.length, cpuBusyPercent: m(idle.map((x) => 100 - x)), memoryUsedMB: m(used, 1024 * 1024), netRecvKBps: m(recv, 1024), netSendKBps: m(send, 1024) };
}

export function summarizeRun(files: RunFiles): RunSummary {
  const producers = files.producers.map((p) => rateSeries(p.id, p.throughput, "sent"));
  const acked = files.producers.reduce((s, p) => s + readCsv(p.throughput).reduce((a, r) => a + Number(r.acked ?? 0), 0), 0);
  const gateways = files.gateways.filter((g) => g.throughput).map((g) => rateSeries(g.id, g.throughput!, "received"));
  const gatewayForwarded = files.gateways.filter((g) => g.throughput).reduce((s, g) => s + rateSeries(g.id, g.throughput!, "forwarded").total, 0);
  const inSink = files.inSink.flatMap((f) => column(f, "latencyMs"));
  const outSink = files.outSink.flatMap((f) => column(f, "latencyMs"));
  const gatewayLatency = files.gateways.filter((g) => g.latency).flatMap((g) => column(g.latency!, "latencyMs"));
  const missingFile = path.join(files.dir, "MISSING.txt");
  return {
    run: path.basename(files.dir),
    frames: {
      sent: producers.reduce((s, p) => s + p.total, 0),
      acked,
      gatewayReceived: gateways.reduce((s, g) => s + g.total, 0),
      gatewayForwarded,
      inSink: inSink.length,
      outSinkWindows: outSink.length,
    },
    latencyMs: { endToEnd: distribution(outSink), fogToCloud: distribution(inSink), gateway: distribution(gatewayLatency) },
    producers,
    gateways,
    hosts: files.dstat.map((d) => hostLoad(d.host, d.file)),
    missing: fs.existsSync(missingFile) ? fs.readFileSync(missingFile, "utf8").split("\n").filter(Boolean) : [],
  };
}
