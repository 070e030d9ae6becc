import * as vega from "vega";
import { compile, TopLevelSpec } from "vega-lite";
import { percentile } from "./distribution";
import { latencyRecords } from "./latencyRecords";
import { Row, RunData } from "./runData";
import { inSteadyState } from "./steadyState";
import { RunSummary } from "./summarize";
import { timelineLayers, withTimelineMarks } from "./timelineMarks";

/** A figure of the report: a title and its picture as SVG. */
export interface Chart {
  title: string;
  svg: string;
}

const WIDTH = 640;
const HEIGHT = 240;

async function render(title: string, spec: TopLevelSpec): Promise<Chart> {
  const full = { width: WIDTH, height: HEIGHT, ...spec, title, config: { font: "sans-serif", legend: { labelLimit: 320 } } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: "none" });
  return { title, svg: await view.toSVG() };
}

/** At most `max` points of an empirical CDF (every quantile step), enough to draw it faithfully. */
function cdfPoints(values: number[], series: string, max = 400): { latencyMs: number; fraction: number; series: string }[] {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  const step = Math.max(1, Math.floor(n / max));
  const out = [];
  for (let i = 0; i < n; i += step) out.push({ latencyMs: s[i], fraction: (i + 1) / n, series });
  if (n) out.push({ latencyMs: s[n - 1], fraction: 1, series });
  return out;
}

/** Per-second p50 and p99 of latencies by arrival time. */
function perSecond(rows: { t: number; v: number }[], series: string) {
  const bySecond = new Map<number, number[]>();
  for (const r of rows) {
    const s = Math.floor(r.t / 1000) * 1000;
    (bySecond.get(s) ?? bySecond.set(s, []).get(s)!).push(r.v);
  }
  return [...bySecond].flatMap(([second, vs]) => {
    const sorted = vs.sort((a, b) => a - b);
    return [
      { time: second, latencyMs: percentile(sorted, 50), series: `${series} p50` },
      { time: second, latencyMs: percentile(sorted, 99), series: `${series} p99` },
    ];
  });
}

const lat = (rows: Row[]) => rows.map((r) => ({ t: Number(r.receivedTs), v: Number(r.latencyMs) }));

/** The figures of one run. */
export async function runCharts(data: RunData, summary: RunSummary): Promise<Chart[]> {
  const e2e = lat(data.outSink);
  const f2c = lat(data.inSink);
  const interval = summary.steadyState.interval;
  const charts: Chart[] = [];
  if (e2e.length || f2c.length) {
    const records = latencyRecords(data);
    const steady = (rs: typeof records.endToEnd) => (interval ? rs.filter((r) => inSteadyState(r, interval)).map((r) => r.latencyMs) : []);
    charts.push(
      await render("Latency CDF (whole run and steady state)", {
        data: {
          values: [
            ...cdfPoints(e2e.map((r) => r.v), "end-to-end"),
            ...cdfPoints(f2c.map((r) => r.v), "fog-to-cloud"),
            ...cdfPoints(steady(records.endToEnd), "end-to-end, steady state"),
            ...cdfPoints(steady(records.fogToCloud), "fog-to-cloud, steady state"),
          ],
        },
        mark: { type: "line", interpolate: "step-after" },
        encoding: {
          x: { field: "latencyMs", type: "quantitative", title: "latency (ms)", scale: { type: "symlog" } },
          y: { field: "fraction", type: "quantitative", title: "fraction of records" },
          color: { field: "series", type: "nominal", title: null },
          strokeDash: { field: "steady", type: "nominal", legend: null },
        },
        transform: [{ calculate: "indexof(datum.series, 'steady') >= 0 ? 'steady' : 'whole'", as: "steady" }],
      }),
      await render(`Latency over time (per second)${interval ? "; shaded: steady state" : ""}`, {
        layer: [
          // The steady-state interval under the lines, so the reader sees which part the steady figures cover.
          ...(interval
            ? [
                {
                  data: { values: [{ start: interval.startTs, end: interval.endTs, label: "steady state" }] },
                  mark: { type: "rect" as const, color: "#4c9f70", opacity: 0.15 },
                  encoding: { x: { field: "start", type: "temporal" as const }, x2: { field: "end" } },
                },
                {
                  data: { values: [{ start: interval.startTs, label: "steady state" }] },
                  mark: { type: "text" as const, align: "left" as const, baseline: "top" as const, dx: 4, dy: 4, color: "#2d6b48" },
                  encoding: { x: { field: "start", type: "temporal" as const }, y: { value: 0 }, text: { field: "label" } },
                },
              ]
            : []),
          {
            data: { values: [...perSecond(e2e, "end-to-end"), ...perSecond(f2c, "fog-to-cloud")] },
            mark: "line" as const,
            encoding: {
              x: { field: "time", type: "temporal" as const, title: "time" },
              y: { field: "latencyMs", type: "quantitative" as const, title: "latency (ms)" },
              color: { field: "series", type: "nominal" as const, title: null },
            },
          },
          // Scheduled faults, early exits and watched events (report/runHealth.ts), as dashed rules.
          ...timelineLayers(summary.health?.timeline),
        ],
      } as TopLevelSpec),
    );
  }
  if (summary.producers.length) {
    charts.push(
      await render("Throughput per producer", {
        data: { values: summary.producers.map((p) => ({ producer: p.label, rate: p.perSecond })) },
        mark: "bar",
        encoding: {
          x: { field: "producer", type: "nominal", sort: null, axis: summary.producers.length > 40 ? { labels: false, ticks: false } : {}, title: `producer (${summary.producers.length})` },
          y: { field: "rate", type: "quantitative", title: "frames sent per second" },
        },
      }),
    );
  }
  const gatewaySeries = data.gateways.flatMap((g) => g.throughput.map((r) => ({ time: Number(r.second), received: Number(r.received), gateway: g.label })));
  if (gatewaySeries.length) {
    charts.push(
      await render("Throughput per gateway", withTimelineMarks({
        data: { values: gatewaySeries },
        mark: "line",
        encoding: {
          x: { field: "time", type: "temporal", title: "time" },
          y: { field: "received", type: "quantitative", title: "frames received per second" },
          color: { field: "gateway", type: "nominal" },
        },
      }, summary.health?.timeline)),
    );
  }
  if (data.hosts.length) {
    const samples = data.hosts.flatMap((h) => h.samples.map((s) => ({ host: h.host, ...s })));
    const hostChart = (title: string, field: string, axis: string) =>
      render(title, {
        data: { values: samples },
        mark: "line",
        encoding: {
          x: { field: "t", type: samples.some((s) => s.t > 1e12) ? "temporal" : "quantitative", title: "time" },
          y: { field, type: "quantitative", title: axis },
          color: { field: "host", type: "nominal" },
        },
      });
    charts.push(await hostChart("CPU busy per host", "cpuBusyPercent", "CPU busy (%)"), await hostChart("Memory used per host", "memoryUsedMB", "memory used (MB)"));
    charts.push(await hostChart("Network received per host", "netRecvKBps", "received (KB/s)"), await hostChart("Network sent per host", "netSendKBps", "sent (KB/s)"));
  }
  return charts;
}

/** Across the runs of a repeat: mean and spread of the latency percentiles, whole runs and steady states. */
export async function repeatCharts(summaries: RunSummary[]): Promise<Chart[]> {
  const values = summaries.flatMap((s) =>
    (["endToEnd", "fogToCloud"] as const).flatMap((k) =>
      ([["whole run", s.latencyMs[k]], ["steady state", s.steadyState.latencyMs[k]]] as const).flatMap(([part, d]) =>
        d ? (["p50", "p95", "p99"] as const).map((p) => ({ run: s.run, series: k === "endToEnd" ? "end-to-end" : "fog-to-cloud", part, percentile: p, latencyMs: d[p] })) : [],
      ),
    ),
  );
  if (!values.length) return [];
  return [
    await render(`Latency percentiles across ${summaries.length} runs (mean, min-max)`, {
      data: { values },
      facet: { column: { field: "series", type: "nominal", title: null }, row: { field: "part", type: "nominal", title: null } },
      // fog-to-cloud is often a hundredth of end-to-end, the steady state a fraction of the whole: each panel its own scale
      resolve: { scale: { y: "independent" } },
      spec: {
        width: 280,
        height: HEIGHT / 2,
        layer: [
          {
            mark: "rule",
            encoding: {
              x: { field: "percentile", type: "nominal" },
              color: { field: "part", type: "nominal", title: null },
              y: { aggregate: "min", field: "latencyMs", type: "quantitative", title: "latency (ms)" },
              y2: { aggregate: "max", field: "latencyMs" },
            },
          },
          {
            mark: { type: "point", filled: true, size: 60 },
            encoding: {
              x: { field: "percentile", type: "nominal" },
              color: { field: "part", type: "nominal", title: null },
              y: { aggregate: "mean", field: "latencyMs", type: "quantitative" },
            },
          },
        ],
      },
    } as never),
  ];
}
