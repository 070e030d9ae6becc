import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough } from "stream";
import { DeploymentBackend, DestroyReport } from "../../lifecycle/deploymentBackend";
import { runExperiment } from "../../lifecycle/experimentRunner";

/** A backend that records what it was asked to do; `up` of the runs listed in `failing` throws. */
class RecordingBackend implements DeploymentBackend {
  readonly name = "recording";
  readonly calls: string[] = [];
  private run = 0;
  constructor(
    private readonly root: string,
    private readonly failing: number[] = [],
    private readonly onUp?: (run: number) => void,
  ) {}
  async up(env: Record<string, string>): Promise<Record<string, unknown>> {
    this.run++;
    this.calls.push(`up ${this.run} duration=${env.E2C_DURATION} repeat=${env.E2C_REPEAT}`);
    this.onUp?.(this.run);
    if (this.failing.includes(this.run)) throw new Error(`host unreachable in run ${this.run}`);
    return { resultsFolder: path.join(this.root, `run-${this.run}`) };
  }
  async destroy(): Promise<DestroyReport> {
    this.calls.push(`destroy ${this.run}`);
    return { errors: [] };
  }
}

const quiet = () => {
  const s = new PassThrough();
  s.resume();
  return s as unknown as NodeJS.WriteStream;
};

describe("repeated runs", () => {
  const root = () => fs.mkdtempSync(path.join(os.tmpdir(), "e2c-runs-"));

  it("runs N+1 times up -> wait -> destroy, with each run's duration and repeat index", async () => {
    const dir = root();
    const b = new RecordingBackend(dir);
    const t0 = Date.now();
    const outcomes = await runExperiment({ backend: b, repeat: 2, durationSeconds: 1, resultsRoot: dir, out: quiet() });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000);
    expect(b.calls).toEqual(["up 1 duration=1 repeat=0", "destroy 1", "up 2 duration=1 repeat=1", "destroy 2", "up 3 duration=1 repeat=2", "destroy 3"]);
    expect(outcomes.map((o) => o.status)).toEqual(["ok", "ok", "ok"]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "runs.json"), "utf8")).map((o: { resultsFolder: string }) => o.resultsFolder)).toEqual([1, 2, 3].map((i) => path.join(dir, `run-${i}`)));
  });

  it("records a failed run, still destroys what it made, and goes on with the next", async () => {
    const dir = root();
    const b = new RecordingBackend(dir, [1]);
    const outcomes = await runExperiment({ backend: b, repeat: 1, durationSeconds: 1, resultsRoot: dir, out: quiet() });
    expect(b.calls).toEqual(["up 1 duration=1 repeat=0", "destroy 1", "up 2 duration=1 repeat=1", "destroy 2"]);
    expect(outcomes[0]).toMatchObject({ status: "failed", errors: ["up: host unreachable in run 1"] });
    expect(outcomes[1].status).toBe("ok");
    expect(fs.readFileSync(path.join(dir, "experiment.log"), "utf8")).toContain("run 1: up failed: host unreachable in run 1");
  });

  it("Ctrl-C ends the wait, still finalizes and collects the current run, then stops", async () => {
    const dir = root();
    const b = new RecordingBackend(dir, [], (run) => {
      if (run === 1) setTimeout(() => process.emit("SIGINT"), 300);
    });
    const t0 = Date.now();
    const outcomes = await runExperiment({ backend: b, repeat: 3, durationSeconds: 30, resultsRoot: dir, out: quiet() });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(b.calls).toEqual(["up 1 duration=30 repeat=0", "destroy 1"]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0].status).toBe("interrupted");
  });
});
