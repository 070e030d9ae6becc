import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A program's running totals (messages handled, malformed skips, ...) as summary.json in its
 * metrics folder, rewritten periodically and at exit so a test or operator can watch progress.
 */
export class SummaryFile<T extends object> {
  private readonly timer: NodeJS.Timeout;

  constructor(readonly file: string, private readonly snapshot: () => T, everyMs = 500) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.write(false);
    this.timer = setInterval(() => this.write(false), everyMs);
    this.timer.unref();
  }

  private write(final: boolean): void {
    // Write then rename so readers never see a half-written file.
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ ...this.snapshot(), final, updatedTs: Date.now() }, null, 2) + "\n");
    fs.renameSync(tmp, this.file);
  }

  close(): void {
    clearInterval(this.timer);
    this.write(true);
  }
}
