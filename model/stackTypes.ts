import { SourceLocation } from "./sourceLocation";

/** A machine the stack file offers to the experiment. */
export interface HostDecl {
  name: string;
  address: string;
  /** Only needed by `asarray` groupings with `array_info: ipv6`. */
  address6?: string;
  user: string;
  port: number;
  /** Only give this host to a layer (`fog`) or a service (`fog.mosquitto`). */
  layer?: string;
  service?: string;
  location: SourceLocation;
}

/** An SSH bastion (Grid'5000's access frontend) through which every host is reached. */
export interface JumpHostDecl {
  host: string;
  user: string;
  port: number;
}

/**
 * The local testbed: the program itself makes the emulated hosts, one container per host (sshd, Docker CLI)
 * on a Docker network of this machine, each at its address from `hosts`.
 */
export interface LocalTestbedDecl {
  network: string;
  subnet: string;
  hostImage: string;
}

/** Everything the program needs from `Pulumi.<stack>.yaml`, checked; secrets are never read here. */
export interface StackSettings {
  stack: string;
  file: string;
  project: string;
  /** Scenario folder, resolved against the stack file's folder. */
  scenarioDir: string;
  /** Folder of the artifacts that `copy` tasks read (`working_dir` during prepare and launch). */
  artifactsDir: string;
  /** Folder under which each run's results folder is written. */
  resultsDir: string;
  hosts: HostDecl[];
  jumpHost?: JumpHostDecl;
  /** `current_repeat` of the templates: which run of a repeated experiment this is. */
  currentRepeat: number;
  /**
   * How applications sit on a host, with `{host}` standing for the host's name: the folder the workflow
   * keeps data in (`{{ data_dir }}`), the network mode of the containers it starts
   * (`{{ container_network }}`), and a prefix of service container names (one Docker engine can serve
   * several emulated hosts, so names must differ between them).
   */
  hostLayout: { dataDir: string; containerNetwork: string; containerPrefix: string };
  localTestbed?: LocalTestbedDecl;
  /** Seconds between the end of launch and finalize. */
  durationSeconds: number;
  /** Container images of the services, by role (zookeeper, kafka, flink, mosquitto, ...). */
  images: Record<string, string>;
  /** Install what each host needs before using it (false: the user prepares the hosts). */
  bootstrapHosts: boolean;
  /** Where hosts get their images: streamed from the deployer's engine, pulled from a registry, or built on the host. */
  imageSource: "transfer" | "registry" | "build";
  /**
   * `build`: the folder of the staged build contexts (docker/build.sh's `$BUILD_DIR`, listed in its
   * `contexts.tsv`) and the base image every Dockerfile starts `FROM` (sent from the deployer's engine).
   */
  build: { contextsDir: string; baseImage: string };
  /** Registry the hosts log in to before pulling (its password is the secret `registryPassword`). */
  registry?: { address: string; username: string };
  /** Run without network emulation where a kernel lacks netem, and record that none was applied. */
  allowMissingNetem: boolean;
  /** Names of the config keys that hold secrets (values stay encrypted in the file; never read here). */
  secretKeys: string[];
}
