import * as fs from "fs";
import * as path from "path";

/**
 * A recorded run written from a known truth: three cameras (one per edge host), one gateway, one collector,
 * one Flink host, each host's clock = true time + a known offset that may drift. The files are what the
 * applications would have written (each timestamp on the clock of the host that stamps it) in the layout
 * fetch leaves. `truth` keeps, per record, its true latency and the phase it was generated in, so a test
 * can work out the expected figures by itself.
 *
 * Timeline (seconds after T0): cameras 1, 2, 3 send from 0, 2, 1 to 59, 59, 49 (one frame a second); the
 * Flink job starts at 8, so the windows of seconds 0-7 arrive together at 8 (warm-up backlog); the last
 * window of each camera waits for the idle flush at 65 (drain). Steady state with the default 10 s warm-up:
 * every camera sends from 3, first result at 8 (7.996 on the collector's clock), start 17.996, end 49 (camera 3's
 * last second).
 */
export const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
export const FLINK_START = T0 + 8_000;
/** The steady state the report should find (default margins), in true time: the fixture tags records by it. */
export const STEADY_START = FLINK_START - 4 + 10_000;
export const STEADY_END = T0 + 49_000;
export const IDLE_FLUSH = T0 + 65_000;
export const CAMERAS = [
  { camera: 1, host: "e2c-edge-1", from: 0, to: 59 },
  { camera: 2, host: "e2c-edge-2", from: 2, to: 59 },
  { camera: 3, host: "e2c-edge-3", from: 1, to: 49 },
];
export const GATEWAY = { id: "fog.mosquitto.1.1", host: "e2c-fog-1" };
export const COLLECTOR = "e2c-collector";
export const FLINK = "e2c-cloud";

/** Clock offsets (host minus deployer), as measured: launch and end, with round trips; absent = not measured. */
interface Reading {
  offsetMs: number;
  roundTripMs: number;
  measuredTs: number;
}
export const LAUNCH_TS = T0 - 10_000;
export const END_TS = T0 + 70_000;
export const CLOCKS: Record<string, { launch?: Reading; end?: Reading }> = {
  // edge-1 drifts by +2 ms over the 80 s between the measurements (25 ppm)
  "e2c-edge-1": { launch: { offsetMs: 3, roundTripMs: 2, measuredTs: LAUNCH_TS }, end: { offsetMs: 5, roundTripMs: 4, measuredTs: END_TS } },
  // edge-2 did not answer at the end
  "e2c-edge-2": { launch: { offsetMs: -2, roundTripMs: 4, measuredTs: LAUNCH_TS } },
  // edge-3 is in neither file: its records cannot be corrected
  [GATEWAY.host]: { launch: { offsetMs: 7, roundTripMs: 2, measuredTs: LAUNCH_TS }, end: { offsetMs: 7, roundTripMs: 2, measuredTs: END_TS } },
  [COLLECTOR]: { launch: { offsetMs: -4, roundTripMs: 2, measuredTs: LAUNCH_TS }, end: { offsetMs: -4, roundTripMs: 2, measuredTs: END_TS } },
  // the Flink host did not answer at launch (an empty line), nor at the end
  [FLINK]: {},
};

/** The physical model the report must invert: a host's clock reads true time plus its (drifting) offset. */
export function trueOffset(host: string, t: number): number | undefined {
  const c = CLOCKS[host];
  const a = c?.launch;
  const b = c?.end;
  if (a && b) return a.offsetMs + ((b.offsetMs - a.offsetMs) * Math.min(1, Math.max(0, (t - a.measuredTs) / (b.measuredTs - a.measuredTs))));
  return (a ?? b)?.offsetMs;
}
/** Hosts without a measurement keep a clock off by an amount nobody knows. */
const stamp = (host: string, t: number) => t + (trueOffset(host, t) ?? 11);

export type Phase = "warmup" | "steady" | "other" | "drain";
export interface TruthRecord {
  camera: number;
  second: number;
  trueMs: number;
  rawMs: number;
  phase: Phase;
}

export interface Truth {
  endToEnd: TruthRecord[];
  fogToCloud: TruthRecord[];
  gateway: TruthRecord[];
}

const csv = (header: string[], rows: (string | number)[][]) => [header.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n";

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Writes a run folder `<root>/<name>`; `slower` adds that many ms to every live window's latency. */
export function writeRecordedRun(root: string, name: string, slower = 0): { dir: string; truth: Truth } {
  const dir = path.join(root, name);
  const results = path.join(dir, "experiment-results");
  const truth: Truth = { endToEnd: [], fogToCloud: [], gateway: [] };
  const gatewayRows: (string | number)[][] = [];
  const inRows: (string | number)[][] = [];
  const outRows: (string | number)[][] = [];
  let backlog = 0;
  for (const c of CAMERAS) {
    const throughput: (string | number)[][] = [];
    for (let s = 0; s < 60; s++) {
      const sending = s >= c.from && s <= c.to;
      throughput.push([T0 + s * 1000, sending ? 1 : 0, sending ? 1 : 0, sending ? 4840 : 0]);
      if (!sending) continue;
      const t = T0 + s * 1000 + 100 * c.camera + 400; // true send time of the camera's frame of second s
      // steady when both ends fall in the interval; no end within 20 ms of its edges, so clock offsets
      // (at most 11 ms here) cannot move a record across
      const tag = (send: number, receive: number): Phase => {
        for (const x of [send, receive]) for (const edge of [STEADY_START, STEADY_END]) if (Math.abs(x - edge) < 20) throw new Error(`fixture: ${x - T0} ms is too close to an edge`);
        return send >= STEADY_START && receive <= STEADY_END ? "steady" : "other";
      };
      // camera -> gateway (acked by Kafka)
      const g = 30 + ((s * 7) % 20);
      const sentTs = stamp(c.host, t);
      const ackedTs = stamp(GATEWAY.host, t + g);
      gatewayRows.push([c.camera, s, sentTs, stamp(GATEWAY.host, t + 5), ackedTs, 1, 1, ackedTs - sentTs]);
      truth.gateway.push({ camera: c.camera, second: s, trueMs: g, rawMs: ackedTs - sentTs, phase: tag(t, t + g) });
      // gateway hand-off -> in-sink on the collector
      const f = 10 + ((s * 13) % 30);
      const handOff = stamp(GATEWAY.host, t + 20);
      const inRecv = stamp(COLLECTOR, t + 20 + f);
      inRows.push([c.camera, s, "area-1", GATEWAY.id, 1, 1, sentTs, handOff, inRecv, 0, inRows.length, inRecv - handOff]);
      truth.fogToCloud.push({ camera: c.camera, second: s, trueMs: f, rawMs: inRecv - handOff, phase: tag(t + 20, t + 20 + f) });
      // the window of second s -> out-sink on the collector
      let received: number;
      let phase: Phase;
      if (s === c.to) {
        received = IDLE_FLUSH;
        phase = "drain";
      } else if (t < FLINK_START) {
        received = FLINK_START + 10 * backlog++;
        phase = "warmup";
      } else {
        received = t + 600 + ((s * 37) % 100) * 3 + slower;
        phase = tag(t, received);
      }
      const lastSent = stamp(c.host, t);
      const outRecv = stamp(COLLECTOR, received);
      outRows.push(["area-1", c.camera, T0 + s * 1000, T0 + (s + 1) * 1000, 1, 1, 1, lastSent, lastSent, stamp(FLINK, received - 5), outRecv, 0, outRows.length, outRecv - lastSent]);
      truth.endToEnd.push({ camera: c.camera, second: s, trueMs: received - t, rawMs: outRecv - lastSent, phase });
    }
    const metrics = path.join(results, "producers", c.host, "var/tmp/e2c", c.host, `metrics-${c.camera}`);
    write(path.join(metrics, "throughput.csv"), csv(["second", "sent", "acked", "bytes"], throughput));
    write(path.join(metrics, "summary.json"), JSON.stringify({ camera: c.camera, area: "area-1", fps: 1, sent: c.to - c.from + 1, final: true }));
  }
  const gw = path.join(results, "gateways", GATEWAY.host, "var/tmp/e2c", GATEWAY.host, "metrics");
  write(path.join(gw, "latency.csv"), csv(["camera", "seq", "sentTs", "receivedTs", "ackedTs", "people", "truth", "latencyMs"], gatewayRows));
  write(
    path.join(gw, "throughput.csv"),
    csv(["second", "received", "forwarded", "malformed"], Array.from({ length: 60 }, (_, s) => [T0 + s * 1000, CAMERAS.filter((c) => s >= c.from && s <= c.to).length, CAMERAS.filter((c) => s >= c.from && s <= c.to).length, 0])),
  );
  write(path.join(gw, "summary.json"), JSON.stringify({ gateway: GATEWAY.id, received: gatewayRows.length, final: true }));
  const sinks = path.join(results, "sinks");
  write(
    path.join(sinks, "in-sink", COLLECTOR, "var/tmp/e2c", COLLECTOR, "metrics/in-sink/latency.csv"),
    csv(["camera", "seq", "area", "gateway", "people", "truth", "sentTs", "gatewaySendTs", "receivedTs", "partition", "offset", "latencyMs"], inRows),
  );
  write(
    path.join(sinks, "out-sink", COLLECTOR, "var/tmp/e2c", COLLECTOR, "metrics/out-sink/latency.csv"),
    csv(["area", "camera", "windowStart", "windowEnd", "frames", "people", "truth", "firstSentTs", "lastSentTs", "emitTs", "receivedTs", "partition", "offset", "latencyMs"], outRows),
  );
  const layers = {
    cloud: { "cloud.flink.1.job_manager.1": { host: FLINK } },
    fog: { [GATEWAY.id]: { host: GATEWAY.host } },
    edge: Object.fromEntries(CAMERAS.map((c) => [`edge.producer.${c.camera}.1`, { host: c.host }])),
    experiment_manager: { "experiment_manager.metrics_collector.1.1": { host: COLLECTOR } },
  };
  write(path.join(dir, "layers_services-validate.yaml"), JSON.stringify({ stack: "recorded", layers })); // JSON is YAML
  const clockFile = (phase: "launch" | "end") =>
    csv(
      ["host", "offsetMs", "roundTripMs", "measuredTs"],
      Object.entries(CLOCKS).map(([host, c]) => {
        const r = c[phase];
        return r ? [host, r.offsetMs, r.roundTripMs, r.measuredTs] : [host, "", "", phase === "launch" ? LAUNCH_TS : END_TS];
      }),
    );
  write(path.join(dir, "clock-offsets.csv"), clockFile("launch"));
  write(path.join(dir, "clock-offsets-end.csv"), clockFile("end"));
  return { dir, truth };
}
