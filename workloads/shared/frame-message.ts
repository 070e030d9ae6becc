/**
 * The camera -> gateway MQTT payload: a fixed binary header then 8-bit grayscale pixels, row-major.
 *   0  "SSF1" magic          4  camera u32       8  seq u32        12 sentTs f64 (ms since epoch)
 *   20 truth u16 (people)    22 width u16        24 height u16     26 area length u8, area (UTF-8)
 *   then width*height pixel bytes.
 */
export interface FrameMessage {
  camera: number;
  seq: number;
  sentTs: number;
  truth: number;
  area: string;
  width: number;
  height: number;
  pixels: Uint8Array;
}

const MAGIC = "SSF1";
const HEADER = 27;

export function encodeFrame(f: FrameMessage): Buffer {
  const area = Buffer.from(f.area, "utf8");
  if (area.length > 255) throw new Error("area name longer than 255 bytes");
  if (f.pixels.length !== f.width * f.height) throw new Error("pixel count does not match width*height");
  const buf = Buffer.allocUnsafe(HEADER + area.length + f.pixels.length);
  buf.write(MAGIC, 0, "ascii");
  buf.writeUInt32BE(f.camera, 4);
  buf.writeUInt32BE(f.seq, 8);
  buf.writeDoubleBE(f.sentTs, 12);
  buf.writeUInt16BE(f.truth, 20);
  buf.writeUInt16BE(f.width, 22);
  buf.writeUInt16BE(f.height, 24);
  buf.writeUInt8(area.length, 26);
  area.copy(buf, HEADER);
  buf.set(f.pixels, HEADER + area.length);
  return buf;
}

/** Throws an Error saying what is wrong when the payload is not a well-formed frame. */
export function decodeFrame(buf: Buffer): FrameMessage {
  if (buf.length < HEADER) throw new Error(`payload of ${buf.length} bytes is shorter than the ${HEADER}-byte header`);
  if (buf.toString("ascii", 0, 4) !== MAGIC) throw new Error("payload does not start with the SSF1 magic");
  const width = buf.readUInt16BE(22);
  const height = buf.readUInt16BE(24);
  const areaLen = buf.readUInt8(26);
  const expected = HEADER + areaLen + width * height;
  if (width === 0 || height === 0) throw new Error("frame has zero width or height");
  if (buf.length !== expected) throw new Error(`payload is ${buf.length} bytes, header says ${expected}`);
  const sentTs = buf.readDoubleBE(12);
  if (!Number.isSafeInteger(sentTs) || sentTs <= 0) throw new Error("sentTs is not a positive integer");
  return {
    camera: buf.readUInt32BE(4),
    seq: buf.readUInt32BE(8),
    sentTs,
    truth: buf.readUInt16BE(20),
    width,
    height,
    area: buf.toString("utf8", HEADER, HEADER + areaLen),
    pixels: buf.subarray(HEADER + areaLen),
  };
}
