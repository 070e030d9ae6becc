import { Kafka, logLevel } from "kafkajs";

/** A kafkajs client whose connection failures surface quickly and name the brokers. */
export function kafkaClient(clientId: string, brokers: string[]): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 3000 },
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
