import { ChildProcessWithoutNullStreams, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExecOptions, ExecResult, failure, Machine } from "../machine";

const BUILD_SCRIPT = path.join(__dirname, "..", "..", "..", "scripts", "netem-vm", "build.sh");

export type VmImage = { kernel: string; initrd: string } | { skip: string };

/**
 * The netem VM's kernel and initramfs, built once by scripts/netem-vm/build.sh and cached. A skip (with
 * the reason) when qemu is missing and cannot be installed here; any other build failure throws.
 */
export function netemVmImage(): VmImage {
  const r = spawnSync("bash", [BUILD_SCRIPT], { encoding: "utf8", timeout: 15 * 60_000 });
  if (r.status === 3) return { skip: r.stderr.trim().split("\n").pop()! };
  const m = /kernel=(\S+) initrd=(\S+)\s*$/.exec(r.stdout ?? "");
  if (r.status !== 0 || !m) throw new Error(`scripts/netem-vm/build.sh failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
  return { kernel: m[1], initrd: m[2] };
}

/**
 * Debian's kernel booted under qemu with software emulation (TCG: KVM hangs on these machines), running
 * commands through the agent on a virtio serial port (scripts/netem-vm/agent.sh); the kernel's console
 * goes to a file, kept for diagnosis. One vCPU: TCG runs it on one host thread, leaving the other core free.
 */
export class QemuVm implements Machine {
  description = "a qemu VM (TCG, 1 vCPU)";
  readonly consoleLog: string;
  private proc!: ChildProcessWithoutNullStreams;
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private exited: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;

  private readonly killOnExit = () => this.proc?.kill("SIGKILL");

  private constructor() {
    this.consoleLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "e2c-netem-vm-")), "console.log");
  }

  static async boot(image: { kernel: string; initrd: string }, timeoutMs = 180_000): Promise<QemuVm> {
    const vm = new QemuVm();
    try {
      await vm.start(image, timeoutMs);
    } catch (e) {
      vm.killOnExit();
      throw e;
    }
    return vm;
  }

  private async start(image: { kernel: string; initrd: string }, timeoutMs: number): Promise<void> {
    this.proc = spawn("qemu-system-x86_64", [
      "-accel", "tcg", "-m", "1024", "-smp", "1", "-display", "none", "-monitor", "none", "-no-reboot",
      "-kernel", image.kernel, "-initrd", image.initrd, "-append", "console=ttyS0 panic=-1",
      "-serial", `file:${this.consoleLog}`,
      "-device", "virtio-serial-pci", "-chardev", "stdio,id=agent,signal=off", "-device", "virtserialport,chardev=agent,name=e2c.agent",
    ]);
    // A test process that dies leaves no VM behind.
    process.on("exit", this.killOnExit);
    let stderr = "";
    this.proc.stderr.on("data", (d) => (stderr += d));
    this.proc.stdout.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
    this.proc.on("exit", (code, signal) => {
      process.off("exit", this.killOnExit);
      this.exited = `qemu exited (${code ?? signal})${stderr ? `: ${stderr.trim()}` : ""}`;
      this.waiter?.();
    });
    const ready = await this.line(timeoutMs);
    const m = /^READY (\S+)$/.exec(ready);
    if (!m) throw new Error(`netem VM: expected READY, got ${JSON.stringify(ready)}\n${this.consoleTail()}`);
    this.description = `a qemu VM (TCG, 1 vCPU) running Debian's kernel ${m[1]}`;
  }

  /** The last lines the kernel printed, for error messages. */
  consoleTail(lines = 30): string {
    const text = fs.existsSync(this.consoleLog) ? fs.readFileSync(this.consoleLog, "utf8") : "";
    return `console (${this.consoleLog}):\n${text.split("\n").slice(-lines).join("\n")}`;
  }

  private async waitFor<T>(take: () => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = take();
      if (v !== undefined) return v;
      if (this.exited) throw new Error(`netem VM: ${this.exited}\n${this.consoleTail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`netem VM: no answer within ${timeoutMs} ms\n${this.consoleTail()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }

  private line(timeoutMs: number): Promise<string> {
    return this.waitFor(() => {
      const i = this.buf.indexOf(0x0a);
      if (i < 0) return undefined;
      const l = this.buf.subarray(0, i).toString("utf8");
      this.buf = this.buf.subarray(i + 1);
      return l;
    }, timeoutMs);
  }

  private bytes(n: number, timeoutMs: number): Promise<string> {
    return this.waitFor(() => {
      if (this.buf.length < n) return undefined;
      const b = this.buf.subarray(0, n).toString("utf8");
      this.buf = this.buf.subarray(n);
      return b;
    }, timeoutMs);
  }

  exec(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    // One request at a time: the agent runs them in order on one channel.
    const run = this.queue.then(() => this.request(cmd, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async request(cmd: string[], opts: ExecOptions): Promise<ExecResult> {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `export ${k}=${q(v)}\n`).join("");
    const script = Buffer.from(`${env}exec ${cmd.map(q).join(" ")}\n`);
    const input = Buffer.from(opts.input ?? "");
    const id = this.nextId++;
    this.proc.stdin.write(Buffer.concat([Buffer.from(`RUN ${id} ${script.length} ${input.length}\n`), script, input]));
    const timeout = opts.timeoutMs ?? 120_000;
    const header = await this.line(timeout);
    const m = /^DONE (\d+) (\d+) (\d+) (\d+)$/.exec(header);
    if (!m || Number(m[1]) !== id) throw new Error(`netem VM: expected DONE ${id}, got ${JSON.stringify(header)}\n${this.consoleTail()}`);
    const stdout = await this.bytes(Number(m[3]), timeout);
    const stderr = await this.bytes(Number(m[4]), timeout);
    const r = { code: Number(m[2]), stdout, stderr };
    if (r.code !== 0 && !opts.allowFail) throw failure(cmd, r, this.description);
    return r;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.proc.once("exit", () => resolve()));
    this.proc.stdin.write("EXIT\n");
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 15_000);
    await gone;
    clearTimeout(t);
  }
}
