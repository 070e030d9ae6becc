import { SourceLocation } from "./sourceLocation";

/** The checked content of a scenario folder (E2Clab's input files). */
export interface Scenario {
  dir: string;
  environment: EnvironmentDecl;
  monitoring?: MonitoringDecl;
  /** E2Clab's other service managers (provenance, monitoring_iotlab, kwollect): parsed, kept, not deployed. */
  managers: Record<string, Record<string, unknown>>;
  layers: LayerDecl[];
  networks: NetworkDecl[];
  plays: PlayDecl[];
  /** workflow_env.yaml: configurations by name; the one run gives tasks `app_conf` (its name) and `env_<var>`. */
  workflowEnv: Record<string, Record<string, unknown>>;
  workflowEnvLocation?: SourceLocation;
}

export interface EnvironmentDecl {
  jobName: string;
  walltime: string;
  cluster?: string;
  /** Testbed reservation blocks (g5k, iotlab, chameleon...): parsed, kept, not acted upon. */
  testbeds: Record<string, unknown>;
}

export interface MonitoringDecl {
  type: "dstat" | "tig" | "tpg";
  /** dstat options; E2Clab's default is `-m -c -n`. */
  options: string;
  location: SourceLocation;
}

export interface LayerDecl {
  name: string;
  services: ServiceDecl[];
  location: SourceLocation;
}

export interface ServiceDecl {
  name: string;
  layer: string;
  /** Hosts per instance. */
  quantity: number;
  /** Extra copies: repeat N gives N + 1 instances. */
  repeat: number;
  roles: string[];
  env: Record<string, string>;
  /** Any other key of the service, kept as metadata. */
  metadata: Record<string, unknown>;
  location: SourceLocation;
}

export interface NetworkDecl {
  src: string;
  dst: string;
  /** One-way delay in milliseconds. */
  delayMs?: number;
  /** Rate in bits per second. */
  rateBps?: number;
  /** Loss in percent (0..100). */
  lossPercent?: number;
  symmetric: boolean;
  /** The values as written, for display and for tc. */
  delay?: string;
  rate?: string;
  loss?: string;
  location: SourceLocation;
}

export type Phase = "prepare" | "launch" | "finalize";
export const PHASES: readonly Phase[] = ["prepare", "launch", "finalize"];

export type Grouping = "round_robin" | "address_match" | "asarray" | "aggregate";
export const GROUPINGS: readonly Grouping[] = ["round_robin", "address_match", "asarray", "aggregate"];

export interface DependsOnDecl {
  serviceSelector: string;
  grouping: Grouping;
  prefix: string;
  /** asarray: which field of each service goes in the list. */
  arrayInfo?: "id" | "hostname" | "g5k_ipv6_hostname" | "ipv6";
  location: SourceLocation;
}

export interface PlayDecl {
  index: number;
  hosts: string;
  dependsOn: DependsOnDecl[];
  phases: Record<Phase, TaskDecl[]>;
  location: SourceLocation;
}

export type TaskAction =
  | { kind: "debug"; msg: string }
  | { kind: "shell"; command: string }
  | { kind: "copy"; src: string; dest: string }
  /** Ansible's fetch: without `flat`, the file lands in `dest/<host>/<src path>` so hosts never collide. */
  | { kind: "fetch"; src: string; dest: string; flat: boolean };

export interface TaskDecl {
  action: TaskAction;
  /** A YAML list, or a Jinja expression such as `{{ range(1, 41)|list }}`. */
  loop?: unknown[] | string;
  /** Seconds the task may run detached (Ansible async). */
  async?: number;
  poll?: number;
  name?: string;
  location: SourceLocation;
  /** Locations of the templated fields, for errors raised while rendering. */
  fieldLocations: Record<string, SourceLocation>;
  /** Where a position (1-based line and column) inside a templated field's value was written. */
  locateIn(field: string, line?: number, col?: number): SourceLocation;
}
