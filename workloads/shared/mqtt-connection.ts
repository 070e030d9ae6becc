import * as mqtt from "mqtt";

/**
 * Connects to an MQTT broker, failing with a clear message if it cannot be reached within
 * timeoutMs. mqtt.js would otherwise retry silently forever. After the first connection the
 * client keeps reconnecting on its own and resends unacknowledged QoS 1 messages.
 */
export async function connectMqtt(url: string, clientId: string, timeoutMs: number, clean = true): Promise<mqtt.MqttClient> {
  const client = mqtt.connect(url, { clientId, clean, reconnectPeriod: 500, connectTimeout: timeoutMs, protocolVersion: 4 });
  let lastError = "no answer";
  client.on("error", (e) => (lastError = e.message));
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`cannot reach MQTT broker at ${url} within ${timeoutMs} ms (${lastError})`)), timeoutMs);
      client.once("connect", () => {
        clearTimeout(t);
        resolve();
      });
    });
  } catch (e) {
    client.end(true);
    throw e;
  }
  return client;
}
