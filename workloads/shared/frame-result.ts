/** The gateway -> Kafka input-topic record (JSON): what one frame showed, without its pixels. */
export interface FrameResult {
  camera: number;
  area: string;
  seq: number;
  /** Camera send time, ms since epoch. */
  sentTs: number;
  /** When the gateway received the frame from MQTT. */
  gatewayRecvTs: number;
  /** When the gateway handed the record to the Kafka producer. */
  gatewaySendTs: number;
  /** People the gateway counted in the pixels. */
  people: number;
  /** Ground truth from the camera, carried for checking only. */
  truth: number;
  gateway: string;
}

const INT_FIELDS = ["camera", "seq", "sentTs", "gatewayRecvTs", "gatewaySendTs", "people", "truth"] as const;

export function parseFrameResult(text: string): FrameResult {
  const v: unknown = JSON.parse(text);
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not a JSON object");
  const o = v as Record<string, unknown>;
  for (const k of INT_FIELDS) {
    if (!Number.isSafeInteger(o[k]) || (o[k] as number) < 0) throw new Error(`field ${k} is not a non-negative integer`);
  }
  for (const k of ["area", "gateway"]) {
    if (typeof o[k] !== "string") throw new Error(`field ${k} is not a string`);
  }
  return o as unknown as FrameResult;
}
