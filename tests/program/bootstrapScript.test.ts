import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BOOTSTRAP_EXIT, bootstrapScript } from "../../components/bootstrapScript";

/**
 * The bootstrap script run by bash against a host made of stubs: apt-get, dpkg-query, docker, sudo, id and
 * systemctl are small scripts over a state folder (what is installed, whether the mirror answers, whether
 * the engine runs), and PATH holds only them and the coreutils the script needs, so nothing of this
 * machine is touched or consulted.
 */
interface FakeHost {
  dir: string;
  state: string;
  run: (packages: string[], env?: Record<string, string>) => { code: number; stdout: string; stderr: string };
  installed: () => string[];
  aptCalls: () => string[];
}

const STUBS: Record<string, string> = {
  id: 'case "$1" in -u) echo "${FAKE_UID:-0}";; -un) echo "${FAKE_USER:-root}";; *) echo "uid=${FAKE_UID:-0}";; esac',
  sudo: '[ -n "${FAKE_SUDO_OK:-}" ] || { echo "sudo: a password is required" >&2; exit 1; }; [ "$1" = -n ] && shift; echo "sudo $*" >> "$STATE/sudo.log"; exec "$@"',
  "dpkg-query": 'pkg="${@: -1}"; grep -qx "$pkg" "$STATE/installed" 2>/dev/null || exit 1; case "$2" in *Status*) echo "install ok installed";; *) echo "1.0-test";; esac',
  "apt-get": [
    'echo "$*" >> "$STATE/apt.log"',
    'for a in "$@"; do case $a in update) [ -e "$STATE/mirror-down" ] && { echo "E: Failed to fetch http://deb.example/dists/bookworm/InRelease"; exit 100; }; exit 0;; esac; done',
    'inst=0; for a in "$@"; do',
    '  if [ "$a" = install ]; then inst=1; continue; fi',
    '  [ $inst = 1 ] && [ "${a#-}" = "$a" ] || continue',
    '  grep -qx "$a" "$STATE/unknown" 2>/dev/null && { echo "E: Unable to locate package $a"; exit 100; }',
    '  echo "$a" >> "$STATE/installed"',
    '  [ "$a" = docker.io ] && cp "$STATE/docker.stub" "$BIN/docker" && cp "$STATE/docker.stub" "$BIN/dockerd"',
    "done; exit 0",
  ].join("\n"),
  systemctl: 'echo "systemctl $*" >> "$STATE/engine.log"; touch "$STATE/engine-running"',
};
// `docker` and `dockerd` share it: dockerd (no argument) "runs" the engine.
const DOCKER_STUB = 'case "$1" in --version) echo "Docker version 20.10.24, build test";; info) [ -e "$STATE/engine-running" ];; "") touch "$STATE/engine-running";; *) exit 1;; esac';
const REAL_TOOLS = ["bash", "sh", "env", "grep", "seq", "sleep", "timeout", "head", "tail", "cat", "dirname", "mkdir", "touch", "cp", "setsid", "nohup", "true"];

function fakeHost(opts: { osRelease?: string; systemd?: boolean; dockerCe?: boolean; initFails?: boolean } = {}): FakeHost {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-bootstrap-"));
  const bin = path.join(dir, "bin");
  const state = path.join(dir, "state");
  fs.mkdirSync(bin);
  fs.mkdirSync(state);
  const write = (f: string, body: string) => fs.writeFileSync(f, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  for (const [name, body] of Object.entries(STUBS)) write(path.join(bin, name), body);
  write(path.join(state, "docker.stub"), DOCKER_STUB);
  if (opts.dockerCe) {
    write(path.join(bin, "docker"), DOCKER_STUB);
    write(path.join(bin, "dockerd"), DOCKER_STUB);
  }
  for (const t of REAL_TOOLS) {
    const real = spawnSync("bash", ["-c", `type -P ${t}`], { encoding: "utf8" }).stdout.trim();
    if (real) fs.symlinkSync(real, path.join(bin, t));
  }
  const osRelease = path.join(dir, "os-release");
  fs.writeFileSync(osRelease, opts.osRelease ?? 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
  const systemdDir = path.join(dir, opts.systemd ? "systemd" : "no-systemd");
  if (opts.systemd) fs.mkdirSync(systemdDir);
  const initScript = path.join(dir, "init.d-docker");
  write(initScript, opts.initFails ? 'echo "ulimit: error setting limit" >&2; exit 2' : 'echo "init $*" >> "$STATE/engine.log"; touch "$STATE/engine-running"');
  const lines = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\n").filter(Boolean) : []);
  return {
    dir,
    state,
    run: (packages, env = {}) => {
      const r = spawnSync(path.join(bin, "bash"), ["-s"], {
        input: bootstrapScript("node-7", packages, { osRelease, systemdDir, initScript, dockerdLog: path.join(dir, "dockerd.log") }),
        env: { PATH: bin, STATE: state, BIN: bin, ...env },
        encoding: "utf8",
      });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    installed: () => lines(path.join(state, "installed")),
    aptCalls: () => lines(path.join(state, "apt.log")),
  };
}

const records = (stdout: string) => stdout.split("\n").filter(Boolean).map((l) => l.split("\t"));

describe("host bootstrap", () => {
  it("installs what a bare Debian host lacks, starts the engine with the init script, and records it", () => {
    const h = fakeHost();
    const r = h.run(["docker.io", "dstat", "fping"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(h.installed()).toEqual(["docker.io", "dstat", "fping"]);
    expect(records(r.stdout)).toEqual([
      ["os", "debian", "12"],
      ["installed", "docker.io", "1.0-test"],
      ["installed", "dstat", "1.0-test"],
      ["installed", "fping", "1.0-test"],
      ["engine", "started by the init script"],
    ]);
    expect(h.aptCalls().filter((c) => c.includes(" install "))).toEqual([expect.stringMatching(/install -y --no-install-recommends docker.io dstat fping$/)]);
  });

  it("is idempotent: a second run installs nothing and finds the engine running", () => {
    const h = fakeHost();
    h.run(["docker.io", "dstat"]);
    const before = h.aptCalls().length;
    const r = h.run(["docker.io", "dstat"]);
    expect(r.code).toBe(0);
    expect(h.aptCalls()).toHaveLength(before);
    expect(records(r.stdout)).toEqual([
      ["os", "debian", "12"],
      ["present", "docker.io", "Docker version 20.10.24, build test"],
      ["present", "dstat", "1.0-test"],
      ["engine", "running"],
    ]);
  });

  it("accepts an engine that is already installed (Docker CE) and starts it with systemd where systemd runs", () => {
    const h = fakeHost({ dockerCe: true, systemd: true });
    const r = h.run(["docker.io", "ethtool"]);
    expect(r.code).toBe(0);
    expect(h.installed()).toEqual(["ethtool"]);
    expect(records(r.stdout)).toContainEqual(["present", "docker.io", "Docker version 20.10.24, build test"]);
    expect(records(r.stdout)).toContainEqual(["engine", "started by systemd"]);
    expect(fs.readFileSync(path.join(h.state, "engine.log"), "utf8")).toBe("systemctl enable --now docker\n");
  });

  it("starts dockerd itself where the init script fails (a container host refusing its limits)", () => {
    const h = fakeHost({ initFails: true });
    const r = h.run(["docker.io"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(records(r.stdout)).toContainEqual(["engine", "started as dockerd (the init script failed)"]);
  });

  it("works through sudo for a non-root user, and refuses a user who can do neither, naming the host", () => {
    const h = fakeHost();
    const ok = h.run(["fping"], { FAKE_UID: "1000", FAKE_USER: "alice", FAKE_SUDO_OK: "1" });
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(path.join(h.state, "sudo.log"), "utf8")).toMatch(/^sudo env DEBIAN_FRONTEND=noninteractive apt-get .* install -y --no-install-recommends fping$/m);
    const refused = fakeHost().run(["fping"], { FAKE_UID: "1000", FAKE_USER: "alice" });
    expect(refused.code).toBe(BOOTSTRAP_EXIT.notRoot);
    expect(refused.stderr).toContain("host node-7: user alice is neither root nor allowed to sudo without a password");
  });

  it("gives another OS a clear error naming the host and what is missing, and nothing to do when nothing is", () => {
    const fedora = 'ID=fedora\nVERSION_ID="40"\nPRETTY_NAME="Fedora Linux 40"\n';
    const r = fakeHost({ osRelease: fedora }).run(["fping", "dstat"]);
    expect(r.code).toBe(BOOTSTRAP_EXIT.unsupportedOs);
    expect(r.stderr).toContain("host node-7 runs Fedora Linux 40, which is neither Debian nor Ubuntu: install yourself fping dstat");
    expect(fakeHost({ osRelease: fedora, dockerCe: true }).run(["docker.io"], {}).code).toBe(0);
    const ubuntu = fakeHost({ osRelease: 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n' });
    expect(ubuntu.run(["fping"]).code).toBe(0);
  });

  it("fails naming the host and the packages when the mirror cannot be reached or lacks a package", () => {
    const down = fakeHost();
    fs.writeFileSync(path.join(down.state, "mirror-down"), "");
    const r = down.run(["fping", "dstat"]);
    expect(r.code).toBe(BOOTSTRAP_EXIT.mirror);
    expect(r.stderr).toContain("host node-7 cannot reach its package mirror to install fping dstat:");
    expect(r.stderr).toContain("E: Failed to fetch");
    const lacking = fakeHost();
    fs.writeFileSync(path.join(lacking.state, "unknown"), "dstat\n");
    const l = lacking.run(["dstat"]);
    expect(l.code).toBe(BOOTSTRAP_EXIT.install);
    expect(l.stderr).toContain("host node-7 could not install dstat from its package mirror:");
    expect(l.stderr).toContain("Unable to locate package dstat");
  });
});
