import { ServiceKind } from "./planTypes";

/** One role a service plays on its hosts (Flink: a JobManager and TaskManagers). */
export interface SubServiceSpec {
  /** Inserted in the id (`cloud.flink.1.job_manager.1`); absent for services without sub-services. */
  name?: string;
  kind: ServiceKind;
  port?: number;
  /** Container name the seed's commands use (`docker exec leader ...`). */
  container?: string;
  /** Which of the instance's hosts run this role. */
  placement: "first" | "rest-or-first" | "all";
}

/**
 * The service implementations this project knows, by lower-case service name, as E2Clab's service
 * plugins lay them out. Unknown names are generic: one role per host, no port, no container.
 * Multi-host instances: Flink puts the JobManager on the first host and a TaskManager on each other host
 * (both on the one host when quantity is 1); Kafka puts ZooKeeper on the first host and a broker on every host.
 */
const CATALOG: Record<string, SubServiceSpec[]> = {
  flink: [
    { name: "job_manager", kind: "flink-jobmanager", port: 8081, container: "job_manager", placement: "first" },
    { name: "task_manager", kind: "flink-taskmanager", container: "task_manager", placement: "rest-or-first" },
  ],
  kafka: [
    { name: "zookeeper", kind: "kafka-zookeeper", port: 2181, container: "zookeeper", placement: "first" },
    { name: "leader", kind: "kafka-broker", port: 9092, container: "leader", placement: "all" },
  ],
  mosquitto: [{ kind: "mosquitto", port: 1883, container: "mosquitto", placement: "all" }],
  producer: [{ kind: "producer", placement: "all" }],
  metrics_collector: [{ kind: "metrics-collector", placement: "all" }],
};

/** The stack's image role (`edge2cloud:images.<role>`) of each containerised kind. */
const IMAGE_ROLES: Partial<Record<ServiceKind, string>> = {
  "flink-jobmanager": "flink",
  "flink-taskmanager": "flink",
  "kafka-zookeeper": "zookeeper",
  "kafka-broker": "kafka",
  mosquitto: "mosquitto",
};

/** The image role of a service kind that runs in a container, undefined for the others. */
export function imageRoleOf(kind: ServiceKind): string | undefined {
  return IMAGE_ROLES[kind];
}

const GENERIC: SubServiceSpec[] = [{ kind: "generic", placement: "all" }];

export function subServicesOf(serviceName: string): SubServiceSpec[] {
  return CATALOG[serviceName.toLowerCase()] ?? GENERIC;
}

/** Indexes (0-based) of the instance's hosts that run `spec`. */
export function hostsForRole(spec: SubServiceSpec, hostCount: number): number[] {
  const all = Array.from({ length: hostCount }, (_, i) => i);
  switch (spec.placement) {
    case "first":
      return [0];
    case "rest-or-first":
      return hostCount === 1 ? [0] : all.slice(1);
    case "all":
      return all;
  }
}
