import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO = path.resolve(__dirname, "../../..");
export const SCRIPTS = path.join(REPO, "scripts/services");
const SERVICES_HOME = process.env.SERVICES_HOME ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "surveillance-services");

/** Everything install.sh provides; a missing piece fails the test with what to run. */
export function missingPrerequisites(): string[] {
  const need: [string, string][] = [
    ["/usr/sbin/mosquitto", "mosquitto (Debian)"],
    ["/usr/share/java/zookeeper.jar", "zookeeper (Debian)"],
    [path.join(SERVICES_HOME, "kafka-3.9.1/lib/.complete"), "Kafka runtime"],
    [path.join(SERVICES_HOME, "flink-1.20.3/lib/.complete"), "Flink runtime"],
    [path.join(REPO, "workloads/flink-job/target/people-count-flink.jar"), "Flink job jar"],
    ["/usr/bin/java", "java"],
    ["/usr/bin/curl", "curl"],
  ];
  return need.filter(([f]) => !fs.existsSync(f)).map(([f, what]) => `${what} (${f})`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export async function script(name: string, args: string[], timeoutMs = 120000): Promise<string> {
  try {
    const { stdout } = await run(path.join(SCRIPTS, name), args, { timeout: timeoutMs });
    return stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${name} ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
  }
}

/** Stops every service whose pid file lies under dir (all services started by the test). */
export async function stopAllUnder(dir: string): Promise<void> {
  if (!fs.existsSync(dir)) return;
  const pidFiles: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".pid")) pidFiles.push(p);
    }
  };
  walk(dir);
  // TaskManager before JobManager and Kafka before ZooKeeper, so nothing waits on a dead peer.
  const order = ["taskmanager", "jobmanager", "kafka", "zookeeper", "mosquitto"];
  pidFiles.sort((a, b) => order.indexOf(path.basename(a, ".pid")) - order.indexOf(path.basename(b, ".pid")));
  if (pidFiles.length) await script("stop.sh", pidFiles, 120000);
}
