import * as fs from "fs";
import { parse } from "csv-parse/sync";

/** Rows of a metrics CSV (header row first) with numeric cells as numbers. */
export function readCsv(file: string): Record<string, number | string>[] {
  return parse(fs.readFileSync(file), {
    columns: true,
    skip_empty_lines: true,
    cast: (value) => (value !== "" && !Number.isNaN(Number(value)) ? Number(value) : value),
  });
}

/**
 * dstat's CSV: a few metadata lines, a row of groups ("total cpu usage", "memory usage", ...), a row of
 * columns ("usr", "sys", ...), then samples. Columns come back as `group/column` ("memory usage/used").
 */
export function readDstatCsv(file: string): Record<string, number>[] {
  const rows: string[][] = parse(fs.readFileSync(file), { relax_column_count: true, skip_empty_lines: true });
  const header = rows.findIndex((r) => r.includes("usr") || r.includes("used") || r.includes("recv"));
  if (header < 1) return [];
  const groups = rows[header - 1];
  let group = "";
  const names = rows[header].map((c, i) => {
    if (groups[i]) group = groups[i];
    return `${group}/${c}`;
  });
  // A dstat started again on the same file (its host restored) writes its preamble and headers again:
  // rows with no number at all are those, not samples.
  return rows
    .slice(header + 1)
    .filter((r) => r.some((c) => c.trim() !== "" && Number.isFinite(Number(c))))
    .map((r) => Object.fromEntries(names.map((n, i) => [n, Number(r[i])])));
}
