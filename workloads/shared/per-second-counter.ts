import { CsvFile } from "./csv-file";

/**
 * Counts events per wall-clock second and writes one CSV row per second, zeros included, from
 * the second it was started to the second it was closed, so the file shows the whole run.
 */
export class PerSecondCounter<Field extends string> {
  private readonly csv: CsvFile<Record<string, number>>;
  private readonly buckets = new Map<number, Record<Field, number>>();
  private nextSecond: number;
  private readonly timer: NodeJS.Timeout;

  constructor(file: string, private readonly fields: readonly Field[]) {
    this.csv = new CsvFile<Record<string, number>>(file, ["second", ...fields]);
    this.nextSecond = Math.floor(Date.now() / 1000) * 1000;
    this.timer = setInterval(() => this.flushBefore(Math.floor(Date.now() / 1000) * 1000), 1000);
    this.timer.unref();
  }

  add(field: Field, n = 1, now = Date.now()): void {
    const second = Math.floor(now / 1000) * 1000;
    let b = this.buckets.get(second);
    if (!b) {
      b = Object.fromEntries(this.fields.map((f) => [f, 0])) as Record<Field, number>;
      this.buckets.set(second, b);
    }
    b[field] += n;
  }

  private flushBefore(limit: number): void {
    for (; this.nextSecond < limit; this.nextSecond += 1000) {
      const b = this.buckets.get(this.nextSecond);
      this.buckets.delete(this.nextSecond);
      const row: Record<string, number> = { second: this.nextSecond };
      for (const f of this.fields) row[f] = b ? b[f] : 0;
      this.csv.write(row);
    }
  }

  /** Writes every second up to and including the current one. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const last = Math.max(...[...this.buckets.keys(), Math.floor(Date.now() / 1000) * 1000]);
    this.flushBefore(last + 1000);
    await this.csv.close();
  }
}
