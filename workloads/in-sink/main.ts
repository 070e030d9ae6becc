#!/usr/bin/env node
// In-sink: reads the Kafka input topic and records fog-to-cloud latency per frame result.
import * as path from "node:path";
import { Command } from "commander";
import { kafkaBrokers, kafkaTopic, positiveNumber } from "../shared/cli-parsers";
import { CsvFile } from "../shared/csv-file";
import { parseFrameResult } from "../shared/frame-result";
import { runProgram } from "../shared/program";
import { SummaryFile } from "../shared/summary-file";
import { readTopic } from "../shared/topic-reader";

interface Options {
  kafka: string[];
  topic: string;
  metrics: string;
  group: string;
  duration?: number;
}

const command = new Command("in-sink")
  .description("Record fog-to-cloud latency of every result on the Kafka input topic.")
  .requiredOption("--kafka <brokers>", "Kafka bootstrap servers host:port[,host:port]", kafkaBrokers)
  .requiredOption("--topic <topic>", "Kafka input topic", kafkaTopic)
  .requiredOption("--metrics <dir>", "folder for latency.csv and summary.json")
  .option("--group <id>", "consumer group (default: a new one, so the topic is read from its start)", `in-sink-${Date.now()}-${process.pid}`)
  .option("--duration <seconds>", "stop after this long (default: run until SIGTERM)", positiveNumber);

runProgram<Options>(command, process.argv, async (o, stop) => {
  const csv = new CsvFile(path.join(o.metrics, "latency.csv"), [
    "camera", "seq", "area", "gateway", "people", "truth", "sentTs", "gatewaySendTs", "receivedTs", "partition", "offset", "latencyMs",
  ] as const);
  const totals = { received: 0, malformed: 0 };
  const summary = new SummaryFile(path.join(o.metrics, "summary.json"), () => totals);
  try {
    await readTopic({
      clientId: "in-sink", brokers: o.kafka, topic: o.topic, groupId: o.group, stop,
      durationMs: o.duration ? o.duration * 1000 : undefined,
      onMessage: (m, partition, receivedTs) => {
        let r;
        try {
          r = parseFrameResult(m.value?.toString("utf8") ?? "");
        } catch (e) {
          totals.malformed++;
          console.error(`in-sink: skipping malformed record ${partition}@${m.offset} (#${totals.malformed}): ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
        totals.received++;
        csv.write({
          camera: r.camera, seq: r.seq, area: r.area, gateway: r.gateway, people: r.people, truth: r.truth,
          sentTs: r.sentTs, gatewaySendTs: r.gatewaySendTs, receivedTs, partition, offset: m.offset,
          latencyMs: receivedTs - r.gatewaySendTs,
        });
      },
    });
  } finally {
    await csv.close();
    summary.close();
  }
});
