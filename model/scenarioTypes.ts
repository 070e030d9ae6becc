import type { ModuleName } from "./ansibleTask";
import { SourceLocation } from "./sourceLocation";
import type { PathSegment } from "./yamlSource";

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
  /** Play keywords that apply to every task: vars, become, environment. */
  vars: Record<string, unknown>;
  become: boolean;
  becomeUser?: string;
  environment?: unknown;
  phases: Record<Phase, TaskDecl[]>;
  location: SourceLocation;
}

/** One Ansible task as written (arguments still templates), see model/ansibleTask.ts. */
export interface TaskDecl {
  module: ModuleName;
  /** The module's arguments (with `args:` merged in), values as written. */
  args: Record<string, unknown>;
  /** shell/command: the command line (free form or `cmd`), and where it is written (relative to the task). */
  free?: string;
  freePath?: PathSegment[];
  /** The key the module was written with (`ansible.builtin.shell`), for locations. */
  moduleKey: string;
  when?: unknown;
  vars: Record<string, unknown>;
  /** loop, with_items, with_list or with_sequence, as written. */
  loop?: unknown;
  loopKind?: "loop" | "with_items" | "with_list" | "with_sequence";
  loopControl?: { loopVar?: string; indexVar?: string; extended: boolean };
  environment?: unknown;
  become: boolean;
  becomeUser?: string;
  /** ignore_errors, or failed_when: false. */
  ignoreErrors: boolean;
  register?: string;
  /** Seconds the task may run detached (Ansible async). */
  async?: number;
  poll?: number;
  name?: string;
  location: SourceLocation;
  path: PathSegment[];
  /** Where a position (1-based line and column) inside the value at `rel` (relative to the task) was written. */
  locateIn(rel: PathSegment[], line?: number, col?: number): SourceLocation;
}
