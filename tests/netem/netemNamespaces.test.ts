import * as fs from "fs";
import * as path from "path";
import { HostShaping, htbQuantum, ShapedDestination } from "../../netem/netemPlan";
import { tcApplyScript, tcRemoveScript } from "../../netem/tcScript";
import { netemSupport, Triangle } from "./netns";

/**
 * The generated tc scripts, run for real in network namespaces on this machine: rates measured with
 * iperf3, the tree's life cycle, and what happens without netem. Delay and loss are measured by
 * netemDelayLoss.test.ts (here, or in a VM with a netem kernel). Needs root, iproute2, iperf3 and fping
 * (.ci/run installs them).
 */
const netem = netemSupport();
const withoutNetem = netem.ok ? it.skip : it;
const skipNote = netem.ok ? " [skipped: this kernel has netem]" : "";

function dest(t: Triangle, to: "b" | "c", values: { rate?: string; netemArgs?: string; delayMs?: number; address?: string }): ShapedDestination {
  const rate = values.rate ?? "10gbit";
  return {
    classMinor: to === "b" ? "11" : "12",
    netemMajor: to === "b" ? "101" : "102",
    destinationHost: to,
    destinationAddress: values.address ?? t.addr[to],
    rate,
    quantum: htbQuantum(Number(/^\d+/.exec(rate)![0]) * (rate.endsWith("gbit") ? 1e9 : 1e6)),
    netemArgs: values.netemArgs ?? "",
    delayMs: values.delayMs ?? 0,
    expectedRttIncreaseMs: values.delayMs ?? 0,
    validateDir: `a-${to}-asymmetric`,
  };
}
const shaping = (...destinations: ShapedDestination[]): HostShaping => ({ host: "a", destinations });
const apply = (t: Triangle, s: HostShaping, allowMissingNetem = false, allowFail = false) => t.script(tcApplyScript(s, { allowMissingNetem }), allowFail);

describe("NetemLink tc scripts in network namespaces", () => {
  let t: Triangle;
  beforeEach(() => {
    t = new Triangle().create();
  });
  afterEach(() => t.destroy());

  it("shapes one destination to its rate (within 10%) and leaves the other unshaped", () => {
    const before = t.iperf(t.ns.c, t.addr.c, 2);
    apply(t, shaping(dest(t, "b", { rate: "50mbit" })));
    const shaped = t.iperf(t.ns.b, t.addr.b);
    const unshaped = t.iperf(t.ns.c, t.addr.c, 2);
    console.log(`iperf3: shaped ${(shaped / 1e6).toFixed(1)} Mbit/s for 50mbit; unshaped ${(unshaped / 1e6).toFixed(0)} Mbit/s (before shaping ${(before / 1e6).toFixed(0)})`);
    expect(Math.abs(shaped - 50e6) / 50e6).toBeLessThan(0.1);
    expect(unshaped).toBeGreaterThan(4 * 50e6);
    expect(t.qdiscs(t.dev.ac)).not.toContain("e2c:");
  });

  it("changes a rate in place: same tree, counters kept, new rate measured", () => {
    apply(t, shaping(dest(t, "b", { rate: "50mbit" })));
    t.iperf(t.ns.b, t.addr.b, 1);
    const sentBefore = Number(/Sent (\d+) bytes/.exec(t.exec(t.ns.a, ["tc", "-s", "qdisc", "show", "dev", t.dev.ab, "root"]).stdout)![1]);
    apply(t, shaping(dest(t, "b", { rate: "20mbit" })));
    const sentAfter = Number(/Sent (\d+) bytes/.exec(t.exec(t.ns.a, ["tc", "-s", "qdisc", "show", "dev", t.dev.ab, "root"]).stdout)![1]);
    // A deleted and re-created root would start again from zero: the tree was changed, not replaced.
    expect(sentAfter).toBeGreaterThanOrEqual(sentBefore);
    expect(sentBefore).toBeGreaterThan(1e5);
    expect(t.classes(t.dev.ab)).toMatch(/class htb e2c:11 root .*rate 20Mbit/);
    const rate = t.iperf(t.ns.b, t.addr.b);
    expect(Math.abs(rate - 20e6) / 20e6).toBeLessThan(0.1);
  });

  it("removing an entry removes exactly its rules; remove leaves the devices as they were", () => {
    const pristine = [t.qdiscs(t.dev.ab), t.qdiscs(t.dev.ac)];
    apply(t, shaping(dest(t, "b", { rate: "50mbit" }), dest(t, "c", { rate: "30mbit" })));
    expect(t.classes(t.dev.ac)).toContain("e2c:12");
    apply(t, shaping(dest(t, "b", { rate: "50mbit" })));
    expect(t.classes(t.dev.ab)).toContain("e2c:11");
    expect(t.qdiscs(t.dev.ac)).toBe(pristine[1]);
    t.script(tcRemoveScript("a"));
    expect([t.qdiscs(t.dev.ab), t.qdiscs(t.dev.ac)]).toEqual(pristine);
    expect(fs.existsSync(path.join(t.stateDir, "rules"))).toBe(false);
  });

  it("is idempotent: applying twice gives the same tree", () => {
    const s = shaping(dest(t, "b", { rate: "50mbit" }), dest(t, "c", { rate: "30mbit" }));
    apply(t, s);
    const first = [t.classes(t.dev.ab), t.exec(t.ns.a, ["tc", "filter", "show", "dev", t.dev.ab]).stdout];
    apply(t, s);
    expect([t.classes(t.dev.ab), t.exec(t.ns.a, ["tc", "filter", "show", "dev", t.dev.ab]).stdout]).toEqual(first);
    expect(first[1]).toContain("flowid e2c:11");
  });

  it("leaves an unchanged filter alone and re-adds a changed one (tc monitor sees only the change)", () => {
    apply(t, shaping(dest(t, "b", { rate: "50mbit" })));
    const events = (s: HostShaping) => {
      const file = path.join(t.stateDir, "tc-monitor.log");
      t.exec(t.ns.a, ["bash", "-c", 'tc monitor > "$1" & m=$!; sleep 0.3; bash -s; rc=$?; sleep 0.3; kill $m; exit $rc', "_", file], {
        input: tcApplyScript(s, { allowMissingNetem: false }),
        env: { E2C_NETEM_STATE: t.stateDir },
      });
      return fs.readFileSync(file, "utf8").split("\n").filter((l) => /filter/.test(l));
    };
    // Same values again (a rate change elsewhere in the tree must not touch the filter either).
    expect(events(shaping(dest(t, "b", { rate: "40mbit" })))).toEqual([]);
    t.exec(t.ns.b, ["ip", "addr", "add", "10.251.1.3/24", "dev", "peer0"]);
    const changed = events(shaping(dest(t, "b", { rate: "40mbit", address: "10.251.1.3" })));
    expect(changed.join("\n")).toMatch(/deleted filter/);
    expect(changed.join("\n")).toMatch(/filter .*fh 800::11 .*flowid e2c:11/);
    expect(t.exec(t.ns.a, ["tc", "filter", "show", "dev", t.dev.ab, "parent", "e2c:"]).stdout).toContain("match 0afb0103/ffffffff at 16");
  });

  it("gives htb its quantum: no 'quantum of class ... is big' warning at 1gbit and 10gbit", () => {
    const r = apply(t, shaping(dest(t, "b", { rate: "1gbit" }), dest(t, "c", { rate: "10gbit" })));
    expect(r.stderr).not.toMatch(/quantum/);
    expect(t.exec(t.ns.a, ["tc", "-d", "class", "show", "dev", t.dev.ab]).stdout).toMatch(/quantum 200000/);
  });

  it("says that fping failed, with its exit code, when it cannot run at all (no /etc/protocols)", () => {
    const empty = path.join(t.stateDir, "empty-protocols");
    fs.writeFileSync(empty, "");
    // A mount namespace of its own hides /etc/protocols from fping only, as on a minimal system without netbase.
    const r = t.exec(t.ns.a, ["unshare", "-m", "bash", "-c", 'mount --bind "$1" /etc/protocols && bash -s', "_", empty], {
      input: tcApplyScript(shaping(dest(t, "b", { rate: "50mbit" })), { allowMissingNetem: false }),
      env: { E2C_NETEM_STATE: t.stateDir },
    });
    expect(r.stdout).toMatch(/netem: WARNING a -> 10\.251\.1\.2: fping failed \(exit 4, system call failure[^)]*\): no message; shaping not validated/);
    expect(r.stdout).not.toMatch(/no reply/);
  });

  it("never replaces or deletes a root qdisc it did not create", () => {
    t.exec(t.ns.a, ["tc", "qdisc", "add", "dev", t.dev.ac, "root", "handle", "1:", "tbf", "rate", "100mbit", "burst", "32kbit", "latency", "50ms"]);
    const r = apply(t, shaping(dest(t, "b", { rate: "50mbit" }), dest(t, "c", { rate: "30mbit" })), false, true);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`device ${t.dev.ac} has a root qdisc this project did not create`);
    expect(t.qdiscs(t.dev.ac)).toMatch(/qdisc tbf 1: root/);
    // The failed run undid the tree it had started on the other device.
    expect(t.qdiscs(t.dev.ab)).not.toContain("e2c:");
    t.script(tcRemoveScript("a"));
    expect(t.qdiscs(t.dev.ac)).toMatch(/qdisc tbf 1: root/);
  });

  withoutNetem(`fails clearly where the kernel lacks netem, leaving nothing behind${skipNote}`, () => {
    const r = apply(t, shaping(dest(t, "b", { rate: "50mbit", netemArgs: "delay 50ms loss 5% limit 1000", delayMs: 50 })), false, true);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/a kernel has no netem \(sch_netem: .*\); load the module, or set edge2cloud:allowMissingNetem: true/);
    expect(t.qdiscs(t.dev.ab)).not.toContain("e2c:");
  });

  withoutNetem(`with allowMissingNetem, shapes rates and records that delay and loss were not applied${skipNote}`, () => {
    const r = apply(t, shaping(dest(t, "b", { rate: "50mbit", netemArgs: "delay 50ms loss 5% limit 1000", delayMs: 50 })), true);
    expect(r.stderr).toContain("kernel has no netem (sch_netem): delay and loss are NOT emulated");
    expect(fs.readFileSync(path.join(t.stateDir, "status"), "utf8").trim()).toBe("missing");
    expect(t.classes(t.dev.ab)).toMatch(/e2c:11 .*rate 50Mbit/);
  });

  it("validates after applying: fping files per entry and the measured RTT beside base + configured", () => {
    const r = apply(t, shaping(dest(t, "b", { rate: "50mbit" })));
    const file = path.join(t.stateDir, "validate", "a-b-asymmetric", "a.fpingout");
    expect(fs.readFileSync(file, "utf8")).toMatch(new RegExp(`^${t.addr.b.replace(/\./g, "\\.")} : (\\d+\\.\\d+ ){19}\\d+\\.\\d+`, "m"));
    expect(fs.readFileSync(path.join(t.stateDir, "base.fpingout"), "utf8")).toContain(t.addr.b);
    expect(r.stdout).toMatch(/netem: a -> 10\.251\.1\.2: measured RTT \d+\.\d+ ms, expected \d+\.\d+ ms \(base \d+\.\d+ \+ configured 0\), lost 0\/20/);
  });
});
