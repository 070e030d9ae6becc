import * as fs from "node:fs";
import * as path from "node:path";

/** One start of a program: its own totals, when it started, when it last wrote, whether it ended normally. */
export type Segment<T> = T & { startedTs: number; updatedTs: number; final: boolean };

/**
 * A program's running totals (messages handled, malformed skips, ...) as summary.json in its
 * metrics folder, rewritten periodically and at exit so a test or operator can watch progress.
 *
 * A program started again on the same folder (restarted after a crash, or its host restored) continues
 * the file: every start is a segment of its own in `segments`, and the top level holds the totals over
 * every segment (the `additive` fields summed, the others as the latest start has them), so that what an
 * earlier start counted is never lost. `final` at the top level is the latest start's; an earlier start
 * that was killed keeps `final: false` in its segment.
 */
export class SummaryFile<T extends object> {
  private readonly timer: NodeJS.Timeout;
  private readonly earlier: Segment<T>[];
  private readonly startedTs = Date.now();

  constructor(
    readonly file: string,
    private readonly snapshot: () => T,
    private readonly additive: readonly (keyof T & string)[] = [],
    everyMs = 500,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.earlier = SummaryFile.segmentsIn(file) as Segment<T>[];
    this.write(false);
    this.timer = setInterval(() => this.write(false), everyMs);
    this.timer.unref();
  }

  /** The segments an earlier start left in `file` (none when there is no readable file). */
  static segmentsIn(file: string): Segment<Record<string, unknown>>[] {
    let prev: Record<string, unknown>;
    try {
      prev = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      return [];
    }
    if (Array.isArray(prev.segments)) return prev.segments as Segment<Record<string, unknown>>[];
    // A file of one start written before segments existed.
    const { updatedTs, final, ...rest } = prev;
    return [{ ...rest, startedTs: Number(updatedTs), updatedTs: Number(updatedTs), final: final === true }];
  }

  private write(final: boolean): void {
    const own = { ...this.snapshot(), startedTs: this.startedTs, updatedTs: Date.now(), final } as Segment<T>;
    const segments = [...this.earlier, own];
    const combined: Record<string, unknown> = { ...own };
    for (const k of this.additive) combined[k] = segments.reduce((a, s) => a + (Number(s[k]) || 0), 0);
    // Write then rename so readers never see a half-written file.
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ ...combined, startedTs: segments[0].startedTs, segments }, null, 2) + "\n");
    fs.renameSync(tmp, this.file);
  }

  close(): void {
    clearInterval(this.timer);
    this.write(true);
  }
}
