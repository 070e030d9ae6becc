import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { planFromFiles } from "../../planner/planFromFiles";
import { FAKE_KEY, PROJECT_DIR, installMocks, reveal } from "./mockProgram";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

/**
 * The testbed's hooks for other targets than bare metal (the local testbed of issue 6): containers in
 * their emulated host's network namespace, and a Docker daemon other than the host's own over SSH.
 */
test("network mode per host and Docker connection per host reach every container and provider", async () => {
  const plan = planFromFiles({ stackFile: path.join(PROJECT_DIR, "Pulumi.dev.yaml") });
  const { resources } = await installMocks("dev");
  await pulumi.runtime.runInPulumiStack(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { deployTestbed } = require("../../components") as typeof import("../../components");
    const t = deployTestbed({
      plan,
      resultsDir: "/tmp/e2c-results",
      // As the stack names them: the plan gave each host these images.
      images: { zookeeper: "surveillance-zookeeper:3.8.0", kafka: "surveillance-kafka:3.9.1", flink: "surveillance-flink:1.20.3", mosquitto: "surveillance-mosquitto:2.0.11" },
      allowMissingNetem: true,
      sshPrivateKey: pulumi.secret(FAKE_KEY),
      networkMode: (h) => `container:host-${h.name}`,
      dockerConnection: () => ({ host: "unix:///var/run/docker.sock" }),
    });
    return { resultsFolder: t.resultsFolder };
  });
  await waitForRPCs();
  const containers = resources.filter((r) => r.type === "docker:index/container:Container");
  expect(containers).toHaveLength(8);
  for (const c of containers) {
    const id = (reveal(c.raw.labels) as { label: string; value: string }[]).find((l) => l.label === "e2c.service")!.value;
    expect(c.raw.networkMode).toBe(`container:host-${plan.services.find((s) => s.id === id)!.host}`);
  }
  const providers = resources.filter((r) => r.type === "pulumi:providers:docker");
  expect(providers.map((p) => p.raw.host)).toEqual(providers.map(() => "unix:///var/run/docker.sock"));
  expect(providers.every((p) => p.raw.sshOpts === undefined)).toBe(true);
  // the netem fallback reaches the tc scripts
  expect(String(resources.find((r) => r.name.endsWith("-netem-tc"))!.raw.create)).toContain("ALLOW_MISSING_NETEM=1");
}, 60_000);
