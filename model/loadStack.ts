import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Diagnostics } from "./diagnostic";
import { readCliForms } from "./cliConfigForms";
import { checkSchema } from "./schemaCheck";
import { CONFIG_NAMESPACE, stackSchema } from "./schemas/stackSchema";
import { HostDecl, JumpHostDecl, StackSettings } from "./stackTypes";
import { YamlSource } from "./yamlSource";

/** Defaults of the stack keys; the README's config reference lists the same values. */
export const STACK_DEFAULTS = {
  scenario: "configs/cctv",
  artifacts: "artifacts",
  results: "results",
  duration: 240,
  sshUser: "root",
  sshPort: 22,
  dataDir: "/opt/e2c",
  containerNetwork: "host",
  containerPrefix: "",
  /** The base image of the project's Dockerfiles (docker/make-base.sh), sent to hosts that build. */
  buildBase: "surveillance-base:bookworm",
} as const;

/** Where docker/build.sh stages the images' build contexts (its own default). */
export function defaultBuildContextsDir(): string {
  return process.env.BUILD_DIR ?? path.join(os.tmpdir(), "surveillance-docker");
}

/** Stack files are `Pulumi.<stack>.yaml` beside `Pulumi.yaml`. */
export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

export function stackNameOf(file: string): string {
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file));
  return m ? m[1] : path.basename(file).replace(/\.ya?ml$/, "");
}

/**
 * The scenario folder a stack file names, read leniently, so that a stack file with errors does not hide
 * the scenario's own errors: every problem is reported in one run.
 */
export function scenarioDirOf(file: string): string {
  let named: unknown;
  try {
    named = (new YamlSource(file, fs.readFileSync(file, "utf8")).toJS() as { config?: Record<string, unknown> })?.config?.[`${CONFIG_NAMESPACE}:scenario`];
  } catch {
    named = undefined;
  }
  return path.resolve(path.dirname(path.resolve(file)), typeof named === "string" ? named : STACK_DEFAULTS.scenario);
}

interface RawHost {
  name: string;
  address: string;
  address6?: string;
  user?: string;
  port?: number;
  layer?: string;
  service?: string;
}

/**
 * Reads and checks a stack file. Secret values are never decrypted here: only their presence is noted,
 * and the Pulumi program reads them through `pulumi.Config().requireSecret`.
 */
export function loadStackFile(file: string, diags: Diagnostics): StackSettings | undefined {
  if (!fs.existsSync(file)) {
    diags.add({ location: { file, line: 1, col: 1 }, message: "stack file not found", expected: "a Pulumi.<stack>.yaml file" });
    return undefined;
  }
  const src = YamlSource.read(file);
  if (!src.reportSyntax(diags)) return undefined;
  const raw = readCliForms(src.toJS(), stackSchema as object);
  if (!checkSchema(stackSchema, raw, src, diags)) return undefined;
  const config = (raw as { config: Record<string, unknown> }).config;
  const get = <T>(key: string): T | undefined => config[`${CONFIG_NAMESPACE}:${key}`] as T | undefined;
  const at = (key: string, ...rest: (string | number)[]) => src.locate(["config", `${CONFIG_NAMESPACE}:${key}`, ...rest]);

  const defaultUser = get<string>("sshUser") ?? STACK_DEFAULTS.sshUser;
  const jump = get<{ host: string; user?: string; port?: number }>("jumpHost");
  const jumpHost: JumpHostDecl | undefined = jump && {
    host: jump.host,
    user: jump.user ?? defaultUser,
    port: jump.port ?? STACK_DEFAULTS.sshPort,
  };

  const names = new Map<string, number>();
  const addresses = new Map<string, number>();
  const hosts: HostDecl[] = get<RawHost[]>("hosts")!.map((h, i) => {
    for (const [seen, value, what] of [
      [names, h.name, "name"],
      [addresses, h.address, "address"],
    ] as const) {
      const first = seen.get(value);
      if (first !== undefined) {
        diags.add({
          location: at("hosts", i, what),
          message: `duplicate host ${what}`,
          value: JSON.stringify(value),
          expected: `a ${what} not already given to host ${first + 1}`,
        });
      } else seen.set(value, i);
    }
    return {
      name: h.name,
      address: h.address,
      address6: h.address6,
      user: h.user ?? defaultUser,
      port: h.port ?? STACK_DEFAULTS.sshPort,
      layer: h.layer,
      service: h.service?.toLowerCase(),
      location: at("hosts", i),
    };
  });

  const base = path.dirname(path.resolve(file));
  const resolve = (p: string) => path.resolve(base, p);
  return {
    stack: stackNameOf(file),
    file,
    project: CONFIG_NAMESPACE,
    scenarioDir: scenarioDirOf(file),
    artifactsDir: resolve(get<string>("artifacts") ?? STACK_DEFAULTS.artifacts),
    resultsDir: resolve(get<string>("results") ?? STACK_DEFAULTS.results),
    hosts,
    jumpHost,
    currentRepeat: get<number>("repeat") ?? 0,
    durationSeconds: get<number>("duration") ?? STACK_DEFAULTS.duration,
    localTestbed: get<StackSettings["localTestbed"]>("localTestbed"),
    hostLayout: {
      dataDir: get<string>("dataDir") ?? STACK_DEFAULTS.dataDir,
      containerNetwork: get<string>("containerNetwork") ?? STACK_DEFAULTS.containerNetwork,
      containerPrefix: get<string>("containerPrefix") ?? STACK_DEFAULTS.containerPrefix,
    },
    images: get<Record<string, string>>("images") ?? {},
    allowMissingNetem: get<boolean>("allowMissingNetem") ?? false,
    bootstrapHosts: get<boolean>("bootstrapHosts") ?? true,
    imageSource: get<"transfer" | "registry" | "build">("imageSource") ?? "transfer",
    build: {
      contextsDir: resolve(get<string>("buildContexts") ?? defaultBuildContextsDir()),
      baseImage: get<string>("buildBase") ?? STACK_DEFAULTS.buildBase,
    },
    registry: get<{ address: string; username: string }>("registry"),
    secretKeys: Object.entries(config)
      .filter(([, v]) => typeof v === "object" && v !== null && "secure" in v)
      .map(([k]) => k),
  };
}
