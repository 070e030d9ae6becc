import { spawn } from "child_process";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with optional stdin and a time limit; never throws for a non-zero exit. */
export function runProcess(cmd: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], cmd.slice(1), { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          stderr += `\n[local engine] killed after ${opts.timeoutMs} ms`;
          child.kill("SIGKILL");
        }, opts.timeoutMs)
      : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.stdin ?? "");
  });
}

/** Pulumi's custom timeouts ("5m", "30s", "1h") in milliseconds. */
export function parseTimeout(t: string | undefined, fallbackMs: number): number {
  if (!t) return fallbackMs;
  let ms = 0;
  for (const [, n, u] of t.matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms)/g)) ms += Number(n) * { h: 3600e3, m: 60e3, s: 1e3, ms: 1 }[u as "h" | "m" | "s" | "ms"];
  return ms || fallbackMs;
}
