import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
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

/** One line of `clock-offsets.csv`: the host's clock minus the deployer's; figures absent when it did not answer. */
export interface ClockReading {
  host: string;
  offsetMs?: number;
  roundTripMs?: number;
  measuredTs?: number;
}

/** The rows of one sink's metrics file and the host (collector) that wrote them. */
export interface SinkRows {
  host?: string;
  rows: Row[];
}

/** Every metrics file of a run, each read once; the summary and the charts both work from this. */
export interface RunData {
  dir: string;
  /** `label` names the producer for people: its host and camera number. */
  producers: { id: string; host?: string; camera?: number; label: string; throughput: Row[] }[];
  /** `gateway` is the gateway's own id (its `--id`, the `gateway` column of the in-sink's records). */
  gateways: { id: string; host?: string; gateway?: string; label: string; latency: Row[]; throughput: Row[] }[];
  inSink: Row[];
  outSink: Row[];
  /** The same rows as inSink and outSink, by the file (and so the host) they came from. */
  sinks: { inSink: SinkRows[]; outSink: SinkRows[] };
  hosts: { host: string; samples: HostSample[] }[];
  /** Clock offsets measured at launch and at the end of the run (no end file: not measured). */
  clocks: { launch: ClockReading[]; end?: ClockReading[] };
  /** Service id -> host, from `layers_services-validate.yaml` (empty when the file is absent). */
  serviceHosts: Map<string, string>;
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

function readClocks(file: string): ClockReading[] {
  const figure = (v: number | string | undefined) => (typeof v === "number" ? v : undefined);
  return readCsv(file).map((r) => ({ host: String(r.host), offsetMs: figure(r.offsetMs), roundTripMs: figure(r.roundTripMs), measuredTs: figure(r.measuredTs) }));
}

/** `layers: {layer: {serviceId: {host, ...}}}` as RunRecords writes it. */
function readServiceHosts(file: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!file) return out;
  const doc = parseYaml(fs.readFileSync(file, "utf8")) as { layers?: Record<string, Record<string, { host?: string }>> } | null;
  for (const services of Object.values(doc?.layers ?? {})) {
    for (const [id, s] of Object.entries(services ?? {})) if (s?.host) out.set(id, s.host);
  }
  return out;
}

function readJson(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return {};
  }
}

export function loadRun(files: RunFiles): RunData {
  const missing = path.join(files.dir, "missing.txt");
  const sink = (fs_: RunFiles["inSink"]): SinkRows[] => fs_.map((f) => ({ host: f.host, rows: readCsv(f.file) }));
  const inSink = sink(files.inSink);
  const outSink = sink(files.outSink);
  return {
    dir: files.dir,
    producers: files.producers.map((p) => {
      const camera = readJson(p.summary).camera;
      const cam = typeof camera === "number" ? camera : undefined;
      const label = p.host && cam !== undefined ? `${p.host} camera ${cam}` : cam !== undefined ? `camera ${cam}` : p.id;
      return { id: p.id, host: p.host, camera: cam, label, throughput: readCsv(p.throughput) };
    }),
    gateways: files.gateways.map((g) => {
      const id = readJson(g.summary).gateway;
      const gateway = typeof id === "string" ? id : undefined;
      const label = g.host ? (gateway ? `${g.host} (${gateway})` : g.host) : (gateway ?? g.id);
      return { id: g.id, host: g.host, gateway, label, latency: g.latency ? readCsv(g.latency) : [], throughput: g.throughput ? readCsv(g.throughput) : [] };
    }),
    inSink: inSink.flatMap((s) => s.rows),
    outSink: outSink.flatMap((s) => s.rows),
    sinks: { inSink, outSink },
    hosts: files.dstat.map((d) => ({ host: d.host, samples: hostSamples(d.file) })),
    clocks: {
      launch: files.clockOffsets.launch ? readClocks(files.clockOffsets.launch) : [],
      end: files.clockOffsets.end ? readClocks(files.clockOffsets.end) : undefined,
    },
    serviceHosts: readServiceHosts(files.services),
    missing: fs.existsSync(missing) ? fs.readFileSync(missing, "utf8").split("\n").filter(Boolean) : [],
  };
}
