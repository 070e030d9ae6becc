import { readDeployerScript } from "../../fanout/deployerScriptSsh";
import { buildScript, transferScript } from "../../components/imageScripts";
import { clockOffsetScript } from "../../components/runWindow";
import { SshTarget, localSshPrelude, runRemotely } from "../../components/ssh";

const FILES = { keyFile: "/tmp/k/id", knownHostsFile: "/tmp/k/known_hosts" };
const HOST: SshTarget = { name: "h1", address: "10.0.0.5", user: "root", port: 2222 };
const prelude = localSshPrelude(HOST, FILES);
const script = (...lines: string[]) => [prelude, ...lines].join("\n");
const target = { user: "root", address: "10.0.0.5", port: 2222 };

describe("readDeployerScript on hand-made scripts", () => {
  it("clients one after another hold one connection at a time", () => {
    const r = readDeployerScript(script('ssh "${SSH_OPTS[@]}" "$TARGET" true', 'timeout 5 ssh "${SSH_OPTS[@]}" "$TARGET" date', 'scp "${SCP_OPTS[@]}" "$TARGET":/a /tmp/a'));
    expect(r).toEqual({ target, connections: 1, sessionsPerConnection: 1, via: undefined });
  });

  it("clients in one pipeline are open together", () => {
    expect(readDeployerScript(script('ssh "${SSH_OPTS[@]}" "$TARGET" cat /a | ssh "${SSH_OPTS[@]}" "$TARGET" "cat > /b"')).connections).toBe(2);
  });

  it("a client in the background or in a coprocess stays open until the end", () => {
    expect(readDeployerScript(script('ssh "${SSH_OPTS[@]}" "$TARGET" sleep 60 &', "echo started", 'ssh "${SSH_OPTS[@]}" "$TARGET" true')).connections).toBe(2);
    expect(readDeployerScript(script('coproc R { ssh "${SSH_OPTS[@]}" "$TARGET" cat; }', 'ssh "${SSH_OPTS[@]}" "$TARGET" true')).connections).toBe(2);
    // `&&` is not a background.
    expect(readDeployerScript(script('ssh "${SSH_OPTS[@]}" "$TARGET" true && echo ok', 'ssh "${SSH_OPTS[@]}" "$TARGET" true')).connections).toBe(1);
  });

  it("a ControlMaster is one connection; clients through it are sessions on it; -O only talks to it", () => {
    const r = readDeployerScript(
      script(
        "trap 'ssh -o ControlPath=\"$CTL\" -O exit \"$TARGET\"' EXIT",
        'ssh "${SSH_OPTS[@]}" -o ControlMaster=yes -o ControlPath="$CTL" -fN "$TARGET"',
        ...Array.from({ length: 12 }, (_, i) => `scp "\${SCP_OPTS[@]}" -o ControlPath="$CTL" "$TARGET":/f${i} /tmp/`),
      ),
    );
    expect(r).toMatchObject({ connections: 1, sessionsPerConnection: 1 });
    const two = readDeployerScript(script('ssh "${SSH_OPTS[@]}" -o ControlMaster=yes -o ControlPath="$CTL" -fN "$TARGET"', 'ssh -o ControlPath="$CTL" "$TARGET" a | ssh -o ControlPath="$CTL" "$TARGET" b'));
    expect(two).toMatchObject({ connections: 1, sessionsPerConnection: 2 });
  });

  it("a trap's body is code", () => {
    expect(readDeployerScript(script("trap 'ssh \"${SSH_OPTS[@]}\" \"$TARGET\" rm -f /x' EXIT")).connections).toBe(1);
  });

  it("quoted text, comments and the remote side of a heredoc are not clients", () => {
    const r = readDeployerScript(
      [
        "# ssh is used below",
        'echo "host unreachable over ssh (exit 255)"',
        "e2c_reason() { echo 'host unreachable over ssh'; }",
        "bash -s <<'END'",
        "ssh other-host true",
        "END",
      ].join("\n"),
    );
    expect(r).toEqual({ connections: 0, sessionsPerConnection: 0 });
  });

  it("the remote command's own options are not the client's (-f of docker inspect is no background)", () => {
    const r = readDeployerScript(script(`ssh "\${SSH_OPTS[@]}" "$TARGET" 'docker image inspect -f {{.Id}} x'`, 'ssh "${SSH_OPTS[@]}" "$TARGET" true'));
    expect(r.connections).toBe(1);
  });

  it("a client that does not address $TARGET is refused", () => {
    expect(() => readDeployerScript(script("ssh root@elsewhere true"))).toThrow(/does not address \$TARGET.*ssh root@elsewhere true/);
    expect(() => readDeployerScript('ssh "$TARGET" true')).toThrow(/never sets TARGET/);
  });

  it("reads the jump host of a ProxyCommand", () => {
    const r = readDeployerScript(
      [localSshPrelude({ ...HOST, jumpHost: { host: "access.example.org", user: "me", port: 2200 } }, FILES), 'ssh "${SSH_OPTS[@]}" "$TARGET" true'].join("\n"),
    );
    expect(r).toEqual({ target, connections: 1, sessionsPerConnection: 1, via: { user: "me", address: "access.example.org", port: 2200 } });
  });
});

describe("readDeployerScript on the components' scripts", () => {
  it("runRemotely: one connection", () => {
    expect(readDeployerScript(script(runRemotely("ssh inner-host-does-not-count true", 60, true)))).toEqual({ target, connections: 1, sessionsPerConnection: 1, via: undefined });
  });

  it("an image transfer: one connection at a time (ID check, stream, ID check)", () => {
    expect(readDeployerScript(script(transferScript("h1", "img:1", "/tmp/rec.tsv", "/tmp/locks")))).toMatchObject({ target, connections: 1 });
  });

  it("a build on the host: one connection at a time (label check, base image, context stream)", () => {
    const build = { dir: "/tmp/ctx", buildArgs: { NODE_VERSION: "20" }, inputs: "sha256:x", baseImage: "base:1" };
    expect(readDeployerScript(script(buildScript("h1", "img:1", "/tmp/rec.tsv", "/tmp/locks", build)))).toMatchObject({ target, connections: 1 });
  });

  it("a clock offset: one connection for its five questions", () => {
    expect(readDeployerScript(clockOffsetScript(HOST, FILES, "/tmp/run"))).toMatchObject({ target, connections: 1, sessionsPerConnection: 1 });
  });
});

describe("readDeployerScript: options end at the destination", () => {
  it("a remote `rm -f` is not ssh's -f", () => {
    const r = readDeployerScript(script('ssh "${SSH_OPTS[@]}" "$TARGET" rm -f /x', 'ssh "${SSH_OPTS[@]}" "$TARGET" true'));
    expect(r.connections).toBe(1);
  });
});
