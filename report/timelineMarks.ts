import { TopLevelSpec } from "vega-lite";
import { TimelineMark } from "./runHealth";

const COLOR: Record<TimelineMark["kind"], string> = { fault: "#d62728", exit: "#7f7f7f", watch: "#ff7f0e" };

/**
 * A chart over time with the run's marks drawn on it: a dashed vertical rule at each scheduled fault,
 * early exit and watched event, labelled at the top. The chart's own layer keeps its data and encoding.
 */
export function withTimelineMarks(spec: { data: { values: unknown[] }; mark: unknown; encoding: Record<string, unknown> }, marks: TimelineMark[] | undefined): TopLevelSpec {
  if (!marks?.length) return spec as TopLevelSpec;
  return { layer: [spec, ...timelineLayers(marks)] } as unknown as TopLevelSpec;
}

/** The layers that draw the marks (none without marks), to add to a layered chart over time. */
export function timelineLayers(marks: TimelineMark[] | undefined): never[] {
  if (!marks?.length) return [];
  const values = marks.map((m, i) => ({ time: Date.parse(m.at), label: `${i + 1}. ${m.label}`.slice(0, 60), kind: m.kind, color: COLOR[m.kind], row: i % 4 }));
  return [
    {
      data: { values },
      mark: { type: "rule", strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: { x: { field: "time", type: "temporal" }, color: { field: "color", type: "nominal", scale: null } },
    },
    {
      data: { values },
      mark: { type: "text", align: "left", dx: 3, fontSize: 9, baseline: "top" },
      encoding: { x: { field: "time", type: "temporal" }, y: { value: 0 }, yOffset: { field: "row", type: "quantitative", scale: { range: [0, 36] }, legend: null }, text: { field: "label" }, color: { field: "color", type: "nominal", scale: null } },
    },
  ] as never[];
}
