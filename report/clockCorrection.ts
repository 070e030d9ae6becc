import { Distribution, distribution } from "./distribution";
import { LatencyRecord } from "./latencyRecords";
import { ClockReading, RunData } from "./runData";

/**
 * Readings are whole milliseconds (`date +%s%3N` truncates): the host's reading and the deployer's two each
 * lose up to 1 ms, which can move the estimated offset by up to 1 ms beyond the half round trip.
 */
export const READING_RESOLUTION_MS = 1;

interface Measurement {
  offsetMs: number;
  roundTripMs: number;
  /** Deployer's clock when the offset was written (ms since epoch). */
  measuredTs?: number;
}

/** One host's clock against the deployer's, at launch and at the end of the run. */
export interface HostClock {
  host: string;
  launch?: Measurement;
  end?: Measurement;
  /** End offset minus launch offset. */
  driftMs?: number;
  /** The error bound of driftMs: both measurements' bounds. */
  driftBoundMs?: number;
  /** driftMs over the time between the two measurements, in parts per million (µs per s). */
  driftPpm?: number;
}

export interface Clocks {
  hosts: HostClock[];
  /** False when the run has no `clock-offsets-end.csv` (deployed before the end measurement existed). */
  endMeasured: boolean;
  /** Hosts of the run without an offset: not answering, or absent from the file. */
  missing: { launch: string[]; end: string[] };
}

const usable = (r: ClockReading): Measurement | undefined =>
  r.offsetMs !== undefined && r.roundTripMs !== undefined ? { offsetMs: r.offsetMs, roundTripMs: r.roundTripMs, measuredTs: r.measuredTs } : undefined;

/** The bound of one offset estimate: the host answered somewhere inside the round trip. */
const boundOf = (m: Measurement) => m.roundTripMs / 2 + READING_RESOLUTION_MS;

/**
 * Each host's offsets and drift. `hostsOfRun` are the hosts that should have been measured (the run's hosts
 * and those that stamped records), so that a host missing from the files is reported too.
 */
export function readClocks(data: RunData, hostsOfRun: Iterable<string>): Clocks {
  const byHost = new Map<string, HostClock>();
  const clock = (host: string) => byHost.get(host) ?? byHost.set(host, { host }).get(host)!;
  for (const r of data.clocks.launch) {
    const m = usable(r);
    if (m) clock(r.host).launch = m;
  }
  for (const r of data.clocks.end ?? []) {
    const m = usable(r);
    if (m) clock(r.host).end = m;
  }
  for (const c of byHost.values()) {
    if (!c.launch || !c.end) continue;
    c.driftMs = c.end.offsetMs - c.launch.offsetMs;
    c.driftBoundMs = boundOf(c.launch) + boundOf(c.end);
    const elapsed = c.launch.measuredTs !== undefined && c.end.measuredTs !== undefined ? c.end.measuredTs - c.launch.measuredTs : NaN;
    if (elapsed > 0) c.driftPpm = (c.driftMs / elapsed) * 1e6;
  }
  const all = [...new Set([...hostsOfRun, ...data.clocks.launch.map((r) => r.host), ...(data.clocks.end ?? []).map((r) => r.host)])].sort();
  return {
    hosts: [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host)),
    endMeasured: data.clocks.end !== undefined,
    missing: {
      launch: all.filter((h) => !byHost.get(h)?.launch),
      end: data.clocks.end === undefined ? all : all.filter((h) => !byHost.get(h)?.end),
    },
  };
}

/**
 * A host's offset at time t (ms since epoch) and its bound: interpolated between the launch and end
 * measurements (a clock drifts steadily over minutes), held constant outside them, or the one measurement
 * there is. The interpolated value's error is the same mix of the two measurements' errors, so its bound
 * is the same mix of their bounds: a poor measurement at launch (a loaded deployer) weighs little at the end.
 */
export function offsetAt(c: HostClock | undefined, t: number): { offsetMs: number; boundMs: number } | undefined {
  const a = c?.launch;
  const b = c?.end;
  if (a && b) {
    const f =
      a.measuredTs === undefined || b.measuredTs === undefined || b.measuredTs <= a.measuredTs
        ? 0.5
        : Math.min(1, Math.max(0, (t - a.measuredTs) / (b.measuredTs - a.measuredTs)));
    return { offsetMs: a.offsetMs + f * (b.offsetMs - a.offsetMs), boundMs: (1 - f) * boundOf(a) + f * boundOf(b) };
  }
  const m = a ?? b;
  return m && { offsetMs: m.offsetMs, boundMs: boundOf(m) };
}

/** A latency record with, where both its hosts' offsets are known, its corrected value and error bound. */
export interface CorrectedRecord extends LatencyRecord {
  /** Receiving host's offset minus sending host's: what the raw latency wrongly includes. */
  pairOffsetMs?: number;
  correctedMs?: number;
  /** |corrected - true latency| <= boundMs (from both hosts' round trips); 0 when one host stamped both. */
  boundMs?: number;
  /** When not corrected: its hosts without an offset ("unknown host" when the results do not name one). */
  notCorrectedFor?: string[];
}

/**
 * Latency stamped on two clocks: raw = (true receive + offset_recv) - (true send + offset_send), so
 * corrected = raw - (offset_recv - offset_send), each offset taken at its own timestamp.
 */
export function correctRecords(records: readonly LatencyRecord[], clocks: Clocks): CorrectedRecord[] {
  const byHost = new Map(clocks.hosts.map((c) => [c.host, c]));
  return records.map((r) => {
    if (!r.sendHost || !r.receiveHost) return { ...r, notCorrectedFor: ["unknown host"] };
    if (r.sendHost === r.receiveHost) return { ...r, pairOffsetMs: 0, correctedMs: r.latencyMs, boundMs: 0 };
    const recv = offsetAt(byHost.get(r.receiveHost), r.receiveTs);
    const send = offsetAt(byHost.get(r.sendHost), r.sendTs);
    if (!recv || !send) return { ...r, notCorrectedFor: [...(send ? [] : [r.sendHost]), ...(recv ? [] : [r.receiveHost])] };
    const pairOffsetMs = recv.offsetMs - send.offsetMs;
    return { ...r, pairOffsetMs, correctedMs: r.latencyMs - pairOffsetMs, boundMs: recv.boundMs + send.boundMs };
  });
}

/** One host pair's part of a measure: how many records, the offset taken off them and its bound. */
export interface PairCorrection {
  sendHost: string;
  receiveHost: string;
  records: number;
  /** Mean over the pair's records (it varies only by drift). */
  offsetMs: number;
  boundMs: number;
}

/** Raw and corrected figures of one measure, over the records that could be corrected. */
export interface MeasureCorrection {
  records: number;
  correctedRecords: number;
  /** Records left out: a host without an offset, or a host the results do not name. */
  uncorrectedRecords: number;
  /** Why: the hosts without an offset that stamped them ("unknown host" when the results do not say). */
  uncorrectedHosts: string[];
  /** Over the corrected records, so raw and corrected compare sample for sample. */
  raw?: Distribution;
  corrected?: Distribution;
  /** Largest error bound over the corrected records. */
  boundMs?: number;
  pairs: PairCorrection[];
}

export function summarizeCorrection(records: readonly CorrectedRecord[]): MeasureCorrection {
  const done = records.filter((r) => r.correctedMs !== undefined);
  const left = records.filter((r) => r.correctedMs === undefined);
  const pairs = new Map<string, { sendHost: string; receiveHost: string; n: number; sum: number; bound: number }>();
  for (const r of done) {
    const key = `${r.sendHost}\t${r.receiveHost}`;
    const p = pairs.get(key) ?? pairs.set(key, { sendHost: r.sendHost!, receiveHost: r.receiveHost!, n: 0, sum: 0, bound: 0 }).get(key)!;
    p.n++;
    p.sum += r.pairOffsetMs!;
    p.bound = Math.max(p.bound, r.boundMs!);
  }
  const why = new Set<string>();
  for (const r of left) for (const h of r.notCorrectedFor ?? []) why.add(h);
  return {
    records: records.length,
    correctedRecords: done.length,
    uncorrectedRecords: left.length,
    uncorrectedHosts: [...why].sort(),
    raw: distribution(done.map((r) => r.latencyMs)),
    corrected: distribution(done.map((r) => r.correctedMs!)),
    boundMs: done.length ? done.reduce((m, r) => Math.max(m, r.boundMs!), 0) : undefined,
    pairs: [...pairs.values()]
      .map((p) => ({ sendHost: p.sendHost, receiveHost: p.receiveHost, records: p.n, offsetMs: p.sum / p.n, boundMs: p.bound }))
      .sort((a, b) => a.sendHost.localeCompare(b.sendHost) || a.receiveHost.localeCompare(b.receiveHost)),
  };
}
