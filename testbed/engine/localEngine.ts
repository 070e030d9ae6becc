import * as pulumi from "@pulumi/pulumi";
import { copyToRemote, localCommand, remoteCommand } from "./commandRealizers";
import { dockerContainer, dockerNetwork, dockerProvider, remoteImage } from "./dockerRealizers";
import { parseTimeout } from "./processRunner";
import { randomString } from "./randomRealizer";
import { Realizer, ResourceContext } from "./realizer";
import { DeclaredResource, onRegistration } from "./registrations";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");

/** The resource types the local engine can realise; anything else fails the run. */
const REALIZERS: Record<string, Realizer> = {
  "command:local:Command": localCommand,
  "command:remote:Command": remoteCommand,
  "command:remote:CopyToRemote": copyToRemote,
  "docker:index/container:Container": dockerContainer,
  "docker:index/network:Network": dockerNetwork,
  "docker:index/remoteImage:RemoteImage": remoteImage,
  "random:index/randomString:RandomString": randomString,
  "pulumi:providers:docker": dockerProvider,
};

/** One resource as the program declared it and as the engine realised it. */
export interface EngineRecord extends Pick<DeclaredResource, "urn" | "type" | "name" | "parent" | "custom" | "provider" | "dependencies"> {
  /** Inputs as declared, secrets still marked (`{secret: ...}` wrappers). */
  declared: Record<string, unknown>;
  /** Inputs as realised, secrets revealed. */
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  timeouts: { createMs: number; deleteMs: number };
  createdMs: number;
  createSeconds: number;
}

export interface EngineEvents {
  onCreated?: (r: EngineRecord) => void;
  onDeleted?: (r: EngineRecord, seconds: number) => void;
  onFailed?: (type: string, name: string, error: Error) => void;
}

function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object" && !(v instanceof pulumi.asset.Asset) && !(v instanceof pulumi.asset.Archive)) {
    const o = v as Record<string, unknown>;
    if (o[rpc.specialSigKey] === rpc.specialSecretSig) return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

/**
 * A small, strict deployment engine for the local testbed, standing in for the Pulumi engine where the CLI
 * cannot run. It evaluates the real program under Pulumi's runtime mocks and, for every resource the program
 * registers, does the real work inside the mock (runs the command over SSH, creates the container...)
 * before answering. The SDK only registers a resource once the resources it depends on have answered, so
 * creation follows the program's dependency graph, with the same parallelism. `destroy` runs the deletes
 * in reverse order of completion, which is a reverse dependency order.
 */
export class LocalEngine {
  readonly records: EngineRecord[] = [];
  private detach: () => void = () => undefined;
  /** What the program declared, by type and name, until the mock's newResource takes it. */
  private readonly pending = new Map<string, DeclaredResource>();

  constructor(private readonly events: EngineEvents = {}) {}

  async up(project: string, stack: string, config: Record<string, string>, secretKeys: string[], loadProgram: () => unknown): Promise<Record<string, unknown>> {
    pulumi.runtime.setAllConfig(config, secretKeys);
    let failUp: (e: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (failUp = reject));
    failed.catch(() => undefined);
    await pulumi.runtime.setMocks(
      {
        newResource: async (a) => {
          const key = `${a.type}\u0000${a.name}`;
          const meta = this.pending.get(key);
          this.pending.delete(key);
          // The SDK's own URN (parent types included): provider references name it.
          const urn = meta?.urn ?? `urn:pulumi:${stack}::${project}::${a.type}::${a.name}`;
          if (!a.custom) return { id: `${a.name}`, state: a.inputs };
          const realizer = REALIZERS[a.type];
          if (!realizer) throw new Error(`the local engine cannot realise resource type ${a.type} (${a.name})`);
          const provider = a.provider ? this.records.find((r) => a.provider!.startsWith(`${r.urn}::`))?.outputs : undefined;
          // Never fall back to this machine's engine for a resource meant for a host's.
          if (a.provider && !provider) throw new Error(`${a.type} ${a.name}: its provider ${a.provider} was not realised`);
          const timeouts = { createMs: parseTimeout(meta?.customTimeouts?.create, 0), deleteMs: parseTimeout(meta?.customTimeouts?.pb_delete, 0) };
          const ctx: ResourceContext = { type: a.type, name: a.name, urn, inputs: unwrapSecrets(a.inputs) as Record<string, unknown>, timeouts, provider };
          const t0 = Date.now();
          let outputs: Record<string, unknown>;
          try {
            outputs = await realizer.create(ctx);
          } catch (e) {
            this.events.onFailed?.(a.type, a.name, e as Error);
            // Dependents of a failed resource would wait for it forever: fail the whole `up` now.
            failUp(e as Error);
            throw e;
          }
          const record: EngineRecord = {
            urn,
            type: a.type,
            name: a.name,
            parent: meta?.parent ?? "",
            custom: true,
            provider: a.provider ?? "",
            dependencies: meta?.dependencies ?? [],
            declared: meta?.raw ?? {},
            inputs: ctx.inputs,
            outputs,
            timeouts: ctx.timeouts,
            createdMs: Date.now(),
            createSeconds: (Date.now() - t0) / 1000,
          };
          this.records.push(record);
          this.events.onCreated?.(record);
          return { id: `${a.name}-local`, state: outputs };
        },
        call: (a) => a.inputs,
      },
      project,
      stack,
      false,
    );
    onRegistration((d) => this.pending.set(`${d.type}\u0000${d.name}`, d));
    // A resource that fails to create rejects inside the SDK, out of this call's reach: collect those.
    // Kept until destroy: the SDK may report them after `up` has given up.
    const failures: Error[] = [];
    const onRejection = (e: unknown) => failures.push(e instanceof Error ? e : new Error(String(e)));
    process.on("unhandledRejection", onRejection);
    this.detach = () => process.off("unhandledRejection", onRejection);
    let outputs: Record<string, unknown>;
    try {
      outputs = await Promise.race([
        (async () => {
          const o = (await pulumi.runtime.runInPulumiStack(async () => loadProgram() as Record<string, unknown>)) ?? {};
          await settings.waitForRPCs();
          return o;
        })(),
        failed,
      ]);
    } catch (e) {
      failures.push(e as Error);
      outputs = {};
    }
    if (failures.length) throw new Error(`up failed (${this.records.length} resources were created; destroy removes them):\n${failures.map((f) => f.message).join("\n")}`);
    // A program module served from a cache declares nothing and hands back its last outputs: never a success.
    if (!this.records.length) throw new Error("up failed: the program declared no resource (was it evaluated afresh? see LocalEngineBackend's loader)");
    return unwrapSecrets(await resolveOutputs(outputs)) as Record<string, unknown>;
  }

  /**
   * Deletes everything created, newest first. A failing delete is recorded and the rest still run (as
   * `pulumi destroy --continue-on-error`), so one broken host does not keep the others' results away.
   */
  async destroy(): Promise<{ record: EngineRecord; error: Error }[]> {
    const errors: { record: EngineRecord; error: Error }[] = [];
    for (const r of [...this.records].reverse()) {
      const t0 = Date.now();
      try {
        // Deleted through the provider it was created with (providers go after what uses them).
        const provider = r.provider ? this.records.find((p) => r.provider.startsWith(`${p.urn}::`))?.outputs : undefined;
        await REALIZERS[r.type].delete({ type: r.type, name: r.name, urn: r.urn, inputs: r.inputs, timeouts: r.timeouts, provider }, r.outputs);
      } catch (e) {
        errors.push({ record: r, error: e as Error });
      }
      this.events.onDeleted?.(r, (Date.now() - t0) / 1000);
    }
    this.records.length = 0;
    this.detach();
    return errors;
  }
}

async function resolveOutputs(v: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(v)) return resolveOutputs(await new Promise((r) => (v as pulumi.Output<unknown>).apply(r)));
  if (Array.isArray(v)) return Promise.all(v.map(resolveOutputs));
  if (v && typeof v === "object") return Object.fromEntries(await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await resolveOutputs(x)])));
  return v;
}
