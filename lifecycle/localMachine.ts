import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * What the local testbed needs on this machine before a deploy, made where it can be, and otherwise an
 * error that says how: a Docker engine that answers, and the images (built here; nothing is pulled).
 */

function dockerAnswers(): boolean {
  return spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0;
}

/** Starts the engine (systemd where it runs, else dockerd in the background) as root; says how otherwise. */
export function ensureDockerEngine(projectDir: string, say: (line: string) => void): void {
  if (dockerAnswers()) return;
  const root = process.getuid?.() === 0;
  const systemd = fs.existsSync("/run/systemd/system");
  if (!root) {
    throw new Error(
      "no Docker engine answers (docker info failed) and this is not root: install Docker (Debian: sudo apt-get install docker.io), " +
        (systemd ? "start it (sudo systemctl start docker)" : "start it (sudo bash testbed/start-dockerd.sh)") +
        " and add yourself to the docker group, or run as root",
    );
  }
  if (systemd && spawnSync("systemctl", ["cat", "docker.service"], { stdio: "ignore" }).status === 0) {
    say("starting the Docker engine (systemctl start docker)");
    if (spawnSync("systemctl", ["start", "docker"], { stdio: "inherit" }).status === 0 && dockerAnswers()) return;
  }
  say("starting the Docker engine (testbed/start-dockerd.sh: installs Debian's docker.io when missing)");
  const r = spawnSync("bash", [path.join(projectDir, "testbed/start-dockerd.sh")], { stdio: "inherit" });
  if (r.status !== 0 || !dockerAnswers()) throw new Error("could not start a Docker engine: see the lines above (log in /var/log/dockerd.log)");
}

/**
 * `testbed/build-images.sh`, which returns at once when the images are current; its progress lines are
 * passed on with the time since the start, since the first build takes minutes.
 */
export async function ensureImages(projectDir: string, say: (line: string) => void): Promise<void> {
  const t0 = Date.now();
  const child = spawn("bash", [path.join(projectDir, "testbed/build-images.sh")], { stdio: ["ignore", "pipe", "pipe"] });
  const tail: string[] = [];
  const pass = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (/^(build-images|build\.sh|make-base\.sh|install):/.test(line)) say(`[${Math.round((Date.now() - t0) / 1000)} s] ${line}`);
    }
  };
  child.stdout.on("data", pass);
  child.stderr.on("data", pass);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`building the images failed (testbed/build-images.sh exited ${code}):\n${tail.join("\n")}`);
}
