import { Chart } from "./charts";
import { Distribution, Spread } from "./distribution";
import { HEALTH_STYLE, healthSection } from "./healthHtml";
import { RecordedRun } from "./runOutcomes";
import { RunSummary } from "./summarize";

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const num = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits));

function table(head: string[], rows: (string | number)[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

function latencyRows(s: RunSummary): (string | number)[][] {
  const row = (name: string, d?: Distribution) => [name, d?.count ?? 0, num(d?.p50), num(d?.p90), num(d?.p95), num(d?.p99), num(d?.max), num(d?.mean)];
  return [row("end-to-end (out-sink)", s.latencyMs.endToEnd), row("fog-to-cloud (in-sink)", s.latencyMs.fogToCloud), row("gateway (MQTT in to Kafka ack)", s.latencyMs.gateway)];
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
<h2>Latency (ms)</h2>
${table(["", "records", "p50", "p90", "p95", "p99", "max", "mean"], latencyRows(s))}
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

export interface RepeatSummary {
  runs: string[];
  endToEnd: Record<"p50" | "p95" | "p99", Spread | undefined>;
  fogToCloud: Record<"p50" | "p95" | "p99", Spread | undefined>;
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
  return `<!doctype html><html><head><meta charset="utf-8"><title>${r.runs.length} runs</title><style>${STYLE}</style></head><body>
<h1>${r.runs.length ? `${r.runs.length} runs: ${esc(r.runs.join(", "))}` : "No run produced results"}</h1>
${recordedRunsTable(r.recordedRuns ?? [])}
${!r.runs.length ? "" : table(["", "runs", "mean", "sd", "min", "max"], [
    row("end-to-end p50 (ms)", r.endToEnd.p50),
    row("end-to-end p95 (ms)", r.endToEnd.p95),
    row("end-to-end p99 (ms)", r.endToEnd.p99),
    row("fog-to-cloud p50 (ms)", r.fogToCloud.p50),
    row("fog-to-cloud p95 (ms)", r.fogToCloud.p95),
    row("fog-to-cloud p99 (ms)", r.fogToCloud.p99),
    row("frames sent", r.framesSent),
    row("frames at in-sink", r.framesAtInSink),
  ])}
${charts.map(figure).join("\n")}
<p>Each run has its own report in its folder.</p>
</body></html>
`;
}
