import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProcess } from "./processRunner";
import { Realizer, ResourceContext } from "./realizer";
import { checkKeys, str } from "./strictInputs";

const COMMON = ["create", "update", "delete", "stdin", "triggers", "logging", "addPreviousOutputInEnv", "environment"] as const;

function fail(r: ResourceContext, phase: string, res: { code: number; stdout: string; stderr: string }): never {
  throw new Error(`${r.type} ${r.name}: ${phase} exited ${res.code}\n--- stdout\n${res.stdout.slice(-4000)}\n--- stderr\n${res.stderr.slice(-4000)}`);
}

/** `local.Command`: the interpreter (default `/bin/sh -c`) runs create, and delete at destroy. */
export const localCommand: Realizer = {
  async create(r) {
    checkKeys(r.type, r.name, r.inputs, [...COMMON, "dir", "interpreter", "assetPaths", "archivePaths"]);
    if (r.inputs.assetPaths || r.inputs.archivePaths) throw new Error(`${r.name}: assetPaths/archivePaths are not supported by the local engine`);
    const create = r.inputs.create as string | undefined;
    if (!create) return { stdout: "", stderr: "" };
    const res = await runLocal(r, create, {}, r.timeouts.createMs);
    if (res.code !== 0) fail(r, "create", res);
    return { stdout: res.stdout.replace(/\n$/, ""), stderr: res.stderr.replace(/\n$/, "") };
  },
  async delete(r, outputs) {
    const del = r.inputs.delete as string | undefined;
    if (!del) return;
    const prev: Record<string, string> = r.inputs.addPreviousOutputInEnv === false ? {} : { PULUMI_COMMAND_STDOUT: String(outputs.stdout ?? ""), PULUMI_COMMAND_STDERR: String(outputs.stderr ?? "") };
    const res = await runLocal(r, del, prev, r.timeouts.deleteMs);
    if (res.code !== 0) fail(r, "delete", res);
  },
};

function runLocal(r: ResourceContext, script: string, extraEnv: Record<string, string>, timeoutMs: number) {
  const interpreter = (r.inputs.interpreter as string[] | undefined) ?? ["/bin/sh", "-c"];
  const env = { ...process.env, ...((r.inputs.environment as Record<string, string>) ?? {}), ...extraEnv };
  return runProcess([...interpreter, script], { stdin: r.inputs.stdin as string | undefined, env, cwd: r.inputs.dir as string | undefined, timeoutMs: timeoutMs || undefined });
}

interface Connection {
  host: string;
  user?: string;
  port?: number;
  privateKey?: string;
  proxy?: Connection;
  dialErrorLimit?: number;
  perDialTimeout?: number;
}

const KNOWN_CONNECTION = ["host", "user", "port", "privateKey", "proxy", "dialErrorLimit", "perDialTimeout", "password", "privateKeyPassword", "agentSocketPath", "hostKey"];

/** OpenSSH arguments equivalent to a command provider connection, with its key in a private temp file. */
class SshClient {
  private static dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-engine-ssh-"));
  private static keys = new Map<string, string>();

  static keyFile(key: string): string {
    let f = SshClient.keys.get(key);
    if (!f) {
      f = path.join(SshClient.dir, `key-${SshClient.keys.size}`);
      fs.writeFileSync(f, key.endsWith("\n") ? key : key + "\n", { mode: 0o600 });
      SshClient.keys.set(key, f);
    }
    return f;
  }

  static args(c: Connection, name: string): string[] {
    for (const k of Object.keys(c)) if (!KNOWN_CONNECTION.includes(k)) throw new Error(`${name}: unknown connection field ${k}`);
    if (!c.privateKey) throw new Error(`${name}: the local engine connects with privateKey only`);
    const common = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", `ConnectTimeout=${c.perDialTimeout ?? 15}`, "-o", `ConnectionAttempts=${c.dialErrorLimit ?? 10}`];
    const out = ["-i", SshClient.keyFile(c.privateKey), "-o", "IdentitiesOnly=yes", ...common, "-p", String(c.port ?? 22)];
    if (c.proxy) {
      const p = c.proxy;
      const proxyCmd = ["ssh", "-i", SshClient.keyFile(p.privateKey ?? c.privateKey), ...common, "-p", String(p.port ?? 22), "-W", "%h:%p", `${p.user ?? "root"}@${p.host}`].join(" ");
      out.push("-o", `ProxyCommand=${proxyCmd}`);
    }
    return out;
  }
}

/** `remote.Command`: what the provider does over SSH, done with OpenSSH: the login shell runs the string. */
export const remoteCommand: Realizer = {
  async create(r) {
    checkKeys(r.type, r.name, r.inputs, [...COMMON, "connection"]);
    // The provider sends `environment` with SSH Setenv, which sshd refuses unless AcceptEnv allows it.
    if (r.inputs.environment && Object.keys(r.inputs.environment as object).length) {
      throw new Error(`${r.name}: remote environment needs AcceptEnv on every host; put VAR=value in the command instead`);
    }
    const create = r.inputs.create as string | undefined;
    if (!create) return { stdout: "", stderr: "" };
    const res = await runRemote(r, create, r.timeouts.createMs);
    if (res.code !== 0) fail(r, "create", res);
    return { stdout: res.stdout.replace(/\n$/, ""), stderr: res.stderr.replace(/\n$/, "") };
  },
  async delete(r) {
    const del = r.inputs.delete as string | undefined;
    if (!del) return;
    const res = await runRemote(r, del, r.timeouts.deleteMs);
    if (res.code !== 0) fail(r, "delete", res);
  },
};

function runRemote(r: ResourceContext, script: string, timeoutMs: number) {
  const c = r.inputs.connection as Connection;
  return runProcess(["ssh", ...SshClient.args(c, r.name), `${c.user ?? "root"}@${str(c.host, `${r.name} connection.host`)}`, script], {
    stdin: r.inputs.stdin as string | undefined,
    timeoutMs: timeoutMs || undefined,
  });
}

/** An asset or archive as the mocks hand it over: a FileAsset/StringAsset/FileArchive or its serialized form. */
async function assetSource(source: unknown, name: string): Promise<{ path?: string; text?: string; archive: boolean }> {
  const s = source as Record<string, unknown>;
  const pathOf = async (v: unknown) => (v === undefined ? undefined : String(await (v as Promise<string> | string)));
  if (s.path !== undefined) return { path: await pathOf(s.path), archive: s.constructor?.name === "FileArchive" || "assets" in s || String(await pathOf(s.path)).endsWith("/") };
  if (s.text !== undefined) return { text: String(await (s.text as Promise<string> | string)), archive: false };
  throw new Error(`${name}: unsupported copy source ${JSON.stringify(Object.keys(s))}`);
}

/** `remote.CopyToRemote`: a file or a folder, copied with scp (parents made; nothing removed at destroy). */
export const copyToRemote: Realizer = {
  async create(r) {
    checkKeys(r.type, r.name, r.inputs, ["connection", "source", "remotePath", "triggers"]);
    const c = r.inputs.connection as Connection;
    const remotePath = str(r.inputs.remotePath, `${r.name} remotePath`);
    const src = await assetSource(r.inputs.source, r.name);
    let local = src.path;
    if (src.text !== undefined) {
      local = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "e2c-copy-")), path.basename(remotePath));
      fs.writeFileSync(local, src.text);
    }
    const args = SshClient.args(c, r.name);
    const target = `${c.user ?? "root"}@${c.host}`;
    const parent = fs.statSync(local!).isDirectory() ? remotePath : path.posix.dirname(remotePath);
    const mk = await runProcess(["ssh", ...args, target, `mkdir -p '${parent.replace(/'/g, "'\\''")}'`]);
    if (mk.code !== 0) fail(r, "create (mkdir)", mk);
    const scpArgs = args.map((a, i) => (a === "-p" && args[i - 1] !== "-o" ? "-P" : a));
    const res = fs.statSync(local!).isDirectory()
      ? await runProcess(["scp", "-r", ...scpArgs, `${local!.replace(/\/$/, "")}/.`, `${target}:${remotePath}`], { timeoutMs: r.timeouts.createMs || undefined })
      : await runProcess(["scp", ...scpArgs, local!, `${target}:${remotePath}`], { timeoutMs: r.timeouts.createMs || undefined });
    if (res.code !== 0) fail(r, "create", res);
    return {};
  },
  async delete() {
    // As the provider: copied files stay on the host.
  },
};
