import * as fs from "fs";
import { findRunFiles } from "./resultsLayout";
import { loadRun, Row, RunData } from "./runData";
import { EarlyExit, ProgramSummary, readRunEvidence, RunEvidence } from "./runEvidence";

/**
 * A run's health: a verdict on whether its figures are results of the experiment, with the reasons and
 * the evidence behind each. `clean`: every frame is accounted for at every hop, every program finalised
 * its metrics, nothing ended early, everything was collected. `degraded`: the run produced figures, but
 * something went wrong (a loss, an early exit, a file never finalised or not collected); each reason says
 * what, where, when and how many frames. `failed`: the run has no figures of a kind it should have (no
 * frame reached Kafka or the in-sink, no window the out-sink), or the runner could not run it.
 */
export type Verdict = "clean" | "degraded" | "failed";

export interface HealthReason {
  /** How bad this one is on its own: the run's verdict is the worst of its reasons. */
  severity: "degraded" | "failed";
  kind: "run-failed" | "interrupted" | "stopped-early" | "service-down" | "fault-not-applied" | "no-results" | "frames-lost" | "windows-missing" | "exited-early" | "not-finalised" | "not-collected" | "host-unreachable" | "host-removed";
  /** What it is about: a camera, a gateway, a program, a host. */
  subject: string;
  host?: string;
  /** When it happened (UTC), where known. */
  at?: string;
  /** Frames (or windows, for windows-missing) lost. */
  lost?: number;
  message: string;
  evidence: string[];
}

/** Frames of one camera at each hop (distinct frames; a repeat is a duplicate, not two frames). */
export interface CameraAccount {
  camera: string;
  /** Producer host (where its metrics came from). */
  host?: string;
  /** The gateway that forwarded its frames (the one that forwarded most of them). */
  gateway?: string;
  sent: number;
  /** Acknowledged by the MQTT broker (QoS 1). */
  acked: number;
  /** Forwarded by a gateway and acknowledged by Kafka (the gateways' latency rows). */
  inKafka: number;
  atInSink?: number;
  /** Frames counted by the windows the out-sink read (each distinct window once). */
  inWindows?: number;
  /** Acknowledged frames sent within the end margin: not yet through every hop when the run stopped. */
  sentNearEnd: number;
}

export interface GatewayAccount {
  gateway: string;
  host?: string;
  received: number;
  forwarded: number;
  /** In-sink rows that name this gateway. */
  atInSink?: number;
  /** Frames its cameras' broker acknowledged that it never forwarded. */
  notForwarded: number;
  final?: boolean;
  pending?: number;
  lost?: number;
  kafkaSendFailures?: number;
}

/** A moment worth marking on the charts over time: a scheduled fault, a task's exit, what the watch saw. */
export interface TimelineMark {
  at: string;
  kind: "fault" | "exit" | "watch";
  label: string;
}

export interface RunHealth {
  verdict: Verdict;
  reasons: HealthReason[];
  timeline: TimelineMark[];
  /** What is worth knowing but does not make the run less clean (duplicates of at-least-once delivery, tasks that finished on their own). */
  notes: string[];
  accounting: {
    cameras: CameraAccount[];
    gateways: GatewayAccount[];
    windows?: { expected: number; received: number; duplicates: number; windowMs: number };
    /** When the run stopped (the first host's stop) and the margin before it in which frames may still be in flight. */
    endTs?: number;
    endMarginMs: number;
  };
}

/** Frames sent this close to the stop may still be on their way (Flink's windows close after it). */
export const END_MARGIN_MS = 10_000;

const iso = (ms: number | undefined) => (ms !== undefined && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);

const SIGNALS: Record<number, string> = { 1: "SIGHUP", 2: "SIGINT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM" };

/** `exit 3`, `killed by SIGKILL (137)`, `time limit reached (124)`. */
export function describeStatus(status: number | undefined): string {
  if (status === undefined) return "exit status unknown";
  if (status === 124) return "time limit reached (124)";
  if (status > 128 && status < 160) return `killed by ${SIGNALS[status - 128] ?? `signal ${status - 128}`} (${status})`;
  return `exit ${status}`;
}

const byNumber = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Distinct frames per camera: camera -> seq -> row. */
function framesByCamera(rows: Row[]): Map<string, Map<number, Row>> {
  const out = new Map<string, Map<number, Row>>();
  for (const r of rows) {
    const cam = String(r.camera);
    const m = out.get(cam) ?? out.set(cam, new Map()).get(cam)!;
    if (!m.has(Number(r.seq))) m.set(Number(r.seq), r);
  }
  return out;
}

function exitLine(e: EarlyExit): string {
  return `${e.host}: task ${e.tag}${e.command ? ` (${e.command})` : ""} ended ${e.at ? `at ${e.at}` : "at an unknown time"}, ${describeStatus(e.status)}`;
}

export interface RecordedStatus {
  status: "ok" | "failed" | "interrupted";
  errors: string[];
  /** The watch ended the wait early because of this event. */
  stoppedEarly?: string;
}

/** The verdict on one run from its metrics (`data`), its evidence, and the runner's record when there is one. */
export function judgeRun(data: RunData, ev: RunEvidence, recorded?: RecordedStatus): RunHealth {
  const reasons: HealthReason[] = [];
  const notes: string[] = [];
  const stopTimes = ev.stops.map((s) => s.at);
  const endTs = stopTimes.length ? Math.min(...stopTimes) : ev.plannedStop;
  const nearEnd = (t: number) => endTs !== undefined && t >= endTs - END_MARGIN_MS;

  if (recorded?.status === "failed") {
    reasons.push({ severity: "failed", kind: "run-failed", subject: "the run", message: "the runner could not run it to its end", evidence: recorded.errors });
  } else if (recorded?.status === "interrupted") {
    reasons.push({ severity: "degraded", kind: "interrupted", subject: "the run", message: "interrupted (Ctrl-C) before its planned end", evidence: recorded.errors });
  }

  if (recorded?.stoppedEarly) {
    reasons.push({ severity: "degraded", kind: "stopped-early", subject: "the run", message: `the wait ended early: ${recorded.stoppedEarly}`, evidence: [] });
  }
  // ---- what the watcher saw during the run: services down, hosts silent, tasks on hosts never stopped
  const recordedExits = new Set(ev.exits.map((e) => `${e.host}/${e.tag}`));
  for (const w of ev.watched) {
    if (w.kind === "container-stopped" || w.kind === "container-absent" || w.kind === "container-restarted") {
      reasons.push({ severity: "degraded", kind: "service-down", subject: w.subject, host: w.host, at: w.at, message: `${w.subject} on ${w.host}: ${w.detail} during the run`, evidence: [`watch.log: ${w.at} ${w.host} ${w.kind} ${w.subject} ${w.detail}`] });
    } else if (w.kind === "host-silent") {
      reasons.push({ severity: "degraded", kind: "host-unreachable", subject: w.subject, host: w.host, at: w.at, message: `${w.host} stopped answering during the run: ${w.detail}`, evidence: [`watch.log: ${w.at} ${w.host} ${w.detail}`] });
    } else if (w.kind === "task-ended" && w.fatal && !recordedExits.has(`${w.host}/${w.subject.replace(/^task /, "")}`)) {
      reasons.push({ severity: "degraded", kind: "exited-early", subject: w.subject, host: w.host, at: w.at, message: `${w.subject} on ${w.host} ended during the run: ${w.detail}`, evidence: [`watch.log: ${w.at} ${w.host} ${w.subject} ${w.detail}`] });
    }
  }
  // ---- programs that ended early, metrics never finalised, what was not collected
  for (const e of ev.exits) {
    if (e.status === 0) continue;
    reasons.push({ severity: "degraded", kind: "exited-early", subject: `task ${e.tag}`, host: e.host, at: e.at, message: `a detached task on ${e.host} ended before the run's end: ${describeStatus(e.status)}`, evidence: [exitLine(e)] });
  }
  const finishedEarly = ev.exits.filter((e) => e.status === 0);
  if (finishedEarly.length) notes.push(`${finishedEarly.length} detached task(s) finished on their own (exit 0) before the stop: ${finishedEarly.map((e) => `${e.host}/${e.tag}`).join(", ")}`);
  for (const s of ev.summaries) {
    // A program started again on its folder (restarted, host restored) keeps each start as a segment: an
    // earlier start that did not end normally is a reason of its own, even when the latest one did.
    const segments = Array.isArray(s.values.segments) ? (s.values.segments as Record<string, unknown>[]) : [];
    segments.slice(0, -1).forEach((seg, i) => {
      if (seg.final === true) return;
      const at = iso(num(seg.updatedTs));
      const next = iso(num(segments[i + 1].startedTs));
      reasons.push({
        severity: "degraded",
        kind: "not-finalised",
        subject: `${s.role} ${programName(s)}`,
        host: s.host,
        at,
        message: `the ${s.role}'s start ${i + 1} of ${segments.length} did not end normally: its records stop at ${at ?? "an unknown time"} and continue from its next start at ${next ?? "an unknown time"} (both kept)`,
        evidence: [`${s.file}: segment ${i + 1}: ${JSON.stringify(seg)}`],
      });
    });
    if (s.values.final === true) continue;
    const at = iso(num(s.values.updatedTs));
    reasons.push({
      severity: "degraded",
      kind: "not-finalised",
      subject: `${s.role} ${programName(s)}`,
      host: s.host,
      at,
      message: `the ${s.role}'s metrics were never finalised (it did not end normally); its files stop ${at ? `at its last update, ${at}` : "at an unknown time"}`,
      evidence: [`${s.file}: ${JSON.stringify(s.values)}`],
    });
  }
  const unreachable = new Map<string, typeof ev.missing>();
  for (const m of ev.missing) {
    if (/unreachable/.test(m.reason)) (unreachable.get(m.host) ?? unreachable.set(m.host, []).get(m.host)!).push(m);
    else reasons.push({ severity: "degraded", kind: "not-collected", subject: m.item, host: m.host, at: m.at, message: `not collected from ${m.host}: ${m.item} (${m.reason})`, evidence: [`missing.txt: ${m.at} ${m.host} ${m.item} ${m.reason}`] });
  }
  for (const [host, lines] of unreachable) {
    reasons.push({ severity: "degraded", kind: "host-unreachable", subject: `host ${host}`, host, at: lines[0].at, message: `${host} stopped answering over SSH: ${lines.length} item(s) not collected`, evidence: lines.map((m) => `missing.txt: ${m.at} ${m.item} (${m.reason})`) });
  }

  // ---- accounting at each hop, per camera and per gateway
  const producerSummaries = new Map(ev.summaries.filter((s) => s.role === "producer").map((s) => [s.id, s]));
  // A frame is in Kafka when a gateway recorded Kafka's ack, or a consumer read it (a killed gateway's
  // last rows may never have reached its file).
  const gatewayRows = data.gateways.flatMap((g) => g.latency.map((r) => ({ ...r, __gw: g.id })));
  const inKafka = framesByCamera([...gatewayRows, ...data.inSink]);
  const inSinkPresent = data.inSink.length > 0 || ev.summaries.some((s) => s.role === "in-sink");
  const outSinkPresent = data.outSink.length > 0 || ev.summaries.some((s) => s.role === "out-sink");
  const atInSink = framesByCamera(data.inSink);
  const windowMs = data.outSink.length ? Number(data.outSink[0].windowEnd) - Number(data.outSink[0].windowStart) : undefined;
  // A window may come more than once: fired when its input went idle and again for late frames, or
  // replayed after a failure (at-least-once). Its frames are the sum over its emissions, at most what Kafka held.
  const windowsByKey = new Map<string, Row>();
  const windowFrames = new Map<string, number>();
  let duplicateWindows = 0;
  for (const w of data.outSink) {
    const key = `${w.camera}@${w.windowStart}`;
    if (windowsByKey.has(key)) duplicateWindows++;
    else windowsByKey.set(key, w);
    windowFrames.set(key, (windowFrames.get(key) ?? 0) + Number(w.frames));
  }
  const kafkaPerWindow = new Map<string, number>();
  if (data.outSink.length) {
    const size = Number(data.outSink[0].windowEnd) - Number(data.outSink[0].windowStart);
    for (const r of [...gatewayRowsForWindows(data)]) {
      const key = `${r.camera}@${Math.floor(Number(r.sentTs) / size) * size}`;
      kafkaPerWindow.set(key, (kafkaPerWindow.get(key) ?? 0) + 1);
    }
  }
  const framesInWindows = new Map<string, number>();
  for (const [key, w] of windowsByKey) {
    const n = Math.min(windowFrames.get(key)!, kafkaPerWindow.get(key) ?? windowFrames.get(key)!);
    framesInWindows.set(String(w.camera), (framesInWindows.get(String(w.camera)) ?? 0) + n);
  }

  const gatewayIdOf = (pathId: string) => {
    const s = ev.summaries.find((x) => x.role === "gateway" && x.id === pathId);
    return typeof s?.values.gateway === "string" ? s.values.gateway : pathId;
  };
  const cameras: CameraAccount[] = data.producers.map((p) => {
    const s = producerSummaries.get(p.id);
    const camera = s && s.values.camera !== undefined ? String(s.values.camera) : p.id;
    const sum = (f: string) => p.throughput.reduce((a, r) => a + Number(r[f] ?? 0), 0);
    const kafka = inKafka.get(camera);
    const perGateway = new Map<string, number>();
    for (const r of kafka?.values() ?? []) if (r.__gw !== undefined) perGateway.set(String(r.__gw), (perGateway.get(String(r.__gw)) ?? 0) + 1);
    const gwPath = [...perGateway].sort((a, b) => b[1] - a[1])[0]?.[0];
    return {
      camera,
      host: s?.host ?? p.id.split("/")[0],
      gateway: gwPath ? gatewayIdOf(gwPath) : ev.cameraGateways.get(camera),
      sent: num(s?.values.sent) ?? sum("sent"),
      acked: num(s?.values.acked) ?? sum("acked"),
      inKafka: kafka?.size ?? 0,
      atInSink: inSinkPresent ? (atInSink.get(camera)?.size ?? 0) : undefined,
      inWindows: outSinkPresent ? (framesInWindows.get(camera) ?? 0) : undefined,
      sentNearEnd: p.throughput.filter((r) => nearEnd(Number(r.second))).reduce((a, r) => a + Number(r.acked ?? 0), 0),
    };
  });
  cameras.sort((a, b) => byNumber(a.camera, b.camera));

  const gateways: GatewayAccount[] = data.gateways.map((g) => {
    const s = ev.summaries.find((x) => x.role === "gateway" && x.id === g.id);
    const id = gatewayIdOf(g.id);
    const sum = (f: string) => g.throughput.reduce((a, r) => a + Number(r[f] ?? 0), 0);
    const mine = cameras.filter((c) => c.gateway === id);
    return {
      gateway: id,
      host: s?.host ?? g.id.split("/")[0],
      received: num(s?.values.received) ?? sum("received"),
      forwarded: num(s?.values.forwarded) ?? sum("forwarded"),
      atInSink: inSinkPresent ? data.inSink.filter((r) => String(r.gateway) === id).length : undefined,
      notForwarded: mine.reduce((a, c) => a + Math.max(0, c.acked - c.inKafka - c.sentNearEnd), 0),
      final: s ? s.values.final === true : undefined,
      pending: num(s?.values.pending),
      lost: num(s?.values.lost),
      kafkaSendFailures: num(s?.values.kafkaSendFailures),
    };
  });

  const totalSent = cameras.reduce((a, c) => a + c.sent, 0);
  const totalKafka = cameras.reduce((a, c) => a + c.inKafka, 0);
  if (!data.producers.length) {
    reasons.push({ severity: "failed", kind: "no-results", subject: "producers", message: "no producer left its metrics", evidence: [] });
  } else if (totalSent > 0 && data.gateways.length && totalKafka === 0) {
    reasons.push({ severity: "failed", kind: "no-results", subject: "Kafka", message: `none of the ${totalSent} frames sent reached Kafka through a gateway`, evidence: gateways.map((g) => `${g.gateway}: received ${g.received}, forwarded ${g.forwarded}`) });
  }
  if (totalKafka > 0 && inSinkPresent && data.inSink.length === 0) {
    reasons.push({ severity: "failed", kind: "no-results", subject: "in-sink", message: `no frame reached the in-sink, though Kafka acknowledged ${totalKafka}: there is no fog-to-cloud latency`, evidence: sinkEvidence(ev, "in-sink") });
  }
  if (totalKafka > 0 && outSinkPresent && data.outSink.length === 0) {
    reasons.push({ severity: "failed", kind: "no-results", subject: "out-sink", message: `no window reached the out-sink, though Kafka acknowledged ${totalKafka} frames: there is no end-to-end latency`, evidence: sinkEvidence(ev, "out-sink") });
  }
  const failedSinks = new Set(reasons.filter((r) => r.kind === "no-results").map((r) => r.subject));

  // Camera -> broker.
  for (const c of cameras) {
    if (c.acked < c.sent) reasons.push({ severity: "degraded", kind: "frames-lost", subject: `camera ${c.camera}`, host: c.host, lost: c.sent - c.acked, message: `camera ${c.camera} on ${c.host}: ${c.sent - c.acked} of ${c.sent} frames sent were never acknowledged by its MQTT broker`, evidence: [`sent ${c.sent}, acked ${c.acked}`] });
  }
  // Broker -> gateway -> Kafka, attributed to the gateway.
  const exitsOn = (host?: string) => ev.exits.filter((e) => e.host === host && e.status !== 0);
  for (const g of gateways) {
    const mine = cameras.filter((c) => c.gateway === g.gateway);
    const lost = mine.map((c) => ({ c, lost: c.acked - c.inKafka - c.sentNearEnd })).filter((x) => x.lost > 0);
    const total = lost.reduce((a, x) => a + x.lost, 0);
    if (total <= 0) continue;
    const exit = exitsOn(g.host)[0];
    const lastSign = g.final === false ? iso(num(ev.summaries.find((s) => s.role === "gateway" && s.host === g.host)?.values.updatedTs)) : undefined;
    const at = exit?.at ?? lastSign ?? gapTime(lost.map((x) => x.c.camera), inKafka);
    reasons.push({
      severity: "degraded",
      kind: "frames-lost",
      subject: `gateway ${g.gateway}`,
      host: g.host,
      at,
      lost: total,
      message: `gateway ${g.gateway} on ${g.host}: ${total} frames its broker acknowledged never reached Kafka${at ? ` (it stopped at ${at})` : ""}`,
      evidence: [
        ...lost.map((x) => `camera ${x.c.camera}: acked by the broker ${x.c.acked}, in Kafka ${x.c.inKafka}${x.c.sentNearEnd ? `, ${x.c.sentNearEnd} sent in the last ${END_MARGIN_MS / 1000} s not counted` : ""}`),
        `gateway totals: received ${g.received}, forwarded ${g.forwarded}${g.pending !== undefined ? `, pending ${g.pending}` : ""}${g.lost !== undefined ? `, lost ${g.lost}` : ""}, final ${g.final}`,
        ...exitsOn(g.host).map(exitLine),
      ],
    });
  }
  // Frames of cameras no gateway forwarded at all.
  for (const c of cameras.filter((c) => !c.gateway && c.acked - c.sentNearEnd > 0 && data.gateways.length)) {
    reasons.push({ severity: "degraded", kind: "frames-lost", subject: `camera ${c.camera}`, host: c.host, lost: c.acked - c.sentNearEnd, message: `camera ${c.camera} on ${c.host}: none of its ${c.acked} acknowledged frames reached Kafka through any gateway`, evidence: [`sent ${c.sent}, acked ${c.acked}, in Kafka 0`] });
  }
  // Kafka -> in-sink.
  if (inSinkPresent && !failedSinks.has("in-sink")) {
    const lost = cameras
      .map((c) => {
        const sink = atInSink.get(c.camera);
        const missing = [...(inKafka.get(c.camera)?.values() ?? [])].filter((r) => !sink?.has(Number(r.seq)) && !nearEnd(Number(r.sentTs)));
        return { c, missing };
      })
      .filter((x) => x.missing.length);
    const total = lost.reduce((a, x) => a + x.missing.length, 0);
    if (total) {
      reasons.push({ severity: "degraded", kind: "frames-lost", subject: "in-sink", lost: total, message: `${total} frames acknowledged by Kafka never reached the in-sink`, evidence: [...lost.map((x) => `camera ${x.c.camera}: ${x.missing.length} missing, first seq ${x.missing[0].seq} (sent ${iso(Number(x.missing[0].sentTs))})`), ...sinkEvidence(ev, "in-sink")] });
    }
    const dup = data.inSink.length - [...atInSink.values()].reduce((a, m) => a + m.size, 0);
    if (dup > 0) notes.push(`the in-sink read ${dup} frame(s) more than once (its latency figures count each reading)`);
  }
  // Kafka -> Flink windows -> out-sink: every frame in Kafka belongs to one window expected to close before the end.
  let windows: RunHealth["accounting"]["windows"];
  if (outSinkPresent && windowMs && windowMs > 0 && !failedSinks.has("out-sink")) {
    const expected = new Map<string, number>();
    for (const [cam, frames] of inKafka) {
      for (const r of frames.values()) {
        const start = Math.floor(Number(r.sentTs) / windowMs) * windowMs;
        if (endTs !== undefined && start + windowMs > endTs - END_MARGIN_MS) continue;
        const key = `${cam}@${start}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    const missing = [...expected].filter(([k]) => !windowsByKey.has(k));
    windows = { expected: expected.size, received: windowsByKey.size, duplicates: duplicateWindows, windowMs };
    if (missing.length) {
      reasons.push({
        severity: "degraded",
        kind: "windows-missing",
        subject: "out-sink",
        at: iso(Math.min(...missing.map(([k]) => Number(k.split("@")[1])))),
        lost: missing.length,
        message: `${missing.length} of ${expected.size} windows expected from the frames in Kafka never reached the out-sink (${missing.reduce((a, [, n]) => a + n, 0)} frames)`,
        evidence: missing.slice(0, 10).map(([k, n]) => {
          const [cam, start] = k.split("@");
          return `camera ${cam}, window ${iso(Number(start))} (${windowMs / 1000} s, ${n} frames)`;
        }),
      });
    }
    const keyOf = (w: Row) => `${w.camera}@${w.windowStart}`;
    const short = [...windowsByKey.values()].filter((w) => expected.has(keyOf(w)) && windowFrames.get(keyOf(w))! < expected.get(keyOf(w))!);
    if (short.length) {
      reasons.push({ severity: "degraded", kind: "windows-missing", subject: "out-sink", at: iso(Math.min(...short.map((w) => Number(w.windowStart)))), lost: short.reduce((a, w) => a + expected.get(keyOf(w))! - windowFrames.get(keyOf(w))!, 0), message: `${short.length} windows counted fewer frames than Kafka held for them`, evidence: short.slice(0, 10).map((w) => `camera ${w.camera}, window ${iso(Number(w.windowStart))}: ${windowFrames.get(keyOf(w))} frames, Kafka held ${expected.get(keyOf(w))}`) });
    }
    if (duplicateWindows) notes.push(`the out-sink read ${duplicateWindows} window(s) more than once (fired on idle input then again for late frames, or replayed: Flink's output is at-least-once); their frames are counted once`);
  }

  // ---- scheduled faults: expected, but their losses still count; a fault that could not be caused is a reason
  const timeline: TimelineMark[] = [];
  for (const f of ev.faults) {
    if (f.outcome !== "0") {
      reasons.push({ severity: "degraded", kind: "fault-not-applied", subject: f.description, host: f.host, at: f.startedAt || undefined, message: `the scheduled fault at +${f.scheduledS}s (${f.description}) on ${f.host}: ${f.outcome}`, evidence: [`faults.log: ${f.detail}`] });
    } else {
      notes.push(`scheduled fault at +${f.scheduledS}s on ${f.host}: ${f.description} (${f.startedAt} -> ${f.endedAt})`);
      timeline.push({ at: f.startedAt, kind: "fault", label: f.description });
    }
  }
  // A host removed on purpose took part in only some of the run: the verdict says so, with when it left and
  // came back (the host's own times), whatever the accounting finds.
  for (const f of ev.faults.filter((x) => x.outcome === "0" && x.description.startsWith(`${x.host} removed (`))) {
    const restore = ev.faults.find((x) => x.host === f.host && x.description.startsWith(`${x.host} restored (`) && x.scheduledS > f.scheduledS);
    const back = restore?.outcome === "0" ? `restored at ${restore.startedAt} (services and launch steps started again by ${restore.endedAt})` : restore ? `its restore failed (${restore.outcome})` : "not restored";
    reasons.push({
      severity: "degraded",
      kind: "host-removed",
      subject: `host ${f.host}`,
      host: f.host,
      at: f.startedAt,
      message: `${f.host} was removed on purpose at ${f.startedAt} (+${f.scheduledS}s: its processes and containers killed, its network cut) and ${back}`,
      evidence: [`faults.log: ${f.detail}`, ...(restore ? [`faults.log: ${restore.detail}`] : [])],
    });
  }
  // A reason a scheduled fault explains says so: a fault on its host (or, for the pipeline's own reasons,
  // anywhere) that began up to 30 s before it or within 10 s after (a window open when it began).
  const applied = ev.faults.filter((x) => x.outcome === "0");
  for (const r of reasons) {
    if (r.kind === "fault-not-applied") continue;
    const onHost = applied.filter((x) => x.host === r.host);
    const candidates = onHost.length ? onHost : applied;
    const t = r.at ? Date.parse(r.at) : NaN;
    const near = candidates.filter((x) => !Number.isFinite(t) || (Date.parse(x.startedAt) <= t + 10_000 && Date.parse(x.startedAt) >= t - 30_000));
    for (const f of near) r.evidence.push(`scheduled fault at +${f.scheduledS}s (${f.startedAt}): ${f.description}`);
  }
  for (const e of ev.exits.filter((x) => x.at && x.status !== 0)) timeline.push({ at: e.at!, kind: "exit", label: `${e.host} ${e.tag} ${describeStatus(e.status)}` });
  for (const w of ev.watched.filter((x) => x.kind !== "task-ended")) timeline.push({ at: w.at, kind: "watch", label: `${w.subject} ${w.detail}` });
  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const verdict: Verdict = reasons.some((r) => r.severity === "failed") ? "failed" : reasons.length ? "degraded" : "clean";
  return { verdict, reasons, timeline, notes, accounting: { cameras, gateways, windows, endTs, endMarginMs: END_MARGIN_MS } };
}

function programName(s: ProgramSummary): string {
  const v = s.values;
  if (s.role === "gateway" && typeof v.gateway === "string") return v.gateway;
  if (s.role === "producer" && v.camera !== undefined) return `camera ${v.camera}`;
  return s.host ? `on ${s.host}` : s.id;
}

function sinkEvidence(ev: RunEvidence, role: "in-sink" | "out-sink"): string[] {
  return [
    ...ev.summaries.filter((s) => s.role === role).map((s) => `${s.role} summary: ${JSON.stringify(s.values)}`),
    ...ev.exits.filter((e) => e.status !== 0 && (e.command ?? e.tag).includes(role)).map(exitLine),
  ];
}

/** One line per reason, for logs and the terminal. */
export function healthLines(h: Pick<RunHealth, "verdict"> & { reasons: Omit<HealthReason, "evidence">[] }): string[] {
  return [`health: ${h.verdict}`, ...h.reasons.map((r) => `  ${r.severity}: ${r.message}`)];
}

/** The verdict on the run whose results are in `dir` (a folder that does not exist has failed). */
export function assessRun(dir: string, recorded?: RecordedStatus): RunHealth {
  if (!fs.existsSync(dir)) {
    return { verdict: "failed", timeline: [], reasons: [{ severity: "failed", kind: "no-results", subject: "results folder", message: `no results folder (${dir})`, evidence: recorded?.errors ?? [] }], notes: [], accounting: { cameras: [], gateways: [], endMarginMs: END_MARGIN_MS } };
  }
  return judgeRun(loadRun(findRunFiles(dir)), readRunEvidence(dir), recorded);
}

/** What the runner keeps of a verdict in runs.json: the reasons without their evidence (that is in summary.json). */
export interface RunHealthRecord {
  verdict: Verdict;
  reasons: Omit<HealthReason, "evidence">[];
}

export function healthRecord(h: RunHealth): RunHealthRecord {
  return { verdict: h.verdict, reasons: h.reasons.map(({ evidence: _evidence, ...r }) => r) };
}

/** Frames in Kafka for the window accounting: what a gateway forwarded or the in-sink read. */
function gatewayRowsForWindows(data: RunData): Row[] {
  const seen = new Set<string>();
  const out: Row[] = [];
  for (const r of [...data.gateways.flatMap((g) => g.latency), ...data.inSink]) {
    const k = `${r.camera}/${r.seq}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(r);
    }
  }
  return out;
}

/** When frames went missing: the send time of the last frame in Kafka before the first gap of these cameras. */
function gapTime(cameras: string[], inKafka: Map<string, Map<number, Row>>): string | undefined {
  const times = cameras.flatMap((cam) => {
    const m = inKafka.get(cam);
    if (!m?.size) return [];
    const seqs = [...m.keys()].sort((a, b) => a - b);
    const gap = seqs.findIndex((s, i) => s !== (i === 0 ? 0 : seqs[i - 1] + 1));
    if (gap < 0) return [];
    return gap === 0 ? [] : [Number(m.get(seqs[gap - 1])!.sentTs)];
  });
  return times.length ? new Date(Math.min(...times)).toISOString() : undefined;
}
