import * as fs from "fs";
import * as path from "path";
import { readCsv, readDstatCsv } from "./csvTable";
import { RunFiles } from "./resultsLayout";

export type Row = Record<string, number | string>;

/** One dstat sample in the units the report shows: %, MB, KB/s; `t` is ms since epoch, or the sample index. */
export interface HostSample {
  t: number;
  cpuBusyPercent: number;
  memoryUsedMB: number;
  netRecvKBps: number;
  netSendKBps: number;
}

/** Every metrics file of a run, each read once; the summary and the charts both work from this. */
export interface RunData {
  dir: string;
  producers: { id: string; throughput: Row[] }[];
  gateways: { id: string; latency: Row[]; throughput: Row[] }[];
  inSink: Row[];
  outSink: Row[];
  hosts: { host: string; samples: HostSample[] }[];
  /** Lines of the run's `missing.txt` (what destroy could not collect). */
  missing: string[];
}

/** dstat writes bytes; columns come back as `group/column`, found by their column name. */
function hostSamples(file: string): HostSample[] {
  return readDstatCsv(file).map((r, i) => {
    const get = (column: string) => Object.entries(r).find(([k]) => k.endsWith(`/${column}`))?.[1] ?? NaN;
    const epoch = get("epoch");
    return {
      t: Number.isFinite(epoch) ? epoch * 1000 : i,
      cpuBusyPercent: 100 - get("idl"),
      memoryUsedMB: get("used") / (1024 * 1024),
      netRecvKBps: get("recv") / 1024,
      netSendKBps: get("send") / 1024,
    };
  });
}

export function loadRun(files: RunFiles): RunData {
  const missing = path.join(files.dir, "missing.txt");
  return {
    dir: files.dir,
    producers: files.producers.map((p) => ({ id: p.id, throughput: readCsv(p.throughput) })),
    gateways: files.gateways.map((g) => ({ id: g.id, latency: g.latency ? readCsv(g.latency) : [], throughput: g.throughput ? readCsv(g.throughput) : [] })),
    inSink: files.inSink.flatMap(readCsv),
    outSink: files.outSink.flatMap(readCsv),
    hosts: files.dstat.map((d) => ({ host: d.host, samples: hostSamples(d.file) })),
    missing: fs.existsSync(missing) ? fs.readFileSync(missing, "utf8").split("\n").filter(Boolean) : [],
  };
}
