#!/usr/bin/env node
// Camera producer: publishes grayscale frames at a fixed rate to an MQTT topic (QoS 1).
import * as path from "node:path";
import { Command, Option } from "commander";
import { encodeFrame } from "../shared/frame-message";
import { connectMqtt } from "../shared/mqtt-connection";
import { mqttTopic, mqttUrl, nonNegativeInt, positiveInt, positiveNumber } from "../shared/cli-parsers";
import { PerSecondCounter } from "../shared/per-second-counter";
import { runProgram, sleep } from "../shared/program";
import { SummaryFile } from "../shared/summary-file";
import { datasetSource, DEFAULT_FRAME_SIZE, FrameSource, syntheticSource } from "./frame-source";

interface Options {
  camera: number;
  broker: string;
  topic: string;
  fps: number;
  duration: number;
  metrics: string;
  dataset?: string;
  seed: number;
  width: number;
  height: number;
  area?: string;
  areas: number;
  connectTimeout: number;
  ackTimeout: number;
}

const command = new Command("camera")
  .description("Publish deterministic synthetic (or dataset) camera frames to MQTT with QoS 1.")
  .requiredOption("--camera <n>", "camera id (positive integer)", positiveInt)
  .requiredOption("--broker <url>", "MQTT broker URL, e.g. mqtt://127.0.0.1:1883 or tcp://host:1883", mqttUrl)
  .requiredOption("--topic <topic>", "MQTT topic to publish frames to", mqttTopic)
  .requiredOption("--duration <seconds>", "how long to publish", positiveNumber)
  .requiredOption("--metrics <dir>", "folder for throughput.csv and summary.json")
  .option("--fps <n>", "frames per second", positiveNumber, 10)
  .option("--dataset <dir>", "read frames from this folder (PGM files + truth.csv) instead of synthesizing")
  .option("--seed <n>", "scene seed for synthetic frames", nonNegativeInt, 1)
  .option("--width <px>", "synthetic frame width", positiveInt, DEFAULT_FRAME_SIZE.width)
  .option("--height <px>", "synthetic frame height", positiveInt, DEFAULT_FRAME_SIZE.height)
  .option("--area <name>", "area the camera watches (default: area-<(camera-1) mod areas + 1>)")
  .option("--areas <n>", "number of areas cameras are spread over when --area is not given", positiveInt, 4)
  .option("--connect-timeout <ms>", "give up if the broker is unreachable this long", positiveInt, 10000)
  .addOption(new Option("--ack-timeout <ms>", "at the end, wait this long for outstanding PUBACKs").argParser(positiveInt).default(30000));

runProgram<Options>(command, process.argv, async (o, stop) => {
  const source: FrameSource = o.dataset ? datasetSource(o.dataset) : syntheticSource(o.seed, o.camera, o.width, o.height);
  const area = o.area ?? `area-${((o.camera - 1) % o.areas) + 1}`;
  const client = await connectMqtt(o.broker, `camera-${o.camera}-${process.pid}`, o.connectTimeout);

  const throughput = new PerSecondCounter(path.join(o.metrics, "throughput.csv"), ["sent", "acked", "bytes"] as const);
  // Started again on the same folder (its host restored), the camera continues its sequence after the
  // last frame its earlier start sent: a (camera, seq) stays one frame across the run.
  const summaryPath = path.join(o.metrics, "summary.json");
  const earlier = SummaryFile.segmentsIn(summaryPath).map((s) => Number(s.lastSeq)).filter((n) => Number.isInteger(n));
  const firstSeq = earlier.length ? Math.max(...earlier) + 1 : 0;
  const totals = { camera: o.camera, area, fps: o.fps, sent: 0, acked: 0, failed: 0, firstSeq: -1, lastSeq: -1 };
  const summary = new SummaryFile(summaryPath, () => totals, ["sent", "acked", "failed"]);
  const inFlight = new Set<Promise<void>>();

  const total = Math.floor(o.duration * o.fps);
  const start = Date.now();
  for (let seq = firstSeq; seq < firstSeq + total && !stop.aborted; seq++) {
    // Absolute schedule: a slow frame delays only itself, the rate does not drift.
    const due = start + ((seq - firstSeq) * 1000) / o.fps;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait, stop);
    if (stop.aborted) break;
    const f = source(seq);
    const sentTs = Date.now();
    const payload = encodeFrame({ camera: o.camera, seq, sentTs, truth: f.truth, area, width: f.width, height: f.height, pixels: f.pixels });
    const p = client.publishAsync(o.topic, payload, { qos: 1 }).then(
      () => {
        totals.acked++;
        throughput.add("acked");
      },
      (e: Error) => {
        totals.failed++;
        console.error(`camera: frame ${seq} not acknowledged: ${e.message}`);
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (totals.firstSeq < 0) totals.firstSeq = seq;
    totals.lastSeq = seq;
    totals.sent++;
    throughput.add("sent");
    throughput.add("bytes", payload.length);
  }

  // Every published frame must be acknowledged by the broker before we report success.
  const acked = Promise.all([...inFlight]);
  const timedOut = await Promise.race([acked.then(() => false), sleep(o.ackTimeout).then(() => true)]);
  await client.endAsync(timedOut);
  await throughput.close();
  summary.close();
  if (timedOut || totals.failed > 0) {
    throw new Error(`${totals.sent - totals.acked} of ${totals.sent} frames were not acknowledged by ${o.broker}`);
  }
  console.error(`camera ${o.camera}: sent ${totals.sent} frames, all acknowledged`);
});
