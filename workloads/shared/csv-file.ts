import * as fs from "node:fs";
import * as path from "node:path";
import { stringify, Stringifier } from "csv-stringify";

/** A metrics CSV file with a header row, written as a stream; close() waits until it is on disk. */
export class CsvFile<Row extends Record<string, string | number>> {
  private readonly stringifier: Stringifier;
  private readonly done: Promise<void>;
  rows = 0;

  constructor(readonly file: string, readonly columns: readonly (keyof Row & string)[]) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const out = fs.createWriteStream(file);
    // The header is written up front so a run with no samples still leaves a parseable file.
    out.write(columns.join(",") + "\n");
    this.stringifier = stringify({ columns: [...columns], header: false });
    this.stringifier.pipe(out);
    this.done = new Promise((resolve, reject) => {
      out.on("finish", () => resolve());
      out.on("error", reject);
      this.stringifier.on("error", reject);
    });
  }

  write(row: Row): void {
    this.stringifier.write(row);
    this.rows++;
  }

  async close(): Promise<void> {
    this.stringifier.end();
    await this.done;
  }
}
