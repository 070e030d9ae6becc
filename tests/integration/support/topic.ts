import { Kafka, logLevel } from "kafkajs";

/**
 * Reads a topic from the beginning (fresh group) until done(records) holds or timeoutMs passes;
 * returns the raw values. The test's own view of a topic, independent of the sinks under test.
 */
export async function collectTopic(
  brokers: string[],
  topic: string,
  done: (values: string[]) => boolean,
  timeoutMs: number,
): Promise<string[]> {
  const kafka = new Kafka({ clientId: "test-reader", brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-${topic}-${Date.now()}-${Math.random()}` });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value?.toString("utf8") ?? "") });
    const deadline = Date.now() + timeoutMs;
    while (!done(values) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    // Grace period: anything extra (a duplicate) that was about to arrive is seen too.
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    await consumer.disconnect();
  }
  return values;
}

export async function produceRaw(brokers: string[], topic: string, values: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: "test-writer", brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}
