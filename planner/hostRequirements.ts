import { NetworkRule, PlannedHost, PlannedService, WorkflowStep } from "./planTypes";
import { imageRoleOf } from "./serviceCatalog";
import { dockerImageOf, programOf, simpleCommands } from "./shellCommands";

/** The Debian/Ubuntu package of the Docker engine; an engine that is already installed (Docker CE) counts. */
export const DOCKER_ENGINE_PACKAGE = "docker.io";

/**
 * Programs a host's tasks may run that a bare Debian or Ubuntu install lacks, and the package that brings
 * each. Programs not listed are assumed to be part of the OS (coreutils, bash, OpenSSH...).
 */
export const PROGRAM_PACKAGES: Record<string, string> = {
  docker: DOCKER_ENGINE_PACKAGE,
  fping: "fping",
  ping: "iputils-ping",
  dstat: "dstat",
  ethtool: "ethtool",
  tc: "iproute2",
  ip: "iproute2",
  rsync: "rsync",
  curl: "curl",
  wget: "wget",
  iperf3: "iperf3",
  jq: "jq",
  sudo: "sudo",
  python3: "python3",
  unzip: "unzip",
  git: "git",
  java: "default-jre-headless",
};

/** Packages the project's own per-host work needs: NetemLink's tc, offload switch and validation pings. */
export const NETEM_PACKAGES = ["iproute2", "ethtool", "fping"];
/** The monitoring agent E2Clab's `dstat` monitoring starts. */
export const MONITORING_PACKAGES = ["dstat"];

/** What one host must have before anything runs on it. */
export interface HostRequirements {
  /** Container images, in first-use order: its services' images, then those its workflow commands start. */
  images: string[];
  /** Debian/Ubuntu packages, sorted. */
  packages: string[];
}

/**
 * What `host` needs: the images of its service containers (by role, from the stack's images) and of the
 * `docker run`/`create`/`pull` commands of its workflow steps, and the packages of the programs its tasks
 * run, of network emulation when it has rules, and of the monitoring agent when it is monitored. A host
 * with images needs the Docker engine.
 */
export function hostRequirements(
  host: Pick<PlannedHost, "name" | "services" | "monitored">,
  servicesById: Map<string, PlannedService>,
  steps: WorkflowStep[],
  network: NetworkRule[],
  stackImages: Record<string, string>,
): HostRequirements {
  const images: string[] = [];
  const packages = new Set<string>();
  const addImage = (i: string | undefined) => {
    if (i && !images.includes(i)) images.push(i);
  };
  for (const id of host.services) {
    const svc = servicesById.get(id);
    const role = svc?.container ? imageRoleOf(svc.kind) : undefined;
    if (role) addImage(stackImages[role]);
  }
  for (const step of steps) {
    if (step.host !== host.name) continue;
    for (const task of step.tasks) {
      if (task.kind !== "shell") continue;
      for (const words of simpleCommands(task.command)) {
        const { wrappers, program, args } = programOf(words);
        for (const p of [...wrappers, program]) {
          const pkg = p && PROGRAM_PACKAGES[p];
          if (pkg) packages.add(pkg);
        }
        if (program === "docker") addImage(dockerImageOf(args));
      }
    }
  }
  if (network.some((r) => r.host === host.name)) NETEM_PACKAGES.forEach((p) => packages.add(p));
  if (host.monitored) MONITORING_PACKAGES.forEach((p) => packages.add(p));
  if (images.length) packages.add(DOCKER_ENGINE_PACKAGE);
  return { images, packages: [...packages].sort() };
}
