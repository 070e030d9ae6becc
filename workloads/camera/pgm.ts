/** Binary PGM (P5, 8-bit) images, the dataset folder format. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export function encodePgm(img: GrayImage): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${img.width} ${img.height}\n255\n`, "ascii"), Buffer.from(img.pixels)]);
}

export function decodePgm(buf: Buffer): GrayImage {
  // Header: magic, width, height, maxval separated by whitespace (comments allowed), one whitespace, pixels.
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4 && i < buf.length) {
    const c = buf[i];
    if (c === 0x23) {
      while (i < buf.length && buf[i] !== 0x0a) i++;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
    } else {
      let j = i;
      while (j < buf.length && ![0x20, 0x0a, 0x0d, 0x09].includes(buf[j])) j++;
      fields.push(buf.toString("ascii", i, j));
      i = j;
    }
  }
  i++; // the single whitespace byte after maxval
  const [magic, w, h, max] = fields;
  if (magic !== "P5") throw new Error("not a binary PGM (P5) image");
  const width = Number(w);
  const height = Number(h);
  if (!(width > 0 && height > 0) || max !== "255") throw new Error("unsupported PGM header (need 8-bit, maxval 255)");
  if (buf.length - i !== width * height) throw new Error(`PGM has ${buf.length - i} pixel bytes, expected ${width * height}`);
  return { width, height, pixels: new Uint8Array(buf.subarray(i)) };
}
