import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface Running {
  name: string;
  child: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

/** Child processes started by a test, each logging to a file; killAll() is for afterAll. */
export class ProcessGroup {
  private readonly running: Running[] = [];

  constructor(private readonly logDir: string) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Running {
    const log = path.join(this.logDir, `${name}.log`);
    const fd = fs.openSync(log, "w");
    const child = spawn(cmd, args, { stdio: ["ignore", fd, fd], env: { ...process.env, ...env } });
    fs.closeSync(fd);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const r = { name, child, log, exited };
    this.running.push(r);
    return r;
  }

  /** Waits for exit, failing with the process log if it takes longer than timeoutMs. */
  async waitExit(r: Running, timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${r.name} still running after ${timeoutMs} ms; log:\n${tail(r.log)}`)), timeoutMs);
    });
    try {
      return await Promise.race([r.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(r: Running, timeoutMs = 30000): Promise<number | null> {
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGTERM");
    return this.waitExit(r, timeoutMs);
  }

  async killAll(): Promise<void> {
    for (const r of this.running) {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
    }
    await Promise.all(this.running.map((r) => r.exited));
  }
}

export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
