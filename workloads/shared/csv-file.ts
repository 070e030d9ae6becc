import * as fs from "node:fs";
import * as path from "node:path";
import { stringify, Stringifier } from "csv-stringify";

/**
 * A metrics CSV file with a header row, written as a stream; close() waits until it is on disk.
 *
 * A program started again on the same folder (restarted after a crash, or its host restored) appends to
 * the file its earlier start wrote, so nothing recorded before is lost; a row the earlier start was
 * killed in the middle of writing (no final newline) is cut off first, so every line stays a whole row.
 */
export class CsvFile<Row extends Record<string, string | number>> {
  private readonly stringifier: Stringifier;
  private readonly done: Promise<void>;
  rows = 0;

  constructor(readonly file: string, readonly columns: readonly (keyof Row & string)[]) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const header = columns.join(",");
    const kept = CsvFile.wholeRows(file);
    if (kept !== undefined && kept.header !== header) {
      throw new Error(`${file} has columns "${kept.header}", not "${header}": refusing to append to another kind of file`);
    }
    if (kept !== undefined) fs.truncateSync(file, kept.bytes);
    // Nothing to continue (no file, or not even a whole header line): a new file.
    const out = fs.createWriteStream(file, { flags: kept === undefined ? "w" : "a" });
    // The header is written up front so a run with no samples still leaves a parseable file.
    if (kept === undefined) out.write(header + "\n");
    this.stringifier = stringify({ columns: [...columns], header: false });
    this.stringifier.pipe(out);
    this.done = new Promise((resolve, reject) => {
      out.on("finish", () => resolve());
      out.on("error", reject);
      this.stringifier.on("error", reject);
    });
  }

  /** An existing file's header and the length of its whole lines; undefined when there is none to continue. */
  private static wholeRows(file: string): { header: string; bytes: number } | undefined {
    let text: Buffer;
    try {
      text = fs.readFileSync(file);
    } catch {
      return undefined;
    }
    const firstNewline = text.indexOf(0x0a);
    if (firstNewline < 0) return undefined;
    return { header: text.subarray(0, firstNewline).toString("utf8"), bytes: text.lastIndexOf(0x0a) + 1 };
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
