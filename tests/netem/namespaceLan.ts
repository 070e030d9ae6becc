import { HostShaping } from "../../netem/netemPlan";
import { tcApplyScript, tcRemoveScript } from "../../netem/tcScript";
import { HostSpec } from "../planner/scenarioFixture";
import { ExecResult, Machine } from "./machine";

/** RTTs of one source -> destination series (fping -C): null for a ping without reply. */
export interface RttSeries {
  from: string;
  to: string;
  rtts: (number | null)[];
}

export interface RttStats {
  sent: number;
  lost: number;
  min: number;
  median: number;
  p95: number;
}

export function rttStats(s: RttSeries): RttStats {
  const got = s.rtts.filter((r): r is number => r !== null).sort((a, b) => a - b);
  const at = (p: number) => (got.length ? got[Math.min(got.length - 1, Math.floor(p * got.length))] : NaN);
  const median = got.length % 2 ? got[(got.length - 1) / 2] : (got[got.length / 2 - 1] + got[got.length / 2]) / 2;
  return { sent: s.rtts.length, lost: s.rtts.length - got.length, min: got[0] ?? NaN, median, p95: at(0.95) };
}

/**
 * Every host of a stack on one LAN, as Grid'5000 nodes are: a network namespace per host with `eth0`
 * (its address from the stack) on a bridge in a namespace of its own. The generated tc scripts run in the
 * hosts' namespaces, as root, each with its own state folder.
 */
export class NamespaceLan {
  readonly id = `${process.pid % 1000}${Math.floor(Math.random() * 100)}`;
  private readonly dir = `/tmp/e2c-lan-${this.id}`;

  constructor(
    readonly machine: Machine,
    readonly hosts: HostSpec[],
  ) {}

  ns(host: string): string {
    return `e2c${this.id}-${host}`;
  }

  private get lanNs(): string {
    return `e2c${this.id}-lan`;
  }

  address(host: string): string {
    return this.hosts.find((h) => h.name === host)!.address;
  }

  /** Runs a bash script on the machine (outside the namespaces). */
  sh(script: string, timeoutMs = 120_000): Promise<ExecResult> {
    return this.machine.exec(["bash", "-c", `set -euo pipefail\n${script}`], { timeoutMs });
  }

  /** Runs a command in a host's namespace. */
  exec(host: string, cmd: string[], opts: { allowFail?: boolean } = {}): Promise<ExecResult> {
    return this.machine.exec(["ip", "netns", "exec", this.ns(host), ...cmd], opts);
  }

  async create(): Promise<this> {
    const lines = [`mkdir -p ${this.dir}/state`, `ip netns add ${this.lanNs}`, `ip -n ${this.lanNs} link add br0 type bridge`, `ip -n ${this.lanNs} link set br0 up`];
    this.hosts.forEach((h, i) => {
      const ns = this.ns(h.name);
      lines.push(
        `ip netns add ${ns}`,
        `ip link add eth0 netns ${ns} type veth peer name h${i} netns ${this.lanNs}`,
        `ip -n ${this.lanNs} link set h${i} master br0 up`,
        `ip -n ${ns} addr add ${h.address}/24 dev eth0`,
        `ip -n ${ns} link set eth0 up`,
        `ip -n ${ns} link set lo up`,
      );
    });
    await this.sh(lines.join("\n"));
    return this;
  }

  async destroy(): Promise<void> {
    const all = [...this.hosts.map((h) => this.ns(h.name)), this.lanNs];
    await this.machine.exec(["bash", "-c", `for n in ${all.join(" ")}; do ip netns del $n 2>/dev/null; done; rm -rf ${this.dir}; true`], { allowFail: true });
  }

  /** `tc qdisc show` and `ethtool -k` of every host's eth0: what remove must restore exactly. */
  async deviceState(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const h of this.hosts) {
      const r = await this.sh(`ip netns exec ${this.ns(h.name)} tc qdisc show dev eth0; ip netns exec ${this.ns(h.name)} ethtool -k eth0`);
      out[h.name] = r.stdout;
    }
    return out;
  }

  /** Applies each host's generated script, all hosts at once (as a deployment does), and returns their output. */
  apply(shaping: HostShaping[]): Promise<Record<string, ExecResult>> {
    return this.runScripts(shaping.map((s) => [s.host, tcApplyScript(s, { allowMissingNetem: false })]));
  }

  remove(hosts: string[]): Promise<Record<string, ExecResult>> {
    return this.runScripts(hosts.map((h) => [h, tcRemoveScript(h)]));
  }

  private async runScripts(scripts: [string, string][]): Promise<Record<string, ExecResult>> {
    for (const [host, text] of scripts) await this.machine.exec(["bash", "-c", `cat > ${this.dir}/${host}.sh`], { input: text });
    await this.sh(
      `cd ${this.dir}\nfor h in ${scripts.map(([h]) => h).join(" ")}; do
  (set +e; E2C_NETEM_STATE=${this.dir}/state/$h ip netns exec ${this.ns("$h")} bash $h.sh > $h.out 2> $h.err; echo $? > $h.rc) &
done
wait`,
      300_000,
    );
    const results: Record<string, ExecResult> = {};
    for (const [host] of scripts) {
      const [rc, stdout, stderr] = await Promise.all(["rc", "out", "err"].map((e) => this.machine.exec(["cat", `${this.dir}/${host}.${e}`]).then((r) => r.stdout)));
      results[host] = { code: Number(rc.trim()), stdout, stderr };
    }
    return results;
  }

  /**
   * `count` pings from each source to its destinations, `periodMs` apart per destination, all sources at
   * once (fping -C, timeout 2 s so a delayed reply is not counted lost).
   */
  async ping(pairs: { from: string; to: string[] }[], count: number, periodMs: number): Promise<RttSeries[]> {
    await this.sh(
      `cd ${this.dir}\n` +
        pairs
          .map((p, i) => `ip netns exec ${this.ns(p.from)} fping -C ${count} -p ${periodMs} -i 1 -t 2000 -q ${p.to.map((t) => this.address(t)).join(" ")} 2> ping${i}.out &`)
          .join("\n") +
        "\nwait",
      Math.max(120_000, count * periodMs * 3),
    );
    const series: RttSeries[] = [];
    for (const [i, p] of pairs.entries()) {
      const text = (await this.machine.exec(["cat", `${this.dir}/ping${i}.out`])).stdout;
      for (const to of p.to) {
        const line = text.split("\n").find((l) => l.startsWith(`${this.address(to)} :`));
        if (!line) throw new Error(`fping ${p.from} -> ${to}: no result line in\n${text}`);
        const rtts = line.split(":")[1].trim().split(/\s+/).map((v) => (v === "-" ? null : Number(v)));
        series.push({ from: p.from, to, rtts });
      }
    }
    return series;
  }
}
