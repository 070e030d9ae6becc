import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DeclaredResource, onRegistration } from "../../testbed/engine/registrations";

/**
 * Evaluates the real entry point (`index.ts`) under Pulumi's runtime mocks and captures what it sends to
 * the engine: for every resource its type, name, parent, explicit dependencies (URNs), inputs as
 * serialized (secrets still wrapped), additional secret outputs and timeouts; plus component and stack
 * outputs. Used by the program tests and by `npm run bench:program`.
 */

export const PROJECT_DIR = path.resolve(__dirname, "../..");
export const INDEX = path.join(PROJECT_DIR, "index.ts");

/** A key that must never appear outside a secret; the marker is what the tests search for. */
export const KEY_MARKER = "e2c-test-key-MUST-NOT-LEAK";
export const FAKE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${KEY_MARKER}AAAA\n-----END OPENSSH PRIVATE KEY-----\n`;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");
const SIG_KEY: string = rpc.specialSigKey;
const SECRET_SIG: string = rpc.specialSecretSig;

/** A resource as the program declared it (see testbed/engine/registrations.ts). */
export type CapturedResource = DeclaredResource;

export interface Evaluation {
  stack: string;
  resources: CapturedResource[];
  byUrn: Map<string, CapturedResource>;
  /** Outputs registered by components and the stack, serialized, by URN. */
  registeredOutputs: Map<string, unknown>;
  /** The stack outputs, with secrets unwrapped into `{secret: value}` by the runtime. */
  stackOutputs: Record<string, unknown>;
  /** Wall time from loading index.ts until the last resource registration was answered. */
  seconds: number;
}

/** Loads a module afresh (jest: `jest.isolateModules`; plain node: testbed/engine/freshRequire). */
export type FreshLoader = (file: string) => unknown;

/** For tests: the program evaluated in a module registry of its own. */
export const jestLoader: FreshLoader = (file) => {
  let m: unknown;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    m = require(file);
  });
  return m;
};

export const MOCK_EXPERIMENT_ID = "t3strun1";
export const MOCK_RUN_STARTED = "20260101-120000";

function mockState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "random:index/randomString:RandomString":
      return { ...inputs, result: MOCK_EXPERIMENT_ID };
    case "docker:index/remoteImage:RemoteImage":
      return { ...inputs, imageId: `sha256:mock-${String(inputs.name)}`, repoDigest: `${String(inputs.name)}@sha256:mock` };
    case "command:local:Command":
      // The run's start time, which names its results folder.
      if (String(inputs.create ?? "").startsWith("date -u ")) return { ...inputs, stdout: MOCK_RUN_STARTED, stderr: "" };
      return { ...inputs, stdout: "", stderr: "" };
    case "command:remote:Command":
      return { ...inputs, stdout: "", stderr: "" };
    default:
      return inputs;
  }
}

export async function evaluateProgram(stack: string, load: FreshLoader, stackFile?: string, secrets: Record<string, string> = {}): Promise<Evaluation> {
  const { resources, registeredOutputs } = await installMocks(stack, stackFile, secrets);
  const t0 = process.hrtime.bigint();
  const stackOutputs = (await pulumi.runtime.runInPulumiStack(async () => load(INDEX) as Record<string, unknown>)) ?? {};
  await settings.waitForRPCs();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { stack, resources, byUrn: new Map(resources.map((r) => [r.urn, r])), registeredOutputs, stackOutputs, seconds };
}

/** Mocks in place for `stack` (config, mock engine, capture of registrations); index.ts not loaded yet. */
export async function installMocks(
  stack: string,
  stackFile?: string,
  /** Further secret config values, decrypted (as `pulumi config set --secret` would hand them over). */
  secrets: Record<string, string> = {},
): Promise<{ resources: CapturedResource[]; registeredOutputs: Map<string, unknown> }> {
  if (stackFile) process.env.E2C_STACK_FILE = stackFile;
  else delete process.env.E2C_STACK_FILE;
  const config = { "edge2cloud:sshPrivateKey": FAKE_KEY, ...secrets };
  pulumi.runtime.setAllConfig(config, Object.keys(config));
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => ({ id: `${a.name}-id`, state: mockState(a.type, a.inputs) }),
      call: (a) => a.inputs,
    },
    "edge2cloud",
    stack,
    false,
  );
  const monitor = settings.getMonitor();
  const resources: CapturedResource[] = [];
  const registeredOutputs = new Map<string, unknown>();
  onRegistration((d) => resources.push(d));
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, cb: any) => {
    registeredOutputs.set(req.getUrn(), req.getOutputs()?.toJavaScript());
    return registerOutputs(req, cb);
  };
  return { resources, registeredOutputs };
}

/** Strings found outside secret wrappers, with their path. */
export function plainStrings(value: unknown, at = "", out: { path: string; value: string }[] = []): { path: string; value: string }[] {
  if (typeof value === "string") out.push({ path: at, value });
  else if (Array.isArray(value)) value.forEach((v, i) => plainStrings(v, `${at}[${i}]`, out));
  else if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return out;
    for (const [k, v] of Object.entries(o)) plainStrings(v, at ? `${at}.${k}` : k, out);
  }
  return out;
}

export function isSecretWrapped(value: unknown): boolean {
  return !!value && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Unwraps secrets (for reading scripts in tests). */
export function reveal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reveal);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return reveal(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** Dependency reachability over explicit dependencies and parents' children (what the engine orders by). */
export class DependencyGraph {
  private readonly edges = new Map<string, string[]>();
  constructor(ev: Evaluation) {
    for (const r of ev.resources) this.edges.set(r.urn, r.dependencies);
  }
  /** True when `from` depends, directly or transitively, on `to` (so `to` is created first, deleted last). */
  dependsOn(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const u = stack.pop()!;
      if (u === to && u !== from) return true;
      if (seen.has(u)) continue;
      seen.add(u);
      for (const d of this.edges.get(u) ?? []) {
        if (d === to) return true;
        stack.push(d);
      }
    }
    return false;
  }
}
