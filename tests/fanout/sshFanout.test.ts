import { DeclaredResource, SSHD_DEFAULTS, overSshdDefaults, sshFanout, sshOpensOf } from "../../fanout/sshFanout";
import { fanoutOfStack, FanoutOfStack } from "../../cli/sshFanoutReport";
import { jestLoader } from "../program/mockProgram";

const HOSTS = [
  { name: "h1", user: "root", address: "10.0.0.1", port: 22, role: "cloud" },
  { name: "h2", user: "root", address: "10.0.0.2", port: 22, role: "edge" },
];

let n = 0;
/** A hand-made resource; `deps` by name. */
function res(type: string, name: string, inputs: Record<string, unknown>, deps: string[] = [], extra: Partial<DeclaredResource> = {}): DeclaredResource {
  n++;
  return { urn: `urn:${name}`, type, name, parent: "", custom: true, provider: "", dependencies: deps.map((d) => `urn:${d}`), inputs, ...extra };
}
const remote = (name: string, address: string, deps: string[] = [], more: Record<string, unknown> = {}) =>
  res("command:remote:Command", name, { connection: { host: address, user: "root", port: 22 }, create: "true", ...more }, deps);
const row = (rows: ReturnType<typeof sshFanout>, host: string) => rows.find((r) => r.host === host)!;

describe("sshFanout on hand-made programs", () => {
  it("eleven independent commands on one host exceed MaxStartups; chained they do not", () => {
    const wide = Array.from({ length: 11 }, (_, i) => remote(`c${i}`, "10.0.0.1"));
    const rows = sshFanout(wide, HOSTS);
    expect(row(rows, "h1").up).toMatchObject({ connections: 11, connecting: 11 });
    expect(row(rows, "h2").up.connections).toBe(0);
    expect(overSshdDefaults(rows)).toEqual([expect.stringMatching(/^h1: up to 11 connections at once during up/)]);
    const chained = Array.from({ length: 11 }, (_, i) => remote(`c${i}`, "10.0.0.1", i ? [`c${i - 1}`] : []));
    expect(row(sshFanout(chained, HOSTS), "h1").up.connections).toBe(1);
    expect(overSshdDefaults(sshFanout(chained, HOSTS))).toEqual([]);
  });

  it("order through other hosts' resources and through custom parents counts; component parents do not order", () => {
    // a (h1) -> x (h2) -> b (h1): a and b never overlap. c (h1) is a child of custom d (h2), which follows a.
    const a = remote("a", "10.0.0.1");
    const x = remote("x", "10.0.0.2", ["a"]);
    const b = remote("b", "10.0.0.1", ["x"]);
    const d = remote("d", "10.0.0.2", ["a"]);
    const c = { ...remote("c", "10.0.0.1"), parent: "urn:d" };
    expect(row(sshFanout([a, x, b, d, c], HOSTS), "h1").up.connections).toBe(2); // {b, c}
    const comp = res("edge2cloud:x:Group", "g", {}, ["a"], { custom: false });
    const e = { ...remote("e", "10.0.0.1"), parent: "urn:g" };
    expect(row(sshFanout([a, comp, e], HOSTS), "h1").up.connections).toBe(2); // {a, e}: e does not wait for g's dependsOn
  });

  it("containers count on their Docker provider's host, at up and at destroy; the provider itself only with its daemon check", () => {
    const p = res("pulumi:providers:docker", "p", { host: "ssh://root@10.0.0.2:22", disableDockerDaemonCheck: "true" });
    const c1 = res("docker:index/container:Container", "c1", {}, [], { provider: "urn:p::p-id" });
    const c2 = res("docker:index/container:Container", "c2", {}, [], { provider: "urn:p::p-id" });
    const rows = sshFanout([p, c1, c2], HOSTS);
    expect(row(rows, "h2").up.connections).toBe(2);
    expect(row(rows, "h2").destroy.connections).toBe(2);
    const checked = { ...p, inputs: { host: "ssh://root@10.0.0.2:22" } };
    // The containers wait for their provider, so the ping is never at the same time as them.
    expect(row(sshFanout([checked, c1, c2], HOSTS), "h2").up).toMatchObject({ connections: 2, connecting: 3 });
    const local = res("pulumi:providers:docker", "p", { host: "unix:///var/run/docker.sock" });
    expect(sshFanout([local, c1, c2], HOSTS).every((r) => r.up.connections === 0)).toBe(true);
  });

  it("destroy counts deletes only; up counts creates and updates", () => {
    const onlyCreate = remote("r1", "10.0.0.1");
    const withDelete = remote("r2", "10.0.0.1", [], { delete: "true" });
    const copy = res("command:remote:CopyToRemote", "cp", { connection: { host: "10.0.0.1" } });
    const loc = res("command:local:Command", "l", {
      delete: ["TARGET='root@10.0.0.1'", "SSH_OPTS=(-p 22)", 'ssh "${SSH_OPTS[@]}" "$TARGET" a | ssh "${SSH_OPTS[@]}" "$TARGET" b'].join("\n"),
    });
    const rows = sshFanout([onlyCreate, withDelete, copy, loc], HOSTS);
    expect(row(rows, "h1").up).toMatchObject({ connections: 3, connecting: 3 });
    expect(row(rows, "h1").destroy).toMatchObject({ connections: 3, connecting: 2 });
  });

  it("a jump host carries every connection; --parallel bounds the count", () => {
    const viaJump = (name: string, address: string) =>
      res("command:remote:Command", name, { connection: { host: address, proxy: { host: "jump.example.org", user: "me" } }, create: "true" });
    const rs = [...Array.from({ length: 6 }, (_, i) => viaJump(`a${i}`, "10.0.0.1")), ...Array.from({ length: 6 }, (_, i) => viaJump(`b${i}`, "10.0.0.2"))];
    const rows = sshFanout(rs, HOSTS);
    expect(row(rows, "jump.example.org (jump host)").up.connections).toBe(12);
    expect(row(rows, "h1").up.connections).toBe(6);
    const bounded = sshFanout(rs, HOSTS, { parallel: 4 });
    expect(bounded.map((r) => r.up.connections)).toEqual([4, 4, 4]);
  });

  it("an unknown resource type is an error, not a zero", () => {
    expect(() => sshFanout([res("aws:ec2/instance:Instance", "vm", {})], HOSTS)).toThrow(/aws:ec2\/instance:Instance is unknown/);
  });

  it("local commands: the script's target and connections", () => {
    const r = res("command:local:Command", "l", { create: ["TARGET='root@10.0.0.2'", "SSH_OPTS=(-p 22)", 'ssh "${SSH_OPTS[@]}" "$TARGET" a'].join("\n") });
    expect(sshOpensOf(r, "up", new Map())).toEqual([{ host: { user: "root", address: "10.0.0.2", port: 22 }, connections: 1, sessionsPerConnection: 1, via: undefined }]);
    expect(sshOpensOf(r, "destroy", new Map())).toEqual([]);
  });
});

/**
 * The worst case per host of the real program, as README's "SSH fan-out per host" states it: by role, the
 * most connections opening at once on one host during `pulumi up` and `pulumi destroy`. A change of the
 * program that changes them fails here: update README's paragraph with `npm run ssh-fanout`.
 */
const DOCUMENTED: Record<string, Record<string, { up: number; destroy: number }>> = {
  dev: {
    cloud: { up: 3, destroy: 2 },
    fog: { up: 3, destroy: 2 },
    edge: { up: 2, destroy: 2 },
    experiment_manager: { up: 2, destroy: 2 },
    "jump host": { up: 26, destroy: 30 },
  },
  local: {
    cloud: { up: 3, destroy: 2 },
    fog: { up: 3, destroy: 2 },
    edge: { up: 2, destroy: 2 },
    experiment_manager: { up: 2, destroy: 2 },
  },
};

describe.each(Object.keys(DOCUMENTED))("the program, stack %s, evaluated under Pulumi's mocks", (stack) => {
  let f: FanoutOfStack;
  beforeAll(async () => {
    f = await fanoutOfStack(stack, jestLoader);
  }, 120_000);

  it("every host of the stack stays within sshd's default MaxStartups and MaxSessions, at up and at destroy", () => {
    expect(f.hostsOver).toEqual([]);
    for (const r of f.rows.filter((x) => x.role !== "jump host")) {
      expect(r.up.connections).toBeLessThanOrEqual(SSHD_DEFAULTS.maxStartups.start);
      expect(r.destroy.connections).toBeLessThanOrEqual(SSHD_DEFAULTS.maxStartups.start);
      expect(r.sessionsPerConnection).toBeLessThanOrEqual(SSHD_DEFAULTS.maxSessions);
    }
  });

  it("sees every host connected to, at up and at destroy (bootstrap, images, workflow, stop, fetch)", () => {
    for (const r of f.rows.filter((x) => x.role !== "jump host")) {
      expect(r.up.connecting).toBeGreaterThanOrEqual(4);
      expect(r.destroy.connecting).toBeGreaterThanOrEqual(4);
      expect(r.role).not.toBe("unknown host");
    }
  });

  it("gives the figures README documents, by role", () => {
    const byRole: Record<string, { up: number; destroy: number }> = {};
    for (const r of f.rows) {
      const m = (byRole[r.role] ??= { up: 0, destroy: 0 });
      m.up = Math.max(m.up, r.up.connections);
      m.destroy = Math.max(m.destroy, r.destroy.connections);
    }
    expect(byRole).toEqual(DOCUMENTED[stack]);
  });

  if (stack === "dev") {
    it("through the jump host, pulumi --parallel 10 keeps it within MaxStartups too", async () => {
      const bounded = await fanoutOfStack(stack, jestLoader, 10);
      expect(bounded.jumpOver).toEqual([]);
      expect(bounded.hostsOver).toEqual([]);
    }, 120_000);
  }
});
