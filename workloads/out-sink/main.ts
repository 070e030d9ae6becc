#!/usr/bin/env node
// Out-sink: reads the Flink job's output topic and records end-to-end latency per window result.
import * as path from "node:path";
import { Command } from "commander";
import { kafkaBrokers, kafkaTopic, positiveNumber } from "../shared/cli-parsers";
import { CsvFile } from "../shared/csv-file";
import { runProgram } from "../shared/program";
import { SummaryFile } from "../shared/summary-file";
import { readTopic } from "../shared/topic-reader";
import { parseWindowCount } from "../shared/window-count";

interface Options {
  kafka: string[];
  topic: string;
  metrics: string;
  group: string;
  duration?: number;
}

const command = new Command("out-sink")
  .description("Record end-to-end latency of every window result on the Kafka output topic.")
  .requiredOption("--kafka <brokers>", "Kafka bootstrap servers host:port[,host:port]", kafkaBrokers)
  .requiredOption("--topic <topic>", "Kafka output topic", kafkaTopic)
  .requiredOption("--metrics <dir>", "folder for latency.csv and summary.json")
  .option("--group <id>", "consumer group (default: a new one, so the topic is read from its start)", `out-sink-${Date.now()}-${process.pid}`)
  .option("--duration <seconds>", "stop after this long (default: run until SIGTERM)", positiveNumber);

runProgram<Options>(command, process.argv, async (o, stop) => {
  const csv = new CsvFile(path.join(o.metrics, "latency.csv"), [
    "area", "camera", "windowStart", "windowEnd", "frames", "people", "truth", "firstSentTs", "lastSentTs",
    "emitTs", "receivedTs", "partition", "offset", "latencyMs",
  ] as const);
  // At-least-once output: a repeated (area, camera, window) is recorded but also counted.
  const seen = new Set<string>();
  const totals = { received: 0, malformed: 0, duplicateWindows: 0 };
  const summary = new SummaryFile(path.join(o.metrics, "summary.json"), () => totals);
  try {
    await readTopic({
      clientId: "out-sink", brokers: o.kafka, topic: o.topic, groupId: o.group, stop,
      durationMs: o.duration ? o.duration * 1000 : undefined,
      onMessage: (m, partition, receivedTs) => {
        let w;
        try {
          w = parseWindowCount(m.value?.toString("utf8") ?? "");
        } catch (e) {
          totals.malformed++;
          console.error(`out-sink: skipping malformed record ${partition}@${m.offset} (#${totals.malformed}): ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
        totals.received++;
        const key = `${w.area}/${w.camera}/${w.windowStart}`;
        if (seen.has(key)) totals.duplicateWindows++;
        seen.add(key);
        csv.write({
          area: w.area, camera: w.camera, windowStart: w.windowStart, windowEnd: w.windowEnd, frames: w.frames,
          people: w.people, truth: w.truth, firstSentTs: w.firstSentTs, lastSentTs: w.lastSentTs, emitTs: w.emitTs,
          receivedTs, partition, offset: m.offset, latencyMs: receivedTs - w.lastSentTs,
        });
      },
    });
  } finally {
    await csv.close();
    summary.close();
  }
});
