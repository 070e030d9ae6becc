import * as fs from "node:fs";
import { parse } from "csv-parse/sync";

/** Parses a metrics CSV, checking its header and that every cell of the named columns is an integer. */
export function readMetricsCsv(file: string, columns: string[], textColumns: string[] = []): Record<string, number | string>[] {
  const text = fs.readFileSync(file, "utf8");
  const header = text.split("\n", 1)[0];
  if (header !== columns.join(",")) throw new Error(`${file}: header '${header}' is not '${columns.join(",")}'`);
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((row, i) => {
    const out: Record<string, number | string> = {};
    for (const c of columns) {
      if (textColumns.includes(c)) {
        out[c] = row[c];
        continue;
      }
      const n = Number(row[c]);
      if (row[c] === "" || !Number.isInteger(n)) throw new Error(`${file} row ${i + 2}: ${c}='${row[c]}' is not an integer`);
      out[c] = n;
    }
    return out;
  });
}
