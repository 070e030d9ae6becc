import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * The real E2Clab 3.7.0 from PyPI, in a virtual environment kept between runs
 * (`$E2C_ORACLE_VENV`, default ~/.cache/edge2cloud/e2clab-3.7.0): made once, reused while its marker file
 * says the install finished. Returns the Python to run, or why there is none.
 */
export const E2CLAB_VERSION = "3.7.0";

export function e2clabPython(): { python?: string; reason?: string } {
  const venv = process.env.E2C_ORACLE_VENV ?? path.join(os.homedir(), ".cache", "edge2cloud", `e2clab-${E2CLAB_VERSION}`);
  const python = path.join(venv, "bin", "python");
  const marker = path.join(venv, ".e2clab-installed");
  if (fs.existsSync(marker) && fs.existsSync(python)) return { python };
  const sys = spawnSync("python3", ["-c", "import sys, venv, ensurepip; print(sys.version_info >= (3, 10))"], { encoding: "utf8" });
  if (sys.status !== 0 || sys.stdout.trim() !== "True") {
    return { reason: `python3 (3.10 or newer) with venv and ensurepip is needed (Debian: apt-get install python3-venv): ${(sys.stderr || sys.stdout || String(sys.error ?? "")).trim().split("\n").pop()}` };
  }
  fs.rmSync(venv, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  const mk = spawnSync("python3", ["-m", "venv", venv], { encoding: "utf8" });
  if (mk.status !== 0) return { reason: `python3 -m venv failed: ${mk.stderr.trim().split("\n").pop()}` };
  const pip = spawnSync(python, ["-m", "pip", "install", "-q", `e2clab==${E2CLAB_VERSION}`], { encoding: "utf8", timeout: 20 * 60_000 });
  if (pip.status !== 0) {
    return { reason: `pip install e2clab==${E2CLAB_VERSION} failed (it builds netifaces: gcc and python3-dev are needed): ${(pip.stderr || String(pip.error ?? "")).trim().split("\n").slice(-2).join(" ")}` };
  }
  fs.writeFileSync(marker, new Date().toISOString() + "\n");
  return { python };
}

export interface OracleResult {
  services: Record<string, Record<string, unknown>>;
  plays: {
    phase: string;
    play: number;
    hosts: string[];
    groupings: Record<string, Record<string, unknown>>;
    results: Record<string, { task: number; item?: unknown; value: unknown; failed: boolean }[]>;
  }[];
  network: { src: string; dst: string; delay: string; rate: string; loss: string | null; symmetric: boolean; srcHosts: string[]; dstHosts: string[] }[];
  experimentDir: string;
  artifactsDir: string;
  scenarioDir: string;
}

/** Runs E2Clab's Experiment on `hosts` (addresses, in stack order) for the scenario folder. */
export function runOracle(python: string, spec: { scenario: string; artifacts: string; hosts: string[]; repeat: number; app_conf?: string }): OracleResult {
  const r = spawnSync(python, [path.join(__dirname, "e2clab_oracle.py")], {
    input: JSON.stringify(spec),
    encoding: "utf8",
    timeout: 10 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
    // Reproducible runs; the host order E2Clab takes from hashing is normalised in the oracle itself.
    env: { ...process.env, PYTHONHASHSEED: "0", ANSIBLE_NOCOLOR: "1", ANSIBLE_HOST_KEY_CHECKING: "False" },
  });
  if (r.status !== 0) throw new Error(`E2Clab oracle failed (${r.status}): ${r.stderr.split("\n").slice(-30).join("\n")}`);
  const lines = r.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as OracleResult;
}
