import * as pulumi from "@pulumi/pulumi";

/**
 * Resources that other components depend on before they exist. The workflow's order crosses components
 * (a Flink launch waits for the producers' prepare, a producer launch for its gateway's), so a component
 * asks for `step:<id>` or `service:<id>` by key and gets a promise, which Pulumi accepts in `dependsOn`.
 * `seal()` is called once every component is built: a key nobody registered then fails the deployment
 * with its name instead of leaving a resource waiting forever.
 */
export class DeferredGraph {
  private readonly slots = new Map<string, Slot>();
  private sealed = false;

  /** Promise of the resource registered under `key` (now or later). */
  get(key: string): Promise<pulumi.Resource> {
    return this.slot(key).promise;
  }

  set(key: string, resource: pulumi.Resource): void {
    if (this.sealed) throw new Error(`DeferredGraph: ${key} registered after seal`);
    const s = this.slot(key);
    if (s.resource) throw new Error(`DeferredGraph: ${key} registered twice`);
    s.resource = resource;
    s.resolve(resource);
  }

  seal(): void {
    this.sealed = true;
    const missing = [...this.slots.entries()].filter(([, s]) => !s.resource).map(([k]) => k);
    for (const k of missing) this.slots.get(k)!.reject(new Error(`nothing in the program provides ${k}`));
  }

  private slot(key: string): Slot {
    let s = this.slots.get(key);
    if (!s) {
      if (this.sealed) {
        const p = Promise.reject(new Error(`nothing in the program provides ${key}`));
        p.catch(() => undefined);
        return { promise: p, resolve: () => undefined, reject: () => undefined };
      }
      let resolve!: (r: pulumi.Resource) => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<pulumi.Resource>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A rejection is reported by the resource that awaits it; this keeps Node from also flagging it.
      promise.catch(() => undefined);
      s = { promise, resolve, reject };
      this.slots.set(key, s);
    }
    return s;
  }
}

interface Slot {
  promise: Promise<pulumi.Resource>;
  resolve: (r: pulumi.Resource) => void;
  reject: (e: Error) => void;
  resource?: pulumi.Resource;
}

export const stepKey = (stepId: string) => `step:${stepId}`;
export const serviceKey = (serviceId: string) => `service:${serviceId}`;
