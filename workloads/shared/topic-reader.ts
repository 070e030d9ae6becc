import { Consumer, KafkaMessage } from "kafkajs";
import { connectKafka, COORDINATOR_RETRY, kafkaClient, requireTopic } from "./kafka-connection";
import { sleep } from "./program";

export interface TopicReaderOptions {
  clientId: string;
  brokers: string[];
  topic: string;
  groupId: string;
  /** Stop after this many ms; undefined = until the signal aborts. */
  durationMs?: number;
  stop: AbortSignal;
  onMessage: (m: KafkaMessage, partition: number, receivedTs: number) => void;
}

/**
 * Reads a Kafka topic from its beginning (a fresh consumer group) until stopped, handing each
 * record to onMessage as it arrives. Used by both metrics sinks.
 */
export async function readTopic(o: TopicReaderOptions): Promise<void> {
  await requireTopic(o.clientId, o.brokers, o.topic);
  const consumer: Consumer = kafkaClient(o.clientId, o.brokers, COORDINATOR_RETRY).consumer({ groupId: o.groupId, allowAutoTopicCreation: false });
  await connectKafka("consumer", o.brokers, () => consumer.connect());
  try {
    // kafkajs restarts the consumer after retriable errors; a crash it will not restart from must end the sink.
    const crashed = new Promise<never>((_, reject) =>
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) reject(new Error(`consumer of ${o.topic} crashed: ${e.payload.error.message}`));
      }),
    );
    await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => o.onMessage(message, partition, Date.now()),
    });
    await Promise.race([sleep(o.durationMs ?? 2 ** 31 - 1, o.stop), crashed]);
  } finally {
    await consumer.disconnect();
  }
}
