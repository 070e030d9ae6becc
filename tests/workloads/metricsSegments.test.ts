import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CsvFile } from "../../workloads/shared/csv-file";
import { PerSecondCounter } from "../../workloads/shared/per-second-counter";
import { SummaryFile } from "../../workloads/shared/summary-file";

/**
 * A program started again on its metrics folder (a restarted gateway, a restored host) keeps what its
 * earlier start recorded: CSV rows are appended, summary.json keeps every start as a segment and sums the
 * counts over them.
 */
describe("metrics files across a program's starts", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-segments-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a second start appends its rows under the one header", async () => {
    const file = path.join(dir, "latency.csv");
    const a = new CsvFile<{ camera: number; seq: number }>(file, ["camera", "seq"]);
    a.write({ camera: 1, seq: 0 });
    a.write({ camera: 1, seq: 1 });
    await a.close();
    const b = new CsvFile<{ camera: number; seq: number }>(file, ["camera", "seq"]);
    b.write({ camera: 1, seq: 2 });
    await b.close();
    expect(fs.readFileSync(file, "utf8")).toBe("camera,seq\n1,0\n1,1\n1,2\n");
  });

  it("a row cut by a kill is dropped, whole rows are kept", async () => {
    const file = path.join(dir, "latency.csv");
    fs.writeFileSync(file, "camera,seq\n1,0\n1,1\n1,");
    const b = new CsvFile<{ camera: number; seq: number }>(file, ["camera", "seq"]);
    b.write({ camera: 1, seq: 2 });
    await b.close();
    expect(fs.readFileSync(file, "utf8")).toBe("camera,seq\n1,0\n1,1\n1,2\n");
  });

  it("a file cut inside its header is started again; another kind of file is refused", async () => {
    const file = path.join(dir, "latency.csv");
    fs.writeFileSync(file, "came");
    const a = new CsvFile<{ camera: number; seq: number }>(file, ["camera", "seq"]);
    await a.close();
    expect(fs.readFileSync(file, "utf8")).toBe("camera,seq\n");
    expect(() => new CsvFile<{ second: number }>(file, ["second"])).toThrow(/has columns "camera,seq", not "second"/);
  });

  it("per-second counts of both starts are in the file", async () => {
    const file = path.join(dir, "throughput.csv");
    const a = new PerSecondCounter(file, ["sent"] as const);
    a.add("sent", 3);
    await a.close();
    const b = new PerSecondCounter(file, ["sent"] as const);
    b.add("sent", 4);
    await b.close();
    const rows = fs.readFileSync(file, "utf8").trim().split("\n");
    expect(rows[0]).toBe("second,sent");
    expect(rows.filter((r) => r === "second,sent")).toHaveLength(1);
    expect(rows.slice(1).reduce((s, r) => s + Number(r.split(",")[1]), 0)).toBe(7);
  });

  it("summary.json keeps each start as a segment and sums the counts", () => {
    const file = path.join(dir, "summary.json");
    const first = { gateway: "g1", received: 5, pending: 2 };
    const a = new SummaryFile(file, () => first, ["received"]);
    // Killed: never closed, its last periodic write stays (final: false).
    (a as unknown as { timer: NodeJS.Timeout }).timer.unref();
    clearInterval((a as unknown as { timer: NodeJS.Timeout }).timer);
    const second = { gateway: "g1", received: 7, pending: 0 };
    const b = new SummaryFile(file, () => second, ["received"]);
    b.close();
    const s = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(s).toMatchObject({ gateway: "g1", received: 12, pending: 0, final: true });
    expect(s.segments.map((x: { received: number; final: boolean }) => [x.received, x.final])).toEqual([
      [5, false],
      [7, true],
    ]);
    expect(s.startedTs).toBe(s.segments[0].startedTs);
    expect(SummaryFile.segmentsIn(file)).toHaveLength(2);
  });

  it("a summary written before segments existed counts as the first segment", () => {
    const file = path.join(dir, "summary.json");
    fs.writeFileSync(file, JSON.stringify({ camera: 3, sent: 10, lastSeq: 9, final: false, updatedTs: 1000 }));
    const b = new SummaryFile(file, () => ({ camera: 3, sent: 4, lastSeq: 13 }), ["sent"]);
    b.close();
    const s = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(s).toMatchObject({ camera: 3, sent: 14, lastSeq: 13, final: true, startedTs: 1000 });
    expect(s.segments[0]).toMatchObject({ sent: 10, lastSeq: 9, final: false });
  });
});
