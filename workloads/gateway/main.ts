#!/usr/bin/env node
// Fog gateway: MQTT frames in, people counted from the pixels, compact results out to Kafka.
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { Partitioners } from "kafkajs";
import { kafkaBrokers, kafkaTopic, mqttTopic, mqttUrl, positiveInt, positiveNumber } from "../shared/cli-parsers";
import { CsvFile } from "../shared/csv-file";
import { decodeFrame } from "../shared/frame-message";
import { connectKafka, COORDINATOR_RETRY, kafkaClient, requireTopic } from "../shared/kafka-connection";
import { connectMqtt } from "../shared/mqtt-connection";
import { PerSecondCounter } from "../shared/per-second-counter";
import { runProgram, sleep } from "../shared/program";
import { SummaryFile } from "../shared/summary-file";
import { KafkaForwarder } from "./kafka-forwarder";
import { countPeople, DEFAULT_COUNT_OPTIONS } from "./people-counter";

interface Options {
  id: string;
  mqtt: string;
  mqttTopic: string;
  kafka: string[];
  kafkaTopic: string;
  metrics: string;
  batchSize: number;
  lingerMs: number;
  maxPending: number;
  duration?: number;
  minArea: number;
  connectTimeout: number;
}

const command = new Command("gateway")
  .description("Subscribe to camera frames on MQTT, count people in each frame, forward results to Kafka.")
  .requiredOption("--mqtt <url>", "MQTT broker URL (the fog node's Mosquitto)", mqttUrl)
  .requiredOption("--mqtt-topic <topic>", "MQTT topic the cameras publish to", mqttTopic)
  .requiredOption("--kafka <brokers>", "Kafka bootstrap servers host:port[,host:port]", kafkaBrokers)
  .requiredOption("--kafka-topic <topic>", "Kafka input topic", kafkaTopic)
  .requiredOption("--metrics <dir>", "folder for latency.csv, throughput.csv, summary.json")
  .option("--id <name>", "gateway name (MQTT client id and the result's gateway field)", `gateway-${process.pid}`)
  .option("--batch-size <n>", "results per Kafka batch", positiveInt, 100)
  .option("--linger-ms <ms>", "wait at most this long to fill a batch", positiveInt, 10)
  .option("--max-pending <n>", "results queued for Kafka before MQTT intake pauses", positiveInt, 5000)
  .option("--duration <seconds>", "stop after this long (default: run until SIGTERM)", positiveNumber)
  .option("--min-area <px>", "smallest region counted as a person", positiveInt, DEFAULT_COUNT_OPTIONS.minArea)
  .option("--connect-timeout <ms>", "give up if a broker is unreachable this long", positiveInt, 10000);

runProgram<Options>(command, process.argv, async (o, stop) => {
  await requireTopic(o.id, o.kafka, o.kafkaTopic);
  const kafka = kafkaClient(o.id, o.kafka, COORDINATOR_RETRY);
  // Idempotent + acks=all: broker-side retries cannot duplicate or reorder a batch.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    // kafkajs requires unbounded retries for idempotence; reachability was checked just above.
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 3000 },
  });
  await connectKafka("producer", o.kafka, () => producer.connect());

  const latency = new CsvFile(path.join(o.metrics, "latency.csv"), [
    "camera", "seq", "sentTs", "receivedTs", "ackedTs", "people", "truth", "latencyMs",
  ] as const);
  const throughput = new PerSecondCounter(path.join(o.metrics, "throughput.csv"), ["received", "forwarded", "malformed"] as const);
  const totals = { gateway: o.id, received: 0, forwarded: 0, malformed: 0, mismatches: 0, pending: 0, kafkaSendFailures: 0, lost: 0 };
  const forwarder = new KafkaForwarder(producer, o.kafkaTopic, o.batchSize, o.lingerMs, o.maxPending, (batch, ackedTs) => {
    totals.forwarded += batch.length;
    throughput.add("forwarded", batch.length, ackedTs);
    for (const r of batch) {
      latency.write({
        camera: r.camera, seq: r.seq, sentTs: r.sentTs, receivedTs: r.gatewayRecvTs, ackedTs,
        people: r.people, truth: r.truth, latencyMs: ackedTs - r.sentTs,
      });
    }
  });
  // Counts add up over the gateway's starts (a restart continues its files); `pending` is this start's.
  const summary = new SummaryFile(path.join(o.metrics, "summary.json"), () => ({
    ...totals, pending: forwarder.pendingCount, kafkaSendFailures: forwarder.failedSends,
  }), ["received", "forwarded", "malformed", "mismatches", "kafkaSendFailures", "lost"]);

  // A persistent session (clean=false): frames published while the gateway reconnects stay queued.
  const client = await connectMqtt(o.mqtt, o.id, o.connectTimeout, false).catch(async (e) => {
    await producer.disconnect();
    throw e;
  });
  // mqtt.js sends the PUBACK when this callback is called: only after the result is queued for Kafka.
  client.handleMessage = (packet, done) => {
    const receivedTs = Date.now();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    let frame;
    try {
      frame = decodeFrame(payload);
    } catch (e) {
      totals.malformed++;
      throughput.add("malformed");
      console.error(`gateway: skipping malformed message #${totals.malformed} on ${packet.topic}: ${e instanceof Error ? e.message : String(e)}`);
      done();
      return;
    }
    totals.received++;
    throughput.add("received", 1, receivedTs);
    const people = countPeople(frame.pixels, frame.width, frame.height, { ...DEFAULT_COUNT_OPTIONS, minArea: o.minArea });
    if (people !== frame.truth) totals.mismatches++;
    forwarder.add({
      camera: frame.camera, area: frame.area, seq: frame.seq, sentTs: frame.sentTs,
      gatewayRecvTs: receivedTs, people, truth: frame.truth, gateway: o.id,
    });
    forwarder.waitForRoom().then(() => done(), done);
  };
  await client.subscribeAsync(o.mqttTopic, { qos: 1 });
  // The broker keeps nothing for a topic nobody subscribed to yet: whoever starts cameras waits for this.
  fs.writeFileSync(path.join(o.metrics, "subscribed"), `${Date.now()}\n`);
  console.error(`gateway ${o.id}: ${o.mqtt} ${o.mqttTopic} -> ${o.kafka.join(",")} ${o.kafkaTopic}`);

  await sleep(o.duration ? o.duration * 1000 : 2 ** 31 - 1, stop);

  // Stop intake first (the broker keeps what we have not acknowledged), then flush what we accepted.
  await client.endAsync();
  totals.lost = await forwarder.drain(60000);
  await producer.disconnect();
  await latency.close();
  await throughput.close();
  summary.close();
  if (totals.lost > 0) throw new Error(`${totals.lost} accepted results could not be delivered to Kafka`);
  console.error(`gateway ${o.id}: received ${totals.received}, forwarded ${totals.forwarded}, malformed ${totals.malformed}`);
});
