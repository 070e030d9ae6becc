import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { deployTestbed } from "./components";
import { Diagnostics } from "./model/diagnostic";
import { CONFIG_NAMESPACE } from "./model/schemas/stackSchema";
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
const plan = planExperiment(scenario!, settings!, diags);
diags.throwIfAny();

const testbed = deployTestbed({
  plan: plan!,
  resultsDir: settings!.resultsDir,
  images: settings!.images,
  allowMissingNetem: settings!.allowMissingNetem,
  // `host` on bare metal; the local testbed's `container:{host}` puts services in their host's namespace.
  networkMode: (host) => hostTemplate(settings!.hostLayout.containerNetwork, host.name),
  sshPrivateKey: new pulumi.Config(CONFIG_NAMESPACE).requireSecret("sshPrivateKey"),
});

export const experimentId = testbed.experimentId;
export const resultsFolder = testbed.resultsFolder;
export const flinkWebUi = testbed.flinkWebUi;
export const flinkTunnel = testbed.flinkTunnel;
export const kafkaBootstrap = testbed.kafkaBootstrap;
export const gatewayUrls = testbed.gatewayUrls;
