import { JumpHostDecl } from "../model/stackTypes";
import { Phase } from "../model/scenarioTypes";

/**
 * The complete, per-host description of an experiment: what runs where, how producers fan out to
 * gateways, which network rules each host gets, and the rendered commands of every workflow phase.
 * Pure data: the Pulumi components realise it, `npm run plan` prints it.
 */
export interface Plan {
  stack: string;
  scenarioDir: string;
  experiment: { jobName: string; walltime: string; durationSeconds: number };
  hosts: PlannedHost[];
  services: PlannedService[];
  producers: ProducerAssignment[];
  network: NetworkRule[];
  steps: WorkflowStep[];
  monitoring?: { type: string; options: string; hosts: string[] };
  /** Not errors, but worth a look (e.g. hosts left idle). */
  warnings: string[];
}

export interface PlannedHost {
  name: string;
  address: string;
  user: string;
  port: number;
  jumpHost?: JumpHostDecl;
  layer: string;
  /** Ids of the services placed on this host. */
  services: string[];
  /** Runs a monitoring agent (a service on it has role `monitoring`). */
  monitored: boolean;
  /** Container images its services and workflow commands use (see hostRequirements). */
  images: string[];
  /** Debian/Ubuntu packages its tasks need (the Docker engine as `docker.io`), sorted. */
  packages: string[];
}

/** What a service is, for the components that start it. */
export type ServiceKind =
  | "flink-jobmanager"
  | "flink-taskmanager"
  | "kafka-zookeeper"
  | "kafka-broker"
  | "mosquitto"
  | "producer"
  | "metrics-collector"
  | "generic";

export interface PlannedService {
  /** E2Clab id: `cloud.flink.1.job_manager.1`, `fog.mosquitto.3.1`. */
  id: string;
  layer: string;
  /** Lower-case service name (`flink`). */
  service: string;
  instance: number;
  subService?: string;
  machine: number;
  kind: ServiceKind;
  host: string;
  address: string;
  port?: number;
  /** `address:port`, or the address for services without a port. */
  url: string;
  /** Container name on its host, for services that run in one. */
  container?: string;
  roles: string[];
  env: Record<string, string>;
  metadata: Record<string, unknown>;
  /** What a template sees of this service (`{{ prefix.url }}`, `{{ prefix.__address__ }}`...). */
  vars: Record<string, unknown>;
}

/** One camera producer: the loop item of a producer host's launch task, and its gateway. */
export interface ProducerAssignment {
  host: string;
  service: string;
  item: string;
  gateway?: string;
  gatewayUrl?: string;
}

/** Shaping of the traffic from `host` to `destinationAddress` (one direction). */
export interface NetworkRule {
  host: string;
  destinationHost: string;
  destinationAddress: string;
  delay?: string;
  rate?: string;
  loss?: string;
  delayMs?: number;
  rateBps?: number;
  lossPercent?: number;
  /** Index of the network.yaml entry (0-based) and the direction it was derived in. */
  entry: number;
  direction: "forward" | "reverse";
  symmetric: boolean;
  src: string;
  dst: string;
}

export type RenderedTask =
  | { kind: "debug"; msg: string; item?: string }
  | { kind: "shell"; command: string; async?: number; poll?: number; item?: string }
  | { kind: "copy"; src: string; dest: string; item?: string }
  /** Without `flat` (Ansible's default), the file lands in `dest/<host name>/<src path>`. */
  | { kind: "fetch"; src: string; dest: string; flat: boolean; item?: string };

/** The tasks of one play and phase on one host: realised as ONE command, not one per task. */
export interface WorkflowStep {
  /** `p<play>.<phase>.<host>`, unique in the plan. */
  id: string;
  host: string;
  play: number;
  playHosts: string;
  phase: Phase;
  /** The play-selected services on this host the tasks ran for. */
  services: string[];
  /** Services whose containers must be ready first (the host's own and the depends_on peers). */
  needsServices: string[];
  /** Steps that must complete before this one (the destroy order is the reverse). */
  after: string[];
  tasks: RenderedTask[];
  /** The variables the templates saw, per service, for workflow-validate.out. */
  variables: Record<string, Record<string, unknown>>;
}

/** Placeholder in rendered finalize paths for the run's results folder, known only at deploy time. */
export const RUN_DIR_VAR = "E2C_RUN_DIR";
