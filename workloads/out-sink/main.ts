#!/usr/bin/env node
// Out-sink: reads the Flink job's output topic and records end-to-end latency per window result.
import { runLatencySink } from "../shared/latency-sink";
import { parseWindowCount } from "../shared/window-count";

// At-least-once output: a repeated (area, camera, window) is recorded but also counted.
const seen = new Set<string>();

runLatencySink({
  name: "out-sink",
  description: "Record end-to-end latency of every window result on the Kafka output topic.",
  topicHelp: "Kafka output topic",
  columns: [
    "area", "camera", "windowStart", "windowEnd", "frames", "people", "truth", "firstSentTs", "lastSentTs",
    "emitTs", "receivedTs", "partition", "offset", "latencyMs",
  ] as const,
  parse: parseWindowCount,
  extraTotals: { duplicateWindows: 0 },
  row: (w, { receivedTs, partition, offset }, totals) => {
    const key = `${w.area}/${w.camera}/${w.windowStart}`;
    if (seen.has(key)) totals.duplicateWindows++;
    seen.add(key);
    return {
      area: w.area, camera: w.camera, windowStart: w.windowStart, windowEnd: w.windowEnd, frames: w.frames,
      people: w.people, truth: w.truth, firstSentTs: w.firstSentTs, lastSentTs: w.lastSentTs, emitTs: w.emitTs,
      receivedTs, partition, offset, latencyMs: receivedTs - w.lastSentTs,
    };
  },
});
