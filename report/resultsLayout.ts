import * as fs from "fs";
import * as path from "path";

/** A metrics file and the host that wrote it (unknown when the file was fetched flat). */
export interface MetricsFile {
  file: string;
  host?: string;
}

/** The metrics files of one run's results folder, found by what they are rather than by exact path. */
export interface RunFiles {
  dir: string;
  /** Producer id (its path under producers/) -> throughput.csv and the camera's summary.json. */
  producers: { id: string; host?: string; throughput: string; summary?: string }[];
  gateways: { id: string; host?: string; latency?: string; throughput?: string; summary?: string }[];
  inSink: MetricsFile[];
  outSink: MetricsFile[];
  dstat: { host: string; file: string }[];
  /** Each host's clock minus the deployer's, measured at launch and at the end of the run. */
  clockOffsets: { launch?: string; end?: string };
  /** E2Clab's `layers_services-validate.yaml`: which service (gateway id) ran on which host. */
  services?: string;
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/**
 * The host of a fetched file: fetch puts files under `<dest>/<host>/<source path>`, so the first folder
 * under the destination; a file fetched flat (directly in `<dest>`) has none.
 */
function hostOf(root: string, file: string): string | undefined {
  const parts = path.relative(root, file).split(path.sep);
  return parts.length > 1 ? parts[0] : undefined;
}

const existing = (file: string) => (fs.existsSync(file) ? file : undefined);

/**
 * The layout E2Clab's seed produces (experiment-results/producers, gateways, sinks/in-sink, sinks/out-sink;
 * dstat/), with files as fetch leaves them: under `<dest>/<host>/<source path>` unless fetched flat.
 */
export function findRunFiles(dir: string): RunFiles {
  const results = path.join(dir, "experiment-results");
  const idOf = (root: string, file: string) => path.relative(root, path.dirname(file)) || path.basename(root);
  const producersRoot = path.join(results, "producers");
  const gatewaysRoot = path.join(results, "gateways");
  const gateways = new Map<string, RunFiles["gateways"][number]>();
  for (const f of walk(gatewaysRoot)) {
    const kind = ({ "latency.csv": "latency", "throughput.csv": "throughput", "summary.json": "summary" } as const)[path.basename(f)];
    if (!kind) continue;
    const id = idOf(gatewaysRoot, f);
    const g = gateways.get(id) ?? { id, host: hostOf(gatewaysRoot, f) };
    g[kind] = f;
    gateways.set(id, g);
  }
  const sinkFiles = (root: string) =>
    walk(root)
      .filter((f) => path.basename(f) === "latency.csv")
      .map((file) => ({ file, host: hostOf(root, file) }));
  return {
    dir,
    producers: walk(producersRoot)
      .filter((f) => path.basename(f) === "throughput.csv")
      .map((f) => ({ id: idOf(producersRoot, f), host: hostOf(producersRoot, f), throughput: f, summary: existing(path.join(path.dirname(f), "summary.json")) }))
      .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true })),
    gateways: [...gateways.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true })),
    inSink: sinkFiles(path.join(results, "sinks", "in-sink")),
    outSink: sinkFiles(path.join(results, "sinks", "out-sink")),
    dstat: walk(path.join(dir, "dstat"))
      .filter((f) => f.endsWith(".csv"))
      .map((f) => ({ host: path.basename(f, ".csv"), file: f }))
      .sort((a, b) => a.host.localeCompare(b.host, undefined, { numeric: true })),
    clockOffsets: { launch: existing(path.join(dir, "clock-offsets.csv")), end: existing(path.join(dir, "clock-offsets-end.csv")) },
    services: existing(path.join(dir, "layers_services-validate.yaml")),
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
