/** The Flink job's output-topic record (JSON): people counted for one (area, camera) tumbling window. */
export interface WindowCount {
  area: string;
  camera: number;
  windowStart: number;
  windowEnd: number;
  frames: number;
  people: number;
  truth: number;
  firstSentTs: number;
  lastSentTs: number;
  minSeq: number;
  maxSeq: number;
  emitTs: number;
}

const INT_FIELDS = [
  "camera", "windowStart", "windowEnd", "frames", "people", "truth",
  "firstSentTs", "lastSentTs", "minSeq", "maxSeq", "emitTs",
] as const;

export function parseWindowCount(text: string): WindowCount {
  const v: unknown = JSON.parse(text);
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not a JSON object");
  const o = v as Record<string, unknown>;
  for (const k of INT_FIELDS) {
    if (!Number.isSafeInteger(o[k])) throw new Error(`field ${k} is not an integer`);
  }
  if (typeof o.area !== "string") throw new Error("field area is not a string");
  if ((o.windowEnd as number) <= (o.windowStart as number)) throw new Error("windowEnd is not after windowStart");
  return o as unknown as WindowCount;
}
