import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pullScript, transferScript } from "../../components/imageScripts";

/**
 * The image scripts run by bash with stubs: `docker` on the deployer (an image of a known ID whose save
 * stream is N bytes), `ssh` that runs the remote command against a host's `docker` stub (what it has
 * loaded, its ID after a load). PATH holds only the stubs and the coreutils the scripts use.
 */
const REAL_TOOLS = ["bash", "sh", "env", "grep", "seq", "sleep", "timeout", "head", "tail", "cat", "dirname", "mkdir", "touch", "cp", "true", "flock", "mktemp", "wc", "tee", "date", "rm", "id"];
const SAVE_BYTES = 123457;

function world(opts: { localId?: string; remoteId?: string; loadedId?: string } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-images-"));
  const bin = path.join(dir, "bin");
  const remoteBin = path.join(dir, "remote-bin");
  const state = path.join(dir, "state");
  for (const d of [bin, remoteBin, state]) fs.mkdirSync(d);
  const write = (f: string, body: string) => fs.writeFileSync(f, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  write(
    path.join(bin, "docker"),
    `case "$1 $2" in "image inspect") [ -n "${opts.localId ?? ""}" ] && echo "${opts.localId ?? ""}" || { echo "No such image" >&2; exit 1; };; "save "*) echo save >> "$STATE/local.log"; head -c ${SAVE_BYTES} /dev/zero;; *) exit 1;; esac`,
  );
  // ssh: the last argument is the remote command, run by the host's shell with the host's programs.
  write(path.join(bin, "ssh"), 'echo "ssh" >> "$STATE/ssh.log"; PATH="$REMOTE_BIN" exec bash --norc -c "${@: -1}"');
  write(
    path.join(remoteBin, "docker"),
    `case "$1 $2" in "image inspect") cat "$STATE/remote-id" 2>/dev/null;; "load -q") wc -c > "$STATE/loaded-bytes"; echo "${opts.loadedId ?? opts.localId ?? ""}" > "$STATE/remote-id";; *) exit 1;; esac`,
  );
  if (opts.remoteId) fs.writeFileSync(path.join(state, "remote-id"), `${opts.remoteId}\n`);
  for (const t of REAL_TOOLS) {
    const real = spawnSync("bash", ["-c", `type -P ${t}`], { encoding: "utf8" }).stdout.trim();
    if (real) {
      fs.symlinkSync(real, path.join(bin, t));
      fs.symlinkSync(real, path.join(remoteBin, t));
    }
  }
  const record = path.join(dir, "run", "images", "node-3.tsv");
  const run = (script: string, stdin = "") => {
    const r = spawnSync(path.join(bin, "bash"), ["-c", `SSH_OPTS=(-o BatchMode=yes -p 22); TARGET=root@node-3\n${script}`], {
      input: stdin,
      env: { PATH: bin, HOME: dir, STATE: state, REMOTE_BIN: remoteBin },
      encoding: "utf8",
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
  return {
    transfer: () => run(transferScript("node-3", "apps:1", record, path.join(dir, "locks"))),
    pull: (login?: boolean) => run(pullScript("node-3", "apps:1", record, login ? { address: "reg:5000", username: "u" } : undefined), "pw"),
    records: () => read(record).split("\n").filter(Boolean).map((l) => l.split("\t")),
    saves: () => read(path.join(state, "local.log")).split("\n").filter(Boolean).length,
    loadedBytes: () => Number(read(path.join(state, "loaded-bytes")).trim() || 0),
  };
}

describe("image transfer (docker save | ssh | docker load)", () => {
  it("sends an image the host lacks, counts its bytes and prints the ID on the host", () => {
    const w = world({ localId: "sha256:aaa" });
    const r = w.transfer();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n").pop()).toBe("sha256:aaa");
    expect(w.loadedBytes()).toBe(SAVE_BYTES);
    const [rec] = w.records();
    expect(rec.slice(0, 4)).toEqual(["apps:1", "sha256:aaa", "sent", String(SAVE_BYTES)]);
  });

  it("sends nothing to a host that has the same image ID", () => {
    const w = world({ localId: "sha256:aaa", remoteId: "sha256:aaa" });
    const r = w.transfer();
    expect(r.code).toBe(0);
    expect(w.saves()).toBe(0);
    expect(w.records()).toEqual([["apps:1", "sha256:aaa", "present", "0", "0"]]);
  });

  it("sends a new build again (the host has another ID)", () => {
    const w = world({ localId: "sha256:bbb", remoteId: "sha256:aaa" });
    expect(w.transfer().code).toBe(0);
    expect(w.saves()).toBe(1);
    expect(w.records()[0][2]).toBe("sent");
  });

  it("fails naming the host and image when the deployer lacks it or the host ends with another ID", () => {
    const missing = world({}).transfer();
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("image apps:1 (for host node-3) is not in this machine's Docker engine");
    const wrong = world({ localId: "sha256:aaa", loadedId: "sha256:zzz" }).transfer();
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("host node-3: after loading apps:1 its ID is sha256:zzz, expected sha256:aaa");
  });
});

describe("image pull (registry)", () => {
  it("pulls on the host and records what it got; the password comes on stdin only", () => {
    const w = world({ localId: "sha256:aaa" });
    // The host's docker stub fails `pull`: the script reports it with the host named.
    const r = w.pull(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/host node-3: docker (login to reg:5000|pull apps:1) failed/);
    expect(pullScript("node-3", "apps:1", "/r", { address: "reg:5000", username: "u" })).not.toContain("pw");
  });
});
