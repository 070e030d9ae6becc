import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { decodeFrame, encodeFrame } from "../../workloads/shared/frame-message";
import { parseFrameResult } from "../../workloads/shared/frame-result";
import { parseWindowCount } from "../../workloads/shared/window-count";
import { decodePgm, encodePgm } from "../../workloads/camera/pgm";
import { readDataset, writeDataset } from "../../workloads/camera/dataset";
import { datasetSource, syntheticSource } from "../../workloads/camera/frame-source";

const frame = { camera: 7, seq: 123456, sentTs: 1795612226562, truth: 3, area: "area-3", width: 4, height: 2, pixels: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) };

describe("frame message", () => {
  test("round-trips", () => {
    const d = decodeFrame(encodeFrame(frame));
    expect({ ...d, pixels: [...d.pixels] }).toEqual({ ...frame, pixels: [...frame.pixels] });
  });

  test.each([
    [Buffer.from("short"), /shorter than/],
    [Buffer.concat([Buffer.from("XXXX"), encodeFrame(frame).subarray(4)]), /magic/],
    [encodeFrame(frame).subarray(0, 30), /header says/],
    [Buffer.concat([encodeFrame(frame), Buffer.from([0])]), /header says/],
  ])("rejects malformed payload %#", (buf, message) => {
    expect(() => decodeFrame(buf)).toThrow(message);
  });
});

describe("topic records", () => {
  test("frame result requires every field", () => {
    const ok = { camera: 1, area: "a", seq: 0, sentTs: 1, gatewayRecvTs: 2, gatewaySendTs: 3, people: 1, truth: 1, gateway: "g" };
    expect(parseFrameResult(JSON.stringify(ok))).toEqual(ok);
    expect(() => parseFrameResult(JSON.stringify({ ...ok, seq: "0" }))).toThrow(/seq/);
    expect(() => parseFrameResult("[]")).toThrow(/not a JSON object/);
    expect(() => parseFrameResult("{x")).toThrow();
  });

  test("window count requires a window", () => {
    const ok = { area: "a", camera: 1, windowStart: 0, windowEnd: 5000, frames: 2, people: 3, truth: 3, firstSentTs: 1, lastSentTs: 2, minSeq: 0, maxSeq: 1, emitTs: 9 };
    expect(parseWindowCount(JSON.stringify(ok))).toEqual(ok);
    expect(() => parseWindowCount(JSON.stringify({ ...ok, windowEnd: 0 }))).toThrow(/windowEnd/);
  });
});

describe("dataset folders", () => {
  test("PGM round-trips and rejects other formats", () => {
    const img = { width: 3, height: 2, pixels: new Uint8Array([0, 50, 100, 150, 200, 250]) };
    expect(decodePgm(encodePgm(img))).toEqual(img);
    expect(() => decodePgm(Buffer.from("P2\n1 1\n255\n0"))).toThrow(/P5/);
  });

  test("a written dataset replays the synthetic frames with their truth, cycling", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dataset-"));
    const synth = syntheticSource(1, 2, 80, 60);
    writeDataset(dir, Array.from({ length: 5 }, (_, s) => synth(s)));
    expect(readDataset(dir)).toHaveLength(5);
    const replay = datasetSource(dir);
    for (const seq of [0, 4, 7]) {
      expect(replay(seq).truth).toBe(synth(seq % 5).truth);
      expect([...replay(seq).pixels]).toEqual([...synth(seq % 5).pixels]);
    }
  });
});
