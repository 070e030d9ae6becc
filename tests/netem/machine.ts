import { spawn } from "child_process";

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  input?: string;
  env?: Record<string, string>;
  allowFail?: boolean;
  timeoutMs?: number;
}

/**
 * Somewhere commands run as root with network namespaces: this machine, or the netem VM (vm/qemuVm.ts).
 * The delay and loss tests are written once against this and run on whichever kernel has netem.
 */
export interface Machine {
  /** What the figures were measured on, for the test output. */
  readonly description: string;
  exec(cmd: string[], opts?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

export function failure(cmd: string[], r: ExecResult, where: string): Error {
  return new Error(`${cmd.join(" ")} failed on ${where} (exit ${r.code}):\n${r.stderr}${r.stdout ? `\nstdout:\n${r.stdout}` : ""}`);
}

/** This machine, as root. */
export class LocalMachine implements Machine {
  readonly description: string;
  constructor(kernel: string) {
    this.description = `this machine (kernel ${kernel})`;
  }

  exec(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        const r = { code: code ?? -1, stdout, stderr };
        if (r.code !== 0 && !opts.allowFail) reject(failure(cmd, r, this.description));
        else resolve(r);
      });
      child.stdin.end(opts.input ?? "");
    });
  }

  async close(): Promise<void> {}
}
