/**
 * Bad input to each program: missing or invalid arguments exit 2 with a message naming the problem;
 * an unreachable broker exits 1 with a message naming the broker. (Malformed messages on live topics
 * are exercised in pipeline.test.ts.)
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freePort, missingPrerequisites, REPO, SCRIPTS } from "./support/services";

const BIN = path.join(REPO, "bin/workloads");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-"));

interface Result {
  code: number | null;
  stderr: string;
  ms: number;
}

function run(cmd: string, args: string[], timeoutMs = 45000): Promise<Result> {
  const start = Date.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ code, stderr: `${stdout}${stderr}`, ms: Date.now() - start });
    });
  });
}

function program(name: string, args: string[]): Promise<Result> {
  return run(process.execPath, [path.join(BIN, name, "main.js"), ...args]);
}

beforeAll(() => {
  execFileSync("npx", ["tsc", "-p", "workloads/tsconfig.json"], { cwd: REPO, stdio: "inherit" });
}, 120000);

describe("missing or invalid arguments exit 2 with a clear message", () => {
  test.each([
    ["camera", [], /required option '--camera <n>' not specified/],
    ["camera", ["--camera", "1", "--broker", "mqtt://127.0.0.1:1", "--topic", "t", "--duration", "1", "--metrics", tmp, "--fps", "abc"], /option '--fps <n>' argument 'abc' is invalid\. expected a positive number/],
    ["camera", ["--camera", "0", "--broker", "mqtt://127.0.0.1:1", "--topic", "t", "--duration", "1", "--metrics", tmp], /'--camera <n>' argument '0' is invalid/],
    ["camera", ["--camera", "1", "--broker", "http://x", "--topic", "t", "--duration", "1", "--metrics", tmp], /unsupported scheme http:/],
    ["gateway", ["--mqtt", "mqtt://127.0.0.1:1", "--mqtt-topic", "f", "--kafka-topic", "in", "--metrics", tmp], /required option '--kafka <brokers>' not specified/],
    ["gateway", ["--mqtt", "mqtt://127.0.0.1:1", "--mqtt-topic", "f", "--kafka", "nohostport", "--kafka-topic", "in", "--metrics", tmp], /'nohostport' is not host:port/],
    ["in-sink", ["--kafka", "127.0.0.1:1", "--metrics", tmp], /required option '--topic <topic>' not specified/],
    ["out-sink", ["--kafka", "127.0.0.1:1", "--topic", "bad topic!", "--metrics", tmp], /not a valid Kafka topic name/],
    ["dataset", ["--cameras", "1", "--frames", "1"], /required option '--out <dir>' not specified/],
  ])("%s %j", async (name, args, message) => {
    const r = await program(name, args as string[]);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(`${name === "dataset" ? "make-dataset" : name}: error:`);
    expect(r.code).toBe(2);
  });
});

describe("unreachable brokers exit 1 naming the broker", () => {
  let port = 0;
  beforeAll(async () => {
    port = await freePort(); // nothing listens there
  });

  test("camera: MQTT broker down", async () => {
    const r = await program("camera", [
      "--camera", "1", "--broker", `mqtt://127.0.0.1:${port}`, "--topic", "t", "--duration", "1",
      "--metrics", path.join(tmp, "cam"), "--connect-timeout", "1500",
    ]);
    expect(r.stderr).toContain(`camera: error: cannot reach MQTT broker at mqtt://127.0.0.1:${port} within 1500 ms`);
    expect(r.code).toBe(1);
  }, 30000);

  test.each(["gateway", "in-sink", "out-sink"])("%s: Kafka down", async (name) => {
    const args = name === "gateway"
      ? ["--mqtt", `mqtt://127.0.0.1:${port}`, "--mqtt-topic", "f", "--kafka", `127.0.0.1:${port}`, "--kafka-topic", "in", "--metrics", path.join(tmp, name)]
      : ["--kafka", `127.0.0.1:${port}`, "--topic", "in", "--metrics", path.join(tmp, name)];
    const r = await program(name, args);
    expect(r.stderr).toContain(`${name}: error: cannot reach Kafka at 127.0.0.1:${port}`);
    expect(r.code).toBe(1);
  }, 60000);

  test("camera: dataset folder without truth.csv", async () => {
    fs.mkdirSync(path.join(tmp, "empty-dataset"), { recursive: true });
    const r = await program("camera", [
      "--camera", "1", "--broker", `mqtt://127.0.0.1:${port}`, "--topic", "t", "--duration", "1",
      "--metrics", path.join(tmp, "cam2"), "--dataset", path.join(tmp, "empty-dataset"),
    ]);
    expect(r.stderr).toMatch(/camera: error: dataset .*empty-dataset has no truth\.csv/);
    expect(r.code).toBe(1);
  });
});

describe("Flink job arguments", () => {
  const conf = path.join(tmp, "flink-conf");
  beforeAll(() => {
    const missing = missingPrerequisites();
    if (missing.length) throw new Error(`prerequisites missing, run scripts/services/install.sh: ${missing.join("; ")}`);
    // The client runs the job's main() before contacting any cluster, so none is needed here.
    execFileSync(path.join(SCRIPTS, "flink-config.sh"), [conf, "127.0.0.1", "1", "2", "1"]);
  });

  test.each([
    [["2", "127.0.0.1:9092", "in", "out", "127.0.0.1:9092"], /expected 6 to 9 arguments, got 5/],
    [["2", "127.0.0.1:9092", "in", "out", "127.0.0.1:9092", "x"], /WINDOW_SECONDS must be a positive integer, got 'x'/],
    [["2", "kafka", "in", "out", "127.0.0.1:9092", "20"], /INPUT_BOOTSTRAP must be host:port/],
  ])("%j", async (args, message) => {
    const r = await run(path.join(SCRIPTS, "submit-flink-job.sh"), [conf, ...(args as string[])], 60000);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("job submission failed");
    expect(r.code).not.toBe(0);
  }, 60000);
});
