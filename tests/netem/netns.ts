import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Runs a command, returning its output; throws with stderr when it fails (unless `allowFail`). */
export function run(cmd: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; allowFail?: boolean } = {}) {
  const r = spawnSync(cmd[0], cmd.slice(1), { input: opts.input, env: { ...process.env, ...opts.env }, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A shaping host A with two neighbours, B and C, each on its own veth link, in network namespaces this
 * test creates (and deletes). Traffic stays inside them.
 */
export class Triangle {
  readonly id = `${process.pid % 10000}${Math.floor(Math.random() * 100)}`;
  readonly ns = { a: `e2c-a-${this.id}`, b: `e2c-b-${this.id}`, c: `e2c-c-${this.id}` };
  readonly dev = { ab: `e2cab${this.id}`, ac: `e2cac${this.id}` };
  readonly addr = { ab: "10.251.1.1", b: "10.251.1.2", ac: "10.251.2.1", c: "10.251.2.2" };
  readonly stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-netem-state-"));
  private servers: ChildProcess[] = [];

  create(): this {
    for (const n of Object.values(this.ns)) run(["ip", "netns", "add", n]);
    for (const [dev, peerNs, local, peer] of [
      [this.dev.ab, this.ns.b, this.addr.ab, this.addr.b],
      [this.dev.ac, this.ns.c, this.addr.ac, this.addr.c],
    ]) {
      run(["ip", "link", "add", dev, "netns", this.ns.a, "type", "veth", "peer", "name", "peer0", "netns", peerNs]);
      this.exec(this.ns.a, ["ip", "addr", "add", `${local}/24`, "dev", dev]);
      this.exec(this.ns.a, ["ip", "link", "set", dev, "up"]);
      this.exec(peerNs, ["ip", "addr", "add", `${peer}/24`, "dev", "peer0"]);
      this.exec(peerNs, ["ip", "link", "set", "peer0", "up"]);
      this.exec(peerNs, ["ip", "link", "set", "lo", "up"]);
    }
    this.exec(this.ns.a, ["ip", "link", "set", "lo", "up"]);
    return this;
  }

  exec(ns: string, cmd: string[], opts: Parameters<typeof run>[1] = {}) {
    return run(["ip", "netns", "exec", ns, ...cmd], opts);
  }

  /** Runs a generated script as the shaping host would (bash, as root), with its state in a scratch folder. */
  script(text: string, allowFail = false) {
    return this.exec(this.ns.a, ["bash", "-s"], { input: text, env: { E2C_NETEM_STATE: this.stateDir }, allowFail });
  }

  qdiscs(dev: string): string {
    return this.exec(this.ns.a, ["tc", "qdisc", "show", "dev", dev]).stdout;
  }

  classes(dev: string): string {
    return this.exec(this.ns.a, ["tc", "class", "show", "dev", dev]).stdout;
  }

  /** TCP throughput from A to `ns` (bits/s) over `seconds`, measured by iperf3 at the receiver. */
  iperf(ns: string, address: string, seconds = 3): number {
    const server = spawn("ip", ["netns", "exec", ns, "iperf3", "-s", "-1", "-p", "5201"], { stdio: "ignore" });
    this.servers.push(server);
    for (let i = 0; i < 50; i++) {
      if (this.exec(ns, ["ss", "-ltn", "sport = :5201"]).stdout.includes("5201")) break;
      spawnSync("sleep", ["0.1"]);
    }
    const out = this.exec(this.ns.a, ["iperf3", "-c", address, "-p", "5201", "-t", String(seconds), "-J"]).stdout;
    return JSON.parse(out).end.sum_received.bits_per_second;
  }

  destroy(): void {
    this.servers.forEach((s) => s.kill());
    for (const n of Object.values(this.ns)) run(["ip", "netns", "del", n], { allowFail: true });
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** Whether this kernel has netem, probed in a namespace of its own; the reason when it has not. */
export function netemSupport(): { ok: boolean; reason: string } {
  const ns = `e2c-probe-${process.pid}`;
  run(["ip", "netns", "add", ns]);
  try {
    const r = run(["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"], { allowFail: true });
    return r.code === 0 ? { ok: true, reason: "" } : { ok: false, reason: `this kernel has no netem (tc: ${r.stderr.trim()})` };
  } finally {
    run(["ip", "netns", "del", ns], { allowFail: true });
  }
}
