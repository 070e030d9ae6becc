/**
 * What the program sends the engine for each resource, taken from the (mock) monitor's registration
 * requests: the one place that hooks them, for the program tests and for the local engine.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");

export interface DeclaredResource {
  urn: string;
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  provider: string;
  /** URNs of the resources it depends on (explicit dependsOn and those its inputs come from). */
  dependencies: string[];
  /** Serialized inputs: secrets are `{[sig]: secretSig, value}` wrappers. */
  raw: Record<string, unknown>;
  additionalSecretOutputs: string[];
  customTimeouts?: { create: string; update: string; pb_delete: string };
  deleteBeforeReplace: boolean;
}

/** Calls `onRegister` for every resource registration from now on; call it after `setMocks`. */
export function onRegistration(onRegister: (d: DeclaredResource) => void): void {
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  monitor.registerResource = (req: any, cb: any) => {
    const ct = req.getCustomtimeouts();
    onRegister({
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      custom: req.getCustom(),
      provider: req.getProvider(),
      dependencies: req.getDependenciesList(),
      raw: req.getObject()?.toJavaScript() ?? {},
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      customTimeouts: ct ? ct.toObject() : undefined,
      deleteBeforeReplace: req.getDeletebeforereplace(),
    });
    return register(req, cb);
  };
}
