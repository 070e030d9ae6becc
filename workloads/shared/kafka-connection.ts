import { Kafka, logLevel } from "kafkajs";

/** About 10 s of retries: an unreachable broker is reported soon and by name. */
export const QUICK_RETRY = { retries: 5, initialRetryTime: 300, maxRetryTime: 3000 };
/**
 * About 2 minutes: a consumer group and an idempotent producer need the broker's coordinators (the
 * `__consumer_offsets` and `__transaction_state` topics), which a freshly started broker on a busy host can
 * take tens of seconds to load ("The group coordinator is not available"); sinks and gateways started with
 * the broker must wait for them rather than crash (seen: both sinks crashed after 10 s, losing the run).
 */
export const COORDINATOR_RETRY = { retries: 30, initialRetryTime: 300, maxRetryTime: 5000 };

/** A kafkajs client whose connection failures surface quickly and name the brokers. */
export function kafkaClient(clientId: string, brokers: string[], retry = QUICK_RETRY): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry,
  });
}

/** Runs connect(), turning kafkajs' retry exhaustion into an error that says where it tried. */
export async function connectKafka(what: string, brokers: string[], connect: () => Promise<void>): Promise<void> {
  try {
    await connect();
  } catch (e) {
    throw new Error(`cannot reach Kafka at ${brokers.join(",")} (${what}): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Fails with a clear message when the brokers are unreachable or the topic does not exist. */
export async function requireTopic(clientId: string, brokers: string[], topic: string): Promise<void> {
  const admin = kafkaClient(clientId, brokers).admin();
  await connectKafka("admin", brokers, () => admin.connect());
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) throw new Error(`topic ${topic} does not exist on ${brokers.join(",")}`);
  } finally {
    await admin.disconnect();
  }
}
