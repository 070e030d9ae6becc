import * as fs from "fs";
import * as path from "path";

/** The metrics files of one run's results folder, found by what they are rather than by exact path. */
export interface RunFiles {
  dir: string;
  /** Producer id (its path under producers/) -> throughput.csv. */
  producers: { id: string; throughput: string }[];
  gateways: { id: string; latency?: string; throughput?: string }[];
  inSink: string[];
  outSink: string[];
  dstat: { host: string; file: string }[];
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/**
 * The layout E2Clab's seed produces (experiment-results/producers, gateways, sinks/in-sink, sinks/out-sink;
 * dstat/), with files as fetch leaves them: under `<dest>/<host>/<source path>` unless fetched flat.
 */
export function findRunFiles(dir: string): RunFiles {
  const results = path.join(dir, "experiment-results");
  const idOf = (root: string, file: string) => path.relative(root, path.dirname(file)) || path.basename(root);
  const producersRoot = path.join(results, "producers");
  const gatewaysRoot = path.join(results, "gateways");
  const gateways = new Map<string, { id: string; latency?: string; throughput?: string }>();
  for (const f of walk(gatewaysRoot)) {
    const kind = path.basename(f);
    if (kind !== "latency.csv" && kind !== "throughput.csv") continue;
    const id = idOf(gatewaysRoot, f);
    const g = gateways.get(id) ?? { id };
    g[kind === "latency.csv" ? "latency" : "throughput"] = f;
    gateways.set(id, g);
  }
  return {
    dir,
    producers: walk(producersRoot)
      .filter((f) => path.basename(f) === "throughput.csv")
      .map((f) => ({ id: idOf(producersRoot, f), throughput: f }))
      .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true })),
    gateways: [...gateways.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true })),
    inSink: walk(path.join(results, "sinks", "in-sink")).filter((f) => path.basename(f) === "latency.csv"),
    outSink: walk(path.join(results, "sinks", "out-sink")).filter((f) => path.basename(f) === "latency.csv"),
    dstat: walk(path.join(dir, "dstat"))
      .filter((f) => f.endsWith(".csv"))
      .map((f) => ({ host: path.basename(f, ".csv"), file: f }))
      .sort((a, b) => a.host.localeCompare(b.host, undefined, { numeric: true })),
  };
}

/** Run folders are named by their start time, as E2Clab names them. */
export const RUN_DIR_PATTERN = /^\d{8}-\d{6}$/;

export function runDirsIn(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && RUN_DIR_PATTERN.test(e.name))
    .map((e) => path.join(dir, e.name))
    .sort();
}
