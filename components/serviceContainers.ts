import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { PlannedHost, PlannedService } from "../planner/planTypes";
import { imageRoleOf } from "../planner/serviceCatalog";
import { RunContext } from "./context";
import { serviceKey } from "./deferredGraph";
import { SshTarget, dockerHostUrl, dockerSshOptions } from "./ssh";

/** Images of the services by role, as the stack names them (`zookeeper`, `kafka`, `flink`, `mosquitto`). */
export type ServiceImages = Record<string, string>;

/** Default ports of the seed's services, used where the plan gives none. */
export const DEFAULT_PORTS = { zookeeper: 2181, kafka: 9092, flinkRest: 8081, mosquitto: 1883 } as const;

/** How a container of a given kind is started and when it counts as ready. */
export interface ContainerSpec {
  imageRole: string;
  command?: string[];
  envs: Record<string, string>;
  healthcheck: string[];
  uploads?: { file: string; content: string }[];
}

/**
 * Health probes in bash only (`/dev/tcp`): the images differ between Grid'5000 (Confluent, Apache Flink)
 * and the local testbed (built from Debian), and neither can be assumed to ship curl or nc. Each probe
 * asks the service a question only a working service answers, not merely whether the port is open.
 */
function httpProbe(host: string, port: number, path: string, expect: string): string[] {
  return [
    "CMD",
    "bash",
    "-c",
    `exec 3<>/dev/tcp/${host}/${port} && printf 'GET ${path} HTTP/1.0\\r\\nHost: ${host}\\r\\n\\r\\n' >&3 && grep -q '${expect}' <&3`,
  ];
}

export function containerSpec(svc: PlannedService, servicesById: Map<string, PlannedService>): ContainerSpec {
  switch (svc.kind) {
    case "kafka-zookeeper": {
      const port = svc.port ?? DEFAULT_PORTS.zookeeper;
      return {
        imageRole: imageRoleOf(svc.kind)!,
        envs: { ZOOKEEPER_CLIENT_PORT: String(port), ZOOKEEPER_TICK_TIME: "2000" },
        // `srvr` is the one four-letter word ZooKeeper 3.5+ allows by default; "Mode" means it serves.
        healthcheck: ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${port} && printf srvr >&3 && grep -q Mode <&3`],
      };
    }
    case "kafka-broker": {
      const port = svc.port ?? DEFAULT_PORTS.kafka;
      const zk = sibling(svc, "zookeeper", servicesById);
      return {
        imageRole: imageRoleOf(svc.kind)!,
        envs: {
          KAFKA_BROKER_ID: String(svc.instance),
          KAFKA_ZOOKEEPER_CONNECT: zk.url,
          KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port}`,
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${svc.address}:${port}`,
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
          // The scenario's `env` (batch size, linger...) is the broker's, as in E2Clab's Kafka service.
          ...svc.env,
        },
        // The broker answers an API-versions request only once it has registered with ZooKeeper.
        healthcheck: [
          "CMD-SHELL",
          `for t in kafka-broker-api-versions kafka-broker-api-versions.sh; do command -v $t >/dev/null 2>&1 && exec $t --bootstrap-server 127.0.0.1:${port} >/dev/null 2>&1; done; exit 1`,
        ],
      };
    }
    case "flink-jobmanager":
      return {
        imageRole: imageRoleOf(svc.kind)!,
        command: ["jobmanager"],
        envs: { FLINK_PROPERTIES: flinkProperties(svc, svc.address) },
        healthcheck: httpProbe("127.0.0.1", DEFAULT_PORTS.flinkRest, "/overview", "flink-version"),
      };
    case "flink-taskmanager": {
      const jm = sibling(svc, "job_manager", servicesById);
      return {
        imageRole: imageRoleOf(svc.kind)!,
        command: ["taskmanager"],
        envs: { FLINK_PROPERTIES: flinkProperties(svc, jm.address) },
        // Up means registered with the JobManager, which is what a job submission needs.
        healthcheck: httpProbe(jm.address, DEFAULT_PORTS.flinkRest, "/taskmanagers", '"id"'),
      };
    }
    case "mosquitto": {
      const port = svc.port ?? DEFAULT_PORTS.mosquitto;
      return {
        imageRole: imageRoleOf(svc.kind)!,
        // Mosquitto 2 listens on loopback only unless told otherwise; producers are on other hosts.
        command: ["mosquitto", "-c", "/etc/e2c/mosquitto.conf"],
        envs: {},
        // No queue limit for persistent QoS 1 sessions (the default 1000 would drop frames of a gateway
        // that reconnects), in-flight window as in the local image.
        uploads: [{ file: "/etc/e2c/mosquitto.conf", content: `listener ${port}\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nmax_inflight_messages 100\n` }],
        healthcheck: ["CMD", "mosquitto_sub", "-h", "127.0.0.1", "-p", String(port), "-t", "$SYS/broker/version", "-C", "1", "-W", "5"],
      };
    }
    default:
      throw new Error(`service ${svc.id} (${svc.kind}) does not run in a container`);
  }
}

/**
 * FLINK_PROPERTIES as Flink's image appends it to its configuration: one `key: value` per line. The seed's
 * folded YAML leaves a space at the start of each line, which is trimmed here.
 */
export function flinkProperties(svc: PlannedService, jobManagerAddress: string): string {
  const given = (svc.env.FLINK_PROPERTIES ?? "").split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  const keys = new Set(given.map((l) => l.split(":")[0].trim()));
  const defaults = [
    `jobmanager.rpc.address: ${jobManagerAddress}`,
    "rest.bind-address: 0.0.0.0",
    `rest.address: ${jobManagerAddress}`,
  ].filter((l) => !keys.has(l.split(":")[0]));
  return [...defaults, ...given].join("\n");
}

/** The other sub-service of the same instance (`cloud.kafka.1.leader.1` -> `cloud.kafka.1.zookeeper.1`). */
function sibling(svc: PlannedService, subService: string, servicesById: Map<string, PlannedService>): PlannedService {
  const found = [...servicesById.values()].find(
    (s) => s.layer === svc.layer && s.service === svc.service && s.instance === svc.instance && s.subService === subService,
  );
  if (!found) throw new Error(`${svc.id}: no ${subService} in the same ${svc.service} instance`);
  return found;
}

export interface DockerHostArgs {
  host: PlannedHost;
  ctx: RunContext;
  /**
   * How to reach the daemon that runs this host's containers. Default: the host's own daemon over SSH.
   */
  connection?: DockerConnection;
  /** The ID on the host of each image it uses, once HostImages has put it there. */
  imageIds: Record<string, pulumi.Output<string>>;
}

export type DockerConnection = Pick<docker.ProviderArgs, "host" | "sshOpts">;

/**
 * The Docker daemon of one host, reached over SSH by the provider (`docker system dial-stdio`), and the
 * IDs of the images HostImages put on it (nothing is pulled from here: a bare host may have no registry).
 */
export class DockerHost {
  readonly provider: docker.Provider;

  constructor(
    parent: pulumi.Resource,
    private readonly args: DockerHostArgs,
  ) {
    const target: SshTarget = args.host;
    this.provider = new docker.Provider(
      `${args.host.name}-docker`,
      {
        ...(args.connection ?? { host: dockerHostUrl(target), sshOpts: dockerSshOptions(target, args.ctx.ssh) }),
        // No daemon ping when the provider is configured: at the first preview the key file its ssh needs
        // does not exist yet (ExperimentRun writes it during `up`, before any container or image).
        disableDockerDaemonCheck: true,
      },
      { parent, dependsOn: [args.ctx.keyFile] },
    );
  }

  /** The image's ID on the host: containers made from it are replaced when a new build is sent. */
  imageId(name: string): pulumi.Output<string> {
    const id = this.args.imageIds[name];
    if (!id) throw new Error(`host ${this.args.host.name} has no image ${name} in its plan (host.images: ${this.args.host.images.join(", ")})`);
    return id;
  }
}

export interface ServiceContainerArgs {
  service: PlannedService;
  servicesById: Map<string, PlannedService>;
  dockerHost: DockerHost;
  images: ServiceImages;
  /** `host` on bare metal; the local testbed puts services in their emulated host's namespace. */
  networkMode: string;
  ctx: RunContext;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * One service container, named as the seed's commands expect (`leader`, `task_manager`...), labelled with
 * the experiment, created healthy (`wait`) so that anything depending on it starts after it is ready.
 * Registered in the DeferredGraph as `service:<id>`.
 */
export function serviceContainer(parent: pulumi.Resource, args: ServiceContainerArgs): docker.Container {
  const svc = args.service;
  const spec = containerSpec(svc, args.servicesById);
  const imageName = args.images[spec.imageRole];
  if (!imageName) throw new Error(`the stack gives no image for ${spec.imageRole} (needed by ${svc.id})`);
  if (!svc.container) throw new Error(`service ${svc.id} has no container name in the plan`);

  const c = new docker.Container(
    `${svc.id}`,
    {
      name: svc.container,
      image: args.dockerHost.imageId(imageName),
      command: spec.command,
      envs: Object.entries(spec.envs).map(([k, v]) => `${k}=${v}`),
      networkMode: args.networkMode,
      uploads: spec.uploads,
      labels: [
        { label: "e2c.experiment", value: args.ctx.experimentId },
        { label: "e2c.stack", value: args.ctx.stack },
        { label: "e2c.service", value: svc.id },
      ],
      restart: "no",
      healthcheck: { tests: spec.healthcheck, interval: "5s", timeout: "5s", retries: 60, startPeriod: "10s" },
      wait: true,
      waitTimeout: 600,
      // Lets a service flush its data on `docker stop` before SIGKILL.
      destroyGraceSeconds: 30,
    },
    {
      parent,
      provider: args.dockerHost.provider,
      dependsOn: args.dependsOn,
      // Fixed names: the old container must go before its replacement can take the name.
      deleteBeforeReplace: true,
      customTimeouts: { create: args.ctx.timeouts.container, update: args.ctx.timeouts.container, delete: "5m" },
    },
  );
  args.ctx.graph.set(serviceKey(svc.id), c);
  return c;
}
