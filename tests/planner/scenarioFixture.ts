import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The seed exactly as E2Clab publishes it (configs/cctv is its runnable port to this project's applications). */
export const SEED_SCENARIO = path.join(__dirname, "fixtures", "seed");
export const SEED_STACK = path.join(__dirname, "fixtures", "Pulumi.seed.yaml");

export interface HostSpec {
  name: string;
  address: string;
  layer?: string;
  service?: string;
}

export function hosts(n: number, prefix = "node"): HostSpec[] {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i + 1}`, address: `10.0.0.${i + 1}` }));
}

/** A scratch scenario folder: the seed's files with edits (file -> new text, or text -> replacement). */
export function scenarioVariant(edits: Record<string, string | ((text: string) => string)> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-scenario-"));
  for (const f of fs.readdirSync(SEED_SCENARIO)) fs.copyFileSync(path.join(SEED_SCENARIO, f), path.join(dir, f));
  for (const [file, edit] of Object.entries(edits)) {
    const p = path.join(dir, file);
    const old = fs.existsSync(p) ? fs.readFileSync(p, "utf8") : "";
    fs.writeFileSync(p, typeof edit === "function" ? edit(old) : edit);
  }
  return dir;
}

/** Replaces `from` with `to` once, failing loudly when the seed no longer contains `from`. */
export function replace(from: string, to: string): (text: string) => string {
  return (text) => {
    if (!text.includes(from)) throw new Error(`fixture edit: ${JSON.stringify(from)} not found`);
    return text.replace(from, to);
  };
}

/** A stack file for `hostList` (written as YAML by hand, so tests can also feed broken ones). */
export function stackFile(hostList: HostSpec[], extra = "", scenarioDir = SEED_SCENARIO): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-stack-"));
  const lines = hostList.map(
    (h) => `    - name: ${h.name}\n      address: ${h.address}` + (h.layer ? `\n      layer: ${h.layer}` : "") + (h.service ? `\n      service: ${h.service}` : ""),
  );
  const file = path.join(dir, "Pulumi.test.yaml");
  fs.writeFileSync(file, `config:\n  edge2cloud:scenario: ${scenarioDir}\n  edge2cloud:artifacts: /artifacts\n${extra}  edge2cloud:hosts:\n${lines.join("\n")}\n`);
  return file;
}

export function rawStackFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2c-stack-"));
  const file = path.join(dir, "Pulumi.raw.yaml");
  fs.writeFileSync(file, text);
  return file;
}
