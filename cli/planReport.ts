import { Plan, RenderedTask } from "../planner/planTypes";

/** The plan as `npm run plan --json` prints it: stable field names a script can rely on. */
export function planToJson(plan: Plan): object {
  return {
    stack: plan.stack,
    scenarioDir: plan.scenarioDir,
    experiment: plan.experiment,
    hosts: plan.hosts.map((h) => ({ name: h.name, address: h.address, user: h.user, port: h.port, layer: h.layer, services: h.services, monitored: h.monitored, images: h.images, packages: h.packages })),
    services: plan.services.map((s) => ({ id: s.id, kind: s.kind, host: s.host, address: s.address, url: s.url, container: s.container })),
    producers: plan.producers,
    network: plan.network.map((r) => ({
      host: r.host,
      destinationHost: r.destinationHost,
      destination: r.destinationAddress,
      delay: r.delay,
      rate: r.rate,
      loss: r.loss,
      direction: r.direction,
      entry: r.entry + 1,
    })),
    tasks: plan.steps.map((s) => ({ id: s.id, host: s.host, play: s.play + 1, playHosts: s.playHosts, phase: s.phase, after: s.after, commands: s.tasks.map(describeTask) })),
    monitoring: plan.monitoring,
    warnings: plan.warnings,
  };
}

export function describeTask(t: RenderedTask): string {
  switch (t.kind) {
    case "debug":
      return `# ${t.msg}`;
    case "shell":
      return t.async ? `${t.command}   [async ${t.async}s, poll ${t.poll ?? 10}]` : t.command;
    case "copy":
      return `copy ${t.src} -> ${t.dest}`;
    case "fetch":
      return `fetch ${t.src} -> ${t.dest}`;
  }
}

/** The plan for a person: what runs where, the fan-out, the network, then every command. */
export function planToText(plan: Plan): string {
  const out: string[] = [];
  const line = (s = "") => out.push(s);
  line(`Plan for stack '${plan.stack}' (scenario ${plan.scenarioDir}), job ${plan.experiment.jobName}, duration ${plan.experiment.durationSeconds}s`);
  line();
  line(`Hosts (${plan.hosts.length}):`);
  const width = Math.max(...plan.hosts.map((h) => h.name.length));
  for (const h of plan.hosts) {
    line(`  ${h.name.padEnd(width)}  ${h.address}  [${h.layer}${h.monitored ? ", monitored" : ""}]  ${h.services.join(", ")}`);
    line(`  ${"".padEnd(width)}  images: ${h.images.join(", ") || "(none)"}; packages: ${h.packages.join(", ") || "(none)"}`);
  }
  line();
  const perGateway = new Map<string, { hosts: Set<string>; producers: number }>();
  for (const p of plan.producers) {
    const g = perGateway.get(p.gateway ?? "(none)") ?? { hosts: new Set(), producers: 0 };
    g.hosts.add(p.host);
    g.producers++;
    perGateway.set(p.gateway ?? "(none)", g);
  }
  line(`Producers: ${plan.producers.length} on ${new Set(plan.producers.map((p) => p.host)).size} hosts`);
  for (const [gw, g] of perGateway) line(`  ${gw}: ${g.producers} producers from ${[...g.hosts].join(", ")}`);
  line();
  line(`Network rules (${plan.network.length}, egress on the first host towards the second):`);
  for (const r of plan.network) {
    const values = [r.delay && `delay ${r.delay}`, r.rate && `rate ${r.rate}`, r.loss && `loss ${r.loss}`].filter(Boolean).join(", ");
    line(`  ${r.host} -> ${r.destinationHost} (${r.destinationAddress}): ${values}  [entry ${r.entry + 1} ${r.src}->${r.dst}${r.direction === "reverse" ? ", reverse" : ""}]`);
  }
  line();
  line(`Workflow (${plan.steps.length} steps, one command each):`);
  for (const s of plan.steps) {
    line(`  [${s.phase}] play ${s.play + 1} (${s.playHosts}) on ${s.host}`);
    for (const t of s.tasks) line(`      ${describeTask(t)}`);
  }
  if (plan.warnings.length) {
    line();
    line("Warnings:");
    plan.warnings.forEach((w) => line(`  ${w}`));
  }
  return out.join("\n");
}
