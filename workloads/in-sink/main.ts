#!/usr/bin/env node
// In-sink: reads the Kafka input topic and records fog-to-cloud latency per frame result.
import { parseFrameResult } from "../shared/frame-result";
import { runLatencySink } from "../shared/latency-sink";

runLatencySink({
  name: "in-sink",
  description: "Record fog-to-cloud latency of every result on the Kafka input topic.",
  topicHelp: "Kafka input topic",
  columns: ["camera", "seq", "area", "gateway", "people", "truth", "sentTs", "gatewaySendTs", "receivedTs", "partition", "offset", "latencyMs"] as const,
  parse: parseFrameResult,
  row: (r, { receivedTs, partition, offset }) => ({
    camera: r.camera, seq: r.seq, area: r.area, gateway: r.gateway, people: r.people, truth: r.truth,
    sentTs: r.sentTs, gatewaySendTs: r.gatewaySendTs, receivedTs, partition, offset,
    latencyMs: receivedTs - r.gatewaySendTs,
  }),
});
