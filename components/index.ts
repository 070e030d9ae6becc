// One concept per file; this index is the package surface the entry point and the tests import.
export * from "./cloudLayer";
export * from "./context";
export * from "./deferredGraph";
export * from "./edgeProducerGroup";
export * from "./experimentRun";
export * from "./fogGateway";
export * from "./hostGroup";
export * from "./hostScripts";
export * from "./hostWorkflow";
export * from "./metricsCollector";
export * from "./netemLink";
export * from "./runWindow";
export * from "./serviceContainers";
export * from "./shell";
export * from "./ssh";
export * from "./testbed";
export * from "./workflowHosts";
