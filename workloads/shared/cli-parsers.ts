import { InvalidArgumentError } from "commander";

/** Argument parsers for commander that reject bad values with a message naming the expectation. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer.");
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("expected a non-negative integer.");
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number.");
  return n;
}

/** MQTT broker URL; the seed writes tcp://host:port, which mqtt.js also accepts. */
export function mqttUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new InvalidArgumentError("expected a URL such as mqtt://127.0.0.1:1883.");
  }
  if (!["mqtt:", "tcp:", "mqtts:", "tls:", "ws:", "wss:"].includes(u.protocol)) {
    throw new InvalidArgumentError(`unsupported scheme ${u.protocol} (use mqtt:// or tcp://).`);
  }
  return value;
}

/** Kafka bootstrap list host:port[,host:port]; a tcp:// prefix (seed style) is dropped. */
export function kafkaBrokers(value: string): string[] {
  const brokers = value.split(",").map((b) => b.trim().replace(/^(tcp|PLAINTEXT):\/\//, ""));
  for (const b of brokers) {
    if (!/^[^\s:,]+:\d{1,5}$/.test(b)) throw new InvalidArgumentError(`'${b}' is not host:port.`);
  }
  return brokers;
}

export function kafkaTopic(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(value)) throw new InvalidArgumentError("not a valid Kafka topic name.");
  return value;
}

export function mqttTopic(value: string): string {
  if (value.length === 0 || value.includes("\u0000")) throw new InvalidArgumentError("not a valid MQTT topic.");
  return value;
}
