import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildScript, INPUTS_LABEL } from "../../components/imageScripts";
import { localSshPrelude, SshTarget } from "../../components/ssh";
import { buildInputs } from "../../model/deployerBuilds";

/**
 * `imageSource: build` against a real bare host in miniature: a container of this test's own, running sshd
 * and its own Docker engine nested (the flags machines.md lists; `--privileged` is refused here), on a
 * network of its own (e2c-build-test, 172.28.77.0/24, apart from the local testbed's). The host has no
 * images at all: the base image goes from this machine's engine, then the context is built there.
 * Run under the heavy lock: `flock /tmp/e2c-heavy.lock npx jest tests/integration/imageBuild.test.ts`.
 */

const BASE = "surveillance-base:bookworm";
const HOST_IMAGE = "e2c-build-test-host:1";
const NAME = "e2c-build-test-host";
const NETWORK = "e2c-build-test";
const SUBNET = "172.28.77.0/24";
const ADDRESS = "172.28.77.10";
const VOLUME = "e2c-build-test-docker";
const IMAGE = "e2c-build-test-app:1";

const run = (cmd: string, args: string[], input?: string) => spawnSync(cmd, args, { encoding: "utf8", input, timeout: 600_000 });
const docker = (...args: string[]) => run("docker", args);

function missing(): string | undefined {
  if (docker("info").status !== 0) return "no Docker engine answers (docker info)";
  if (docker("image", "inspect", BASE).status !== 0) return `no ${BASE} in this machine's engine (npm run local:images)`;
  if (run("ssh", ["-V"]).error) return "no ssh client";
  return undefined;
}
const why = missing();
const maybe = why ? it.skip : it;
const note = why ? ` [skipped: ${why}]` : "";

describe("imageSource build on a bare host with a nested Docker engine", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-build-it-"));
  const files = { keyFile: path.join(work, "id"), knownHostsFile: path.join(work, "known_hosts") };
  const target: SshTarget = { name: "bt1", address: ADDRESS, user: "root", port: 22 };
  const ctx = path.join(work, "ctx");
  const record = path.join(work, "run", "images", "bt1.tsv");
  const onHost = (...args: string[]) => docker("exec", NAME, "docker", ...args);

  function deploy(): { status: number | null; stdout: string; stderr: string; inputs: string } {
    const baseId = docker("image", "inspect", "-f", "{{.Id}}", BASE).stdout.trim();
    const inputs = buildInputs(ctx, { BASE }, baseId);
    const script = ["set -u", localSshPrelude(target, files), buildScript("bt1", IMAGE, record, path.join(work, "locks"), { dir: ctx, buildArgs: {}, inputs, baseImage: BASE })].join("\n");
    const r = run("bash", ["-c", script]);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, inputs };
  }
  const recordLines = () => fs.readFileSync(record, "utf8").trim().split("\n").map((l) => l.split("\t"));

  beforeAll(() => {
    if (why) return;
    cleanup();
    // The host: Debian with sshd and the engine package, nothing else (no image in its engine).
    const built = run("docker", ["build", "-q", "--build-arg", `BASE=${BASE}`, "-t", HOST_IMAGE, "-"], [
      "ARG BASE",
      "FROM ${BASE}",
      "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server docker.io && rm -rf /var/lib/apt/lists/* && mkdir -p /run/sshd /root/.ssh",
      `CMD ["/bin/sh", "-c", "ssh-keygen -A >/dev/null && printf '%s\\\\n' \\"$AUTHORIZED_KEY\\" > /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys && (dockerd >/var/log/dockerd.log 2>&1 &) && exec /usr/sbin/sshd -D -e"]`,
    ].join("\n"));
    if (built.status !== 0) throw new Error(`building the host image failed: ${built.stderr}`);
    expect(run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", files.keyFile]).status).toBe(0);
    fs.writeFileSync(files.knownHostsFile, "");
    expect(docker("network", "create", "--subnet", SUBNET, NETWORK).status).toBe(0);
    const started = docker(
      "run", "-d", "--name", NAME, "--network", NETWORK, "--ip", ADDRESS,
      "--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
      "--cgroupns", "host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "-v", `${VOLUME}:/var/lib/docker`,
      "-e", `AUTHORIZED_KEY=${fs.readFileSync(files.keyFile + ".pub", "utf8").trim()}`, HOST_IMAGE,
    );
    if (started.status !== 0) throw new Error(`starting the host failed: ${started.stderr}`);
    for (let i = 0; i < 60 && onHost("info").status !== 0; i++) run("sleep", ["1"]);
    if (onHost("info").status !== 0) throw new Error(`the nested engine did not start: ${docker("exec", NAME, "cat", "/var/log/dockerd.log").stdout}`);
    fs.mkdirSync(ctx);
    fs.writeFileSync(path.join(ctx, "Dockerfile"), "ARG BASE\nFROM ${BASE}\nCOPY payload /payload\nRUN test -s /payload\n");
    fs.writeFileSync(path.join(ctx, "payload"), "first\n");
  }, 600_000);

  afterAll(() => {
    if (!why) cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  });

  maybe(`the first deployment sends the base image and builds; the second does nothing; a changed context builds again${note}`, () => {
    const first = deploy();
    expect({ status: first.status, stderr: first.stderr }).toMatchObject({ status: 0 });
    const id = first.stdout.trim().split("\n").pop()!;
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const baseId = docker("image", "inspect", "-f", "{{.Id}}", BASE).stdout.trim();
    let lines = recordLines();
    expect(lines.map((l) => [l[0], l[2]])).toEqual([[BASE, "sent"], [IMAGE, "built"]]);
    expect(lines[0][1]).toBe(baseId);
    expect(Number(lines[0][3])).toBeGreaterThan(10_000_000); // the base image's tar
    expect(Number(lines[1][3])).toBeGreaterThan(0); // the context's tar
    expect(lines[1][1]).toBe(id);
    // On the host: the base image with the deployer's ID, the image labelled with its inputs and working.
    expect(onHost("image", "inspect", "-f", "{{.Id}}", BASE).stdout.trim()).toBe(baseId);
    expect(onHost("image", "inspect", "-f", `{{index .Config.Labels "${INPUTS_LABEL}"}}`, IMAGE).stdout.trim()).toBe(first.inputs);
    expect(onHost("run", "--rm", IMAGE, "cat", "/payload").stdout).toBe("first\n");

    const second = deploy();
    expect(second.status).toBe(0);
    expect(second.stdout.trim().split("\n").pop()).toBe(id);
    lines = recordLines();
    expect(lines.slice(2).map((l) => [l[0], l[1], l[2], l[3]])).toEqual([[IMAGE, id, "present", "0"]]);

    fs.writeFileSync(path.join(ctx, "payload"), "second\n");
    const third = deploy();
    expect({ status: third.status, stderr: third.stderr }).toMatchObject({ status: 0 });
    expect(third.inputs).not.toBe(first.inputs);
    lines = recordLines();
    expect(lines.slice(3).map((l) => [l[0], l[2]])).toEqual([[BASE, "present"], [IMAGE, "built"]]);
    expect(onHost("run", "--rm", IMAGE, "cat", "/payload").stdout).toBe("second\n");
  }, 900_000);

  maybe(`an unreachable host fails with its name${note}`, () => {
    const script = ["set -u", localSshPrelude({ ...target, address: "172.28.77.99" }, files), buildScript("bt9", IMAGE, record, path.join(work, "locks"), { dir: ctx, buildArgs: {}, inputs: "sha256:x", baseImage: BASE })].join("\n");
    const r = run("bash", ["-c", script.replace("ConnectTimeout=15", "ConnectTimeout=3")]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("host bt9 is unreachable over ssh");
  }, 120_000);
});

function cleanup(): void {
  docker("rm", "-f", NAME);
  docker("volume", "rm", "-f", VOLUME);
  docker("network", "rm", NETWORK);
}
