import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { deployTestbed } from "./components";
import { Diagnostics } from "./model/diagnostic";
import { CONFIG_NAMESPACE } from "./model/schemas/stackSchema";
import { deployerImageIds } from "./model/deployerImages";
import { deployerBuilds } from "./model/deployerBuilds";
import { loadScenario } from "./model/loadScenario";
import { loadStackFile, stackFileName } from "./model/loadStack";
import { planExperiment } from "./planner/planExperiment";
import { hostTemplate } from "./planner/placeServices";

// The stack's configuration is read once, here, from `Pulumi.<stack>.yaml` through the project's own
// loader (errors carry file:line:col), plus the SSH key, which only Pulumi can decrypt. Components get
// typed arguments and never read config. E2C_STACK_FILE points the program at another file (tests).
const stackFile = process.env.E2C_STACK_FILE ?? path.join(__dirname, stackFileName(pulumi.getStack()));
const diags = new Diagnostics();
const settings = loadStackFile(stackFile, diags);
const scenario = settings && loadScenario(settings.scenarioDir, diags);
diags.throwIfAny();
// `npm run experiment` runs the stack again with its own duration and repeat index, without editing the file.
for (const [env, key] of [["E2C_DURATION", "durationSeconds"], ["E2C_REPEAT", "currentRepeat"]] as const) {
  const v = process.env[env];
  if (v === undefined) continue;
  if (!/^\d+$/.test(v)) throw new Error(`${env}=${v}: expected a whole number`);
  settings![key] = Number(v);
}
const plan = planExperiment(scenario!, settings!, diags);
diags.throwIfAny();

const testbed = deployTestbed({
  plan: plan!,
  resultsDir: settings!.resultsDir,
  images: settings!.images,
  allowMissingNetem: settings!.allowMissingNetem,
  // `host` unless the stack says otherwise (`{host}` = the host's name).
  networkMode: (host) => hostTemplate(settings!.hostLayout.containerNetwork, host.name),
  sshPrivateKey: new pulumi.Config(CONFIG_NAMESPACE).requireSecret("sshPrivateKey"),
  bootstrapHosts: settings!.bootstrapHosts,
  imageSource:
    settings!.imageSource === "registry"
      ? {
          kind: "registry",
          registry: settings!.registry && { ...settings!.registry, password: new pulumi.Config(CONFIG_NAMESPACE).requireSecret("registryPassword") },
        }
      : settings!.imageSource === "build"
        ? {
            kind: "build",
            ...deployerBuilds(plan!.hosts.flatMap((h) => h.images), settings!.build.contextsDir, settings!.build.baseImage),
          }
        : { kind: "transfer" },
  deployerImageIds: settings!.imageSource === "transfer" ? deployerImageIds(plan!.hosts.flatMap((h) => h.images)) : {},
});

export const experimentId = testbed.experimentId;
export const resultsFolder = testbed.resultsFolder;
export const flinkWebUi = testbed.flinkWebUi;
export const flinkTunnel = testbed.flinkTunnel;
export const kafkaBootstrap = testbed.kafkaBootstrap;
export const gatewayUrls = testbed.gatewayUrls;
export const watchTargets = testbed.watchTargets;
