import { runProcess } from "./processRunner";
import { Realizer, ResourceContext } from "./realizer";
import { checkKeys, str } from "./strictInputs";

/**
 * The Docker CLI of the daemon a resource's provider names: this machine's engine without a provider (or
 * with one that names no host), a host's engine for `ssh://user@host:port`, reached as the real provider
 * reaches it: the local `ssh` with the provider's `sshOpts`, running `docker` on the host.
 */
export type DockerCli = (args: string[]) => string[];

export function dockerCli(provider?: Record<string, unknown>): DockerCli {
  const host = provider?.host as string | undefined;
  if (!host) return (args) => ["docker", ...args];
  const m = /^ssh:\/\/(?:([^@]+)@)?([^:/]+)(?::(\d+))?\/?$/.exec(host);
  if (!m) throw new Error(`the local engine reaches Docker daemons locally or over ssh://, not ${host}`);
  const [, user, address, port] = m;
  // Provider inputs reach the engine as Pulumi sends provider config: non-strings JSON-encoded.
  const raw = provider?.sshOpts;
  const opts = (typeof raw === "string" ? JSON.parse(raw) : (raw ?? [])) as string[];
  return (args) => ["ssh", ...opts, "-p", port ?? "22", `${user ? `${user}@` : ""}${address}`, "--", shellJoin(["docker", ...args])];
}

async function docker(cli: DockerCli, args: string[], what: string, timeoutMs?: number, stdin?: string): Promise<string> {
  const res = await runProcess(cli(args), { timeoutMs, stdin });
  if (res.code !== 0) throw new Error(`${what}: docker ${args.slice(0, 3).join(" ")} ... exited ${res.code}: ${res.stderr.trim()}`);
  return res.stdout.trim();
}

export const dockerProvider: Realizer = {
  async create(r) {
    checkKeys(r.type, r.name, r.inputs, ["host", "sshOpts", "version", "disableDockerDaemonCheck"]);
    return { ...r.inputs };
  },
  async delete() {},
};

/** RemoteImage: nothing can be pulled here; the image must have been built (`npm run local:images`). */
export const remoteImage: Realizer = {
  async create(r) {
    checkKeys(r.type, r.name, r.inputs, ["name", "keepLocally", "forceRemove"]);
    const name = str(r.inputs.name, `${r.name} name`);
    const res = await runProcess(dockerCli(r.provider)(["image", "inspect", "-f", "{{.Id}}", name]));
    if (res.code !== 0) throw new Error(`image ${name} is not on this machine and cannot be pulled here; build it first (npm run local:images)`);
    return { ...r.inputs, imageId: res.stdout.trim(), repoDigest: name };
  },
  async delete(r) {
    if (r.inputs.keepLocally === false) await docker(dockerCli(r.provider), ["image", "rm", String(r.inputs.name)], r.name);
  },
};

export const dockerNetwork: Realizer = {
  async create(r) {
    checkKeys(r.type, r.name, r.inputs, ["name", "driver", "ipamConfigs", "labels", "internal", "attachable", "options"]);
    const args = ["network", "create"];
    if (r.inputs.driver) args.push("--driver", String(r.inputs.driver));
    for (const c of (r.inputs.ipamConfigs as { subnet?: string; gateway?: string; ipRange?: string }[]) ?? []) {
      if (c.subnet) args.push("--subnet", c.subnet);
      if (c.gateway) args.push("--gateway", c.gateway);
      if (c.ipRange) args.push("--ip-range", c.ipRange);
    }
    for (const l of (r.inputs.labels as { label: string; value: string }[]) ?? []) args.push("--label", `${l.label}=${l.value}`);
    for (const [k, v] of Object.entries((r.inputs.options as Record<string, string>) ?? {})) args.push("--opt", `${k}=${v}`);
    if (r.inputs.internal) args.push("--internal");
    if (r.inputs.attachable) args.push("--attachable");
    const id = await docker(dockerCli(r.provider), [...args, str(r.inputs.name, `${r.name} name`)], r.name);
    return { ...r.inputs, id };
  },
  async delete(r) {
    await docker(dockerCli(r.provider), ["network", "rm", String(r.inputs.name)], r.name);
  },
};

const CONTAINER_KEYS = [
  "name", "image", "command", "entrypoints", "envs", "hostname", "networkMode", "networksAdvanced", "capabilities", "privileged",
  "mounts", "volumes", "uploads", "labels", "restart", "healthcheck", "wait", "waitTimeout", "destroyGraceSeconds", "mustRun",
  "user", "workingDir", "init", "sysctls", "stopSignal", "stopTimeout", "rm", "start", "logDriver", "logOpts", "memory", "shmSize", "tmpfs",
];

/** `docker.Container`: `docker create` with the declared settings, uploads, start, then wait for healthy. */
export const dockerContainer: Realizer = {
  async create(r) {
    checkKeys(r.type, r.name, r.inputs, CONTAINER_KEYS);
    const i = r.inputs as Record<string, any>;
    const name = str(i.name, `${r.name} name`);
    const args = ["create", "--name", name];
    if (i.hostname) args.push("--hostname", i.hostname);
    if (i.networkMode) args.push("--network", i.networkMode);
    const nets = (i.networksAdvanced as { name: string; ipv4Address?: string; aliases?: string[] }[]) ?? [];
    if (nets.length > 1) throw new Error(`${r.name}: the local engine attaches one network at create`);
    for (const n of nets) {
      args.push("--network", n.name);
      if (n.ipv4Address) args.push("--ip", n.ipv4Address);
      for (const a of n.aliases ?? []) args.push("--network-alias", a);
    }
    for (const c of i.capabilities?.adds ?? []) args.push("--cap-add", c);
    for (const c of i.capabilities?.drops ?? []) args.push("--cap-drop", c);
    if (i.privileged) args.push("--privileged");
    for (const m of i.mounts ?? []) args.push("--mount", `type=${m.type},source=${m.source},target=${m.target}${m.readOnly ? ",readonly" : ""}`);
    for (const v of i.volumes ?? []) args.push("-v", `${v.hostPath ?? v.volumeName}:${v.containerPath}${v.readOnly ? ":ro" : ""}`);
    for (const e of i.envs ?? []) args.push("-e", e);
    for (const l of i.labels ?? []) args.push("--label", `${l.label}=${l.value}`);
    for (const [k, v] of Object.entries((i.sysctls as Record<string, string>) ?? {})) args.push("--sysctl", `${k}=${v}`);
    for (const [k, v] of Object.entries((i.tmpfs as Record<string, string>) ?? {})) args.push("--tmpfs", v ? `${k}:${v}` : k);
    if (i.restart) args.push("--restart", i.restart);
    if (i.user) args.push("--user", i.user);
    if (i.workingDir) args.push("--workdir", i.workingDir);
    if (i.init) args.push("--init");
    if (i.stopSignal) args.push("--stop-signal", i.stopSignal);
    if (i.stopTimeout) args.push("--stop-timeout", String(i.stopTimeout));
    if (i.memory) args.push("--memory", `${i.memory}m`);
    if (i.shmSize) args.push("--shm-size", `${i.shmSize}m`);
    if (i.logDriver) args.push("--log-driver", i.logDriver);
    for (const [k, v] of Object.entries((i.logOpts as Record<string, string>) ?? {})) args.push("--log-opt", `${k}=${v}`);
    const hc = i.healthcheck;
    if (hc) {
      const tests = hc.tests as string[];
      if (tests[0] === "CMD") args.push("--health-cmd", shellJoin(tests.slice(1)));
      else if (tests[0] === "CMD-SHELL") args.push("--health-cmd", tests[1]);
      else throw new Error(`${r.name}: healthcheck tests must start with CMD or CMD-SHELL`);
      if (hc.interval) args.push("--health-interval", hc.interval);
      if (hc.timeout) args.push("--health-timeout", hc.timeout);
      if (hc.retries) args.push("--health-retries", String(hc.retries));
      if (hc.startPeriod) args.push("--health-start-period", hc.startPeriod);
    }
    if (i.entrypoints?.length) args.push("--entrypoint", i.entrypoints[0]);
    args.push(str(i.image, `${r.name} image`));
    if (i.entrypoints?.length > 1) args.push(...i.entrypoints.slice(1));
    if (i.command?.length) args.push(...i.command);
    const cli = dockerCli(r.provider);
    const id = await docker(cli, args, r.name);
    for (const u of i.uploads ?? []) {
      if (u.content === undefined) throw new Error(`${r.name}: only uploads with content are supported`);
      await uploadFile(cli, name, u.file, u.content, !!u.executable);
    }
    if (i.start !== false) await docker(cli, ["start", name], r.name);
    if (i.wait) await waitHealthy(cli, name, (i.waitTimeout ?? 60) * 1000, r.name);
    return { ...i, id };
  },
  async delete(r) {
    const cli = dockerCli(r.provider);
    const name = String(r.inputs.name);
    const grace = Number(r.inputs.destroyGraceSeconds ?? 0);
    await runProcess(cli(["stop", "-t", String(grace), name]), { timeoutMs: (grace + 30) * 1000 });
    await docker(cli, ["rm", "-f", name], r.name);
  },
};

function shellJoin(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./:=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** `docker cp` from a tar stream, as the provider's uploads do before the container starts. */
async function uploadFile(cli: DockerCli, container: string, file: string, content: string, executable: boolean): Promise<void> {
  const tarHeader = (name: string, size: number, mode: number) => {
    const h = Buffer.alloc(512);
    const put = (s: string, off: number, len: number) => h.write(s.slice(0, len), off, "ascii");
    put(name, 0, 100);
    put(mode.toString(8).padStart(7, "0") + "\0", 100, 8);
    put("0000000\0", 108, 8);
    put("0000000\0", 116, 8);
    put(size.toString(8).padStart(11, "0") + "\0", 124, 12);
    put(Math.floor(Date.now() / 1000).toString(8).padStart(11, "0") + "\0", 136, 12);
    put("        ", 148, 8);
    put("0", 156, 1);
    put("ustar\0", 257, 6);
    put("00", 263, 2);
    let sum = 0;
    for (const b of h) sum += b;
    put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
    return h;
  };
  const body = Buffer.from(content);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  // As the provider: the entry carries the whole path and is extracted at `/`, so parents are created.
  const tar = Buffer.concat([tarHeader(file.replace(/^\/+/, ""), body.length, executable ? 0o755 : 0o644), body, pad, Buffer.alloc(1024)]);
  const dir = "/";
  const { spawn } = await import("child_process");
  const [bin, ...argv] = cli(["cp", "-", `${container}:${dir}`]);
  await new Promise<void>((resolve, reject) => {
    const p = spawn(bin, argv, { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`upload of ${file} to ${container} failed: ${err}`))));
    p.stdin.end(tar);
  });
}

async function waitHealthy(cli: DockerCli, name: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await docker(cli, ["inspect", "-f", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", name], what);
    const [status, health] = state.split(" ");
    if (status !== "running") {
      const logs = await runProcess(cli(["logs", "--tail", "30", name]));
      throw new Error(`${what}: container ${name} is ${status}\n${logs.stdout}${logs.stderr}`);
    }
    if (health === "healthy" || health === "none") return;
    if (Date.now() > deadline) throw new Error(`${what}: container ${name} not healthy after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
