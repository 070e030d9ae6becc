import * as path from "node:path";
import { Command } from "commander";
import { kafkaBrokers, kafkaTopic, positiveNumber } from "./cli-parsers";
import { CsvFile } from "./csv-file";
import { runProgram } from "./program";
import { SummaryFile } from "./summary-file";
import { readTopic } from "./topic-reader";

interface SinkOptions {
  kafka: string[];
  topic: string;
  metrics: string;
  group: string;
  duration?: number;
}

/** What distinguishes one metrics sink from the other: its topic's records and the CSV row of each. */
export interface SinkSpec<Rec, Col extends string> {
  name: string;
  description: string;
  topicHelp: string;
  columns: readonly Col[];
  parse(text: string): Rec;
  /** The CSV row of one record; `totals` may get counts of its own (e.g. repeats). */
  row(record: Rec, at: { receivedTs: number; partition: number; offset: string }, totals: Record<string, number>): Record<Col, string | number>;
  extraTotals?: Record<string, number>;
}

/**
 * A metrics sink: reads a Kafka topic from its start until SIGTERM (or --duration) and writes one
 * latency.csv row per record, plus summary.json; malformed records are logged, counted and skipped.
 */
export function runLatencySink<Rec, Col extends string>(spec: SinkSpec<Rec, Col>): void {
  const command = new Command(spec.name)
    .description(spec.description)
    .requiredOption("--kafka <brokers>", "Kafka bootstrap servers host:port[,host:port]", kafkaBrokers)
    .requiredOption("--topic <topic>", spec.topicHelp, kafkaTopic)
    .requiredOption("--metrics <dir>", "folder for latency.csv and summary.json")
    .option("--group <id>", "consumer group (default: a new one, so the topic is read from its start)", `${spec.name}-${Date.now()}-${process.pid}`)
    .option("--duration <seconds>", "stop after this long (default: run until SIGTERM)", positiveNumber);

  runProgram<SinkOptions>(command, process.argv, async (o, stop) => {
    const csv = new CsvFile<Record<Col, string | number>>(path.join(o.metrics, "latency.csv"), spec.columns);
    const totals: Record<string, number> = { received: 0, malformed: 0, ...spec.extraTotals };
    const summary = new SummaryFile(path.join(o.metrics, "summary.json"), () => totals, Object.keys(totals));
    try {
      await readTopic({
        clientId: spec.name, brokers: o.kafka, topic: o.topic, groupId: o.group, stop,
        durationMs: o.duration ? o.duration * 1000 : undefined,
        onMessage: (m, partition, receivedTs) => {
          let r: Rec;
          try {
            r = spec.parse(m.value?.toString("utf8") ?? "");
          } catch (e) {
            totals.malformed++;
            console.error(`${spec.name}: skipping malformed record ${partition}@${m.offset} (#${totals.malformed}): ${e instanceof Error ? e.message : String(e)}`);
            return;
          }
          totals.received++;
          csv.write(spec.row(r, { receivedTs, partition, offset: m.offset }, totals));
        },
      });
    } finally {
      await csv.close();
      summary.close();
    }
  });
}
