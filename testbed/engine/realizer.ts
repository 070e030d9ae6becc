/** What the engine knows of a resource when it realises it. */
export interface ResourceContext {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
  /** Pulumi customTimeouts in ms (0 when none was declared). */
  timeouts: { createMs: number; deleteMs: number };
  /** Outputs of the provider resource this resource uses, when it has one. */
  provider?: Record<string, unknown>;
}

/** Creates a resource for real and later deletes it, with the inputs it was created with. */
export interface Realizer {
  create(r: ResourceContext): Promise<Record<string, unknown>>;
  delete(r: ResourceContext, outputs: Record<string, unknown>): Promise<void>;
}
