import { Row, RunData } from "./runData";

/** The latencies the report gives; each subtracts a send time from a receive time. */
export type Measure = "endToEnd" | "fogToCloud" | "gateway";
export const MEASURES: readonly Measure[] = ["endToEnd", "fogToCloud", "gateway"];

export const MEASURE_NAMES: Record<Measure, string> = {
  endToEnd: "end-to-end (out-sink)",
  fogToCloud: "fog-to-cloud (in-sink)",
  gateway: "gateway (camera send to Kafka ack)",
};

/** Which timestamps of which file each measure subtracts, and which host's clock wrote each. */
export const MEASURE_CLOCKS: Record<Measure, { send: string; receive: string }> = {
  endToEnd: { send: "lastSentTs: camera, on its edge host", receive: "receivedTs: out-sink, on the collector" },
  fogToCloud: { send: "gatewaySendTs: gateway, on its fog host", receive: "receivedTs: in-sink, on the collector" },
  gateway: { send: "sentTs: camera, on its edge host", receive: "ackedTs: gateway, on its fog host" },
};

/** One latency sample: when and on which host its two ends were stamped. */
export interface LatencyRecord {
  sendTs: number;
  receiveTs: number;
  /** As the file has it (receive minus send, each on its own host's clock). */
  latencyMs: number;
  /** Hosts whose clocks stamped sendTs and receiveTs; undefined where the results do not say. */
  sendHost?: string;
  receiveHost?: string;
}

/**
 * Every latency record of a run, with the hosts that stamped it: a camera's host is the producer folder
 * its summary.json names it in, a gateway's host is the folder of its metrics (or, for a gateway id only the
 * records name, `layers_services-validate.yaml`), a sink's host is the folder of its file.
 */
export function latencyRecords(data: RunData): Record<Measure, LatencyRecord[]> {
  const cameraHost = new Map<number, string>();
  for (const p of data.producers) if (p.camera !== undefined && p.host) cameraHost.set(p.camera, p.host);
  const gatewayHost = new Map<string, string>(data.serviceHosts);
  for (const g of data.gateways) if (g.gateway && g.host) gatewayHost.set(g.gateway, g.host);
  const record = (r: Row, send: string, receive: string, sendHost?: string, receiveHost?: string): LatencyRecord => ({
    sendTs: Number(r[send]),
    receiveTs: Number(r[receive]),
    latencyMs: Number(r.latencyMs),
    sendHost,
    receiveHost,
  });
  return {
    endToEnd: data.sinks.outSink.flatMap((s) => s.rows.map((r) => record(r, "lastSentTs", "receivedTs", cameraHost.get(Number(r.camera)), s.host))),
    fogToCloud: data.sinks.inSink.flatMap((s) => s.rows.map((r) => record(r, "gatewaySendTs", "receivedTs", gatewayHost.get(String(r.gateway)), s.host))),
    gateway: data.gateways.flatMap((g) => g.latency.map((r) => record(r, "sentTs", "ackedTs", cameraHost.get(Number(r.camera)), g.host))),
  };
}
