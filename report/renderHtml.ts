import { Chart } from "./charts";
import { Clocks, MeasureCorrection, READING_RESOLUTION_MS } from "./clockCorrection";
import { Distribution, Spread } from "./distribution";
import { HEALTH_STYLE, healthSection } from "./healthHtml";
import { MEASURE_CLOCKS, MEASURE_NAMES, MEASURES, Measure } from "./latencyRecords";
import { RecordedRun } from "./runOutcomes";
import { LatencyFigures, RunSummary } from "./summarize";

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const num = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits));

function table(head: string[], rows: (string | number)[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

function latencyRows(figures: LatencyFigures): (string | number)[][] {
  const row = (name: string, d?: Distribution) => [name, d?.count ?? 0, num(d?.p50), num(d?.p90), num(d?.p95), num(d?.p99), num(d?.max), num(d?.mean)];
  return MEASURES.map((m) => row(MEASURE_NAMES[m], figures[m]));
}

const LATENCY_HEAD = ["", "records", "p50", "p90", "p95", "p99", "max", "mean"];
const time = (t: number) => new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");

function steadyStateHtml(s: RunSummary): string {
  const st = s.steadyState;
  if (!st.interval) return `<h2>Steady state</h2><p>None: ${esc(st.reason ?? "unknown")}.</p>`;
  const i = st.interval;
  return `<h2>Steady state: ${num(i.durationS, 0)} s, ${esc(time(i.startTs))} to ${esc(time(i.endTs))}</h2>
<p>${esc(i.source === "option" ? "Interval given to the report" : "Interval from the data")}: ${esc(i.rule)} (options: ${esc(i.optionsFrom)}). Records count when both their ends fall
inside it (shaded on "Latency over time"); frames sent: ${num(st.framesSentPerSecond, 1)} per second.</p>
${table(LATENCY_HEAD, latencyRows(st.latencyMs))}`;
}

function correctionRows(c: Partial<Record<Measure, MeasureCorrection>>): (string | number)[][] {
  return MEASURES.filter((m) => c[m]).map((m) => {
    const x = c[m]!;
    return [
      MEASURE_NAMES[m],
      `${x.correctedRecords} of ${x.records}`,
      num(x.raw?.p50),
      num(x.corrected?.p50),
      num(x.raw?.p99),
      num(x.corrected?.p99),
      x.boundMs === undefined ? "–" : `± ${num(x.boundMs)}`,
      x.uncorrectedRecords ? `${x.uncorrectedRecords} (${x.uncorrectedHosts.join(", ")})` : "0",
    ];
  });
}

const CORRECTION_HEAD = ["", "corrected records", "raw p50", "corrected p50", "raw p99", "corrected p99", "bound", "not corrected (hosts without offset)"];

function clocksHtml(c: Clocks): string {
  const off = (m?: { offsetMs: number; roundTripMs: number }) => (m ? `${num(m.offsetMs, 0)} ± ${num(m.roundTripMs / 2 + READING_RESOLUTION_MS)}` : "missing");
  const missing = [
    c.missing.launch.length ? `no offset at launch for ${c.missing.launch.join(", ")}` : "",
    !c.endMeasured ? "offsets were not measured at the end of this run" : c.missing.end.length ? `no offset at the end for ${c.missing.end.join(", ")}` : "",
  ].filter(Boolean);
  return `${missing.length ? `<p class="missing">${esc(missing.join("; "))}.</p>` : ""}
${table(
    ["host", "offset at launch (ms)", "offset at end (ms)", "drift (ms)", "drift (ppm)"],
    c.hosts.map((h) => [h.host, off(h.launch), off(h.end), h.driftMs === undefined ? "–" : `${num(h.driftMs, 0)} ± ${num(h.driftBoundMs)}`, num(h.driftPpm)]),
  )}`;
}

function clockCorrectionHtml(s: RunSummary): string {
  return `<h2>Latency corrected by clock offsets (ms)</h2>
<p>Each latency subtracts two hosts' timestamps (${MEASURES.map((m) => `${esc(MEASURE_NAMES[m])}: ${esc(MEASURE_CLOCKS[m].receive)} minus ${esc(MEASURE_CLOCKS[m].send)}`).join("; ")}).
Each host's offset from the deployer's clock is measured at launch and at the end of the run; the correction subtracts the
receiving host's offset minus the sending host's, interpolated at each timestamp. The bound is half of each host's round trip
plus ${READING_RESOLUTION_MS} ms of reading resolution (interpolated as the offset), summed over the two hosts.</p>
<h3>Whole run</h3>
${table(CORRECTION_HEAD, correctionRows(s.clockCorrectedMs))}
${s.steadyState.interval ? `<h3>Steady state</h3>${table(CORRECTION_HEAD, correctionRows(s.steadyState.clockCorrectedMs))}` : ""}
<h3>Clock offsets (host minus deployer)</h3>
${clocksHtml(s.clocks)}`;
}

/** Charts are embedded as SVG images (data URIs), so the page is one file that opens anywhere. */
const figure = (c: Chart) =>
  `<figure><img alt="${esc(c.title)}" src="data:image/svg+xml;base64,${Buffer.from(c.svg).toString("base64")}"><figcaption>${esc(c.title)}</figcaption></figure>`;

const STYLE = `body{font-family:sans-serif;margin:2em auto;max-width:70em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}
figure{margin:1.5em 0}figcaption{font-size:.9em;color:#555}.missing{background:#fff3f3;border:1px solid #e99;padding:.5em 1em}
.failed{background:#fde2e2;border:2px solid #c33;padding:.5em 1em}${HEALTH_STYLE}`;

/** A run that did not end well says so first: its figures are whatever was collected, not results. */
function outcomeBanner(s: RunSummary): string {
  if (!s.outcome || s.outcome.status === "ok") return "";
  return `<div class="failed"><h2>This run ${esc(s.outcome.status)}</h2><p>What follows is what could be collected; it is not a result of the experiment.</p><ul>${s.outcome.errors.map((e) => `<li>${esc(e)}</li>`).join("")}</ul></div>`;
}

export function runReportHtml(s: RunSummary, charts: Chart[]): string {
  const f = s.frames;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Run ${esc(s.run)}</title><style>${STYLE}</style></head><body>
<h1>Run ${esc(s.run)}${s.outcome && s.outcome.status !== "ok" ? ` (${esc(s.outcome.status)})` : ""}</h1>
${outcomeBanner(s)}
${healthSection(s.health)}
${s.missing.length ? `<div class="missing"><h2>Not collected</h2><ul>${s.missing.map((m) => `<li>${esc(m)}</li>`).join("")}</ul></div>` : ""}
<h2>Frames</h2>
${table(["sent by producers", "acked by brokers", "received by gateways", "forwarded to Kafka", "read by in-sink", "windows read by out-sink"], [[f.sent, f.acked, f.gatewayReceived, f.gatewayForwarded, f.inSink, f.outSinkWindows]])}
<h2>Latency over the whole run (ms)</h2>
${table(LATENCY_HEAD, latencyRows(s.latencyMs))}
${steadyStateHtml(s)}
${clockCorrectionHtml(s)}
<h2>Throughput</h2>
${table(["", "count", "mean frames/s each", "total frames"], [
    ["producers", s.producers.length, num(s.producers.reduce((a, p) => a + p.perSecond, 0) / (s.producers.length || 1), 2), f.sent],
    ["gateways", s.gateways.length, num(s.gateways.reduce((a, g) => a + g.perSecond, 0) / (s.gateways.length || 1), 2), f.gatewayReceived],
  ])}
${s.hosts.length ? `<h2>Hosts (dstat means)</h2>${table(["host", "samples", "CPU busy %", "memory used MB", "net recv KB/s", "net send KB/s"], s.hosts.map((h) => [h.host, h.samples, num(h.cpuBusyPercent), num(h.memoryUsedMB, 0), num(h.netRecvKBps), num(h.netSendKBps)]))}` : ""}
<h2>Figures</h2>
${charts.map(figure).join("\n")}
</body></html>
`;
}

export type PercentileSpreads = Record<"p50" | "p95" | "p99", Spread | undefined>;

export interface RepeatSummary {
  runs: string[];
  endToEnd: PercentileSpreads;
  fogToCloud: PercentileSpreads;
  /** The runs' steady-state figures (each run's own interval), raw and clock-corrected. */
  steadyState: {
    runs: string[];
    durationS?: Spread;
    endToEnd: PercentileSpreads;
    fogToCloud: PercentileSpreads;
    clockCorrected: { endToEnd: PercentileSpreads; fogToCloud: PercentileSpreads };
  };
  framesSent?: Spread;
  framesAtInSink?: Spread;
  /** Every run the runner recorded (runs.json), including those that failed, with their reasons. */
  recordedRuns?: RecordedRun[];
}

function recordedRunsTable(runs: RecordedRun[]): string {
  if (!runs.length) return "";
  const failed = runs.filter((r) => r.status !== "ok");
  return `<h2>Runs</h2>${failed.length ? `<div class="failed"><p>${failed.length} of ${runs.length} runs did not end well; the figures above leave them out.</p></div>` : ""}${table(
    ["run", "status", "started", "results folder", "errors"],
    runs.map((r) => [r.run, r.status, r.startedAt, r.resultsFolder ?? "(none)", r.errors.join(" | ") || "–"]),
  )}`;
}

export function repeatReportHtml(r: RepeatSummary, charts: Chart[]): string {
  const row = (name: string, sp?: Spread) => [name, sp?.runs ?? 0, num(sp?.mean), num(sp?.sd), num(sp?.min), num(sp?.max)];
  const rows = (what: string, ps: PercentileSpreads) => (["p50", "p95", "p99"] as const).map((p) => row(`${what} ${p} (ms)`, ps[p]));
  const st = r.steadyState;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${r.runs.length} runs</title><style>${STYLE}</style></head><body>
<h1>${r.runs.length ? `${r.runs.length} runs: ${esc(r.runs.join(", "))}` : "No run produced results"}</h1>
${recordedRunsTable(r.recordedRuns ?? [])}
${!r.runs.length ? "" : `<h2>Whole runs</h2>
${table(["", "runs", "mean", "sd", "min", "max"], [
    ...rows("end-to-end", r.endToEnd),
    ...rows("fog-to-cloud", r.fogToCloud),
    row("frames sent", r.framesSent),
    row("frames at in-sink", r.framesAtInSink),
  ])}
<h2>Steady state (${st.runs.length} of ${r.runs.length} runs have one)</h2>
${table(["", "runs", "mean", "sd", "min", "max"], [
    row("interval (s)", st.durationS),
    ...rows("end-to-end", st.endToEnd),
    ...rows("fog-to-cloud", st.fogToCloud),
    ...rows("end-to-end, clock-corrected,", st.clockCorrected.endToEnd),
    ...rows("fog-to-cloud, clock-corrected,", st.clockCorrected.fogToCloud),
  ])}`}
${charts.map(figure).join("\n")}
<p>Each run has its own report in its folder.</p>
</body></html>
`;
}
