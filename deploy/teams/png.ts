import { inflateSync } from 'node:zlib';

/** A decoded PNG: size and 8-bit RGBA pixels, row by row. */
export interface DecodedPng {
  width: number;
  height: number;
  /** `width * height * 4` bytes. */
  rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Bytes per pixel for 8-bit samples, by PNG colour type (greyscale, RGB, grey+alpha, RGBA). */
const CHANNELS: Partial<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

/**
 * Just enough of PNG to check Teams icons: non-interlaced, 8-bit greyscale/RGB/RGBA. Anything else
 * is refused with a message, because an icon we cannot read is an icon we cannot vouch for.
 */
export function decodePng(bytes: Buffer): DecodedPng {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('is not a PNG file');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colourType = -1;
  const data: Buffer[] = [];
  while (offset + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('ascii', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const bitDepth = body[8];
      colourType = body[9] ?? -1;
      if (bitDepth !== 8 || CHANNELS[colourType] === undefined || body[12] !== 0) {
        throw new Error('must be a non-interlaced 8-bit greyscale, RGB or RGBA PNG');
      }
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  const channels = CHANNELS[colourType];
  if (channels === undefined || width === 0 || height === 0) throw new Error('has no image header');
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  if (raw.length < (stride + 1) * height) throw new Error('has truncated image data');

  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? (pixels[y * stride + x - channels] ?? 0) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = x >= channels && y > 0 ? (pixels[(y - 1) * stride + x - channels] ?? 0) : 0;
      const value = line[x] ?? 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = left;
          break;
        case 2:
          predictor = up;
          break;
        case 3:
          predictor = (left + up) >> 1;
          break;
        case 4:
          predictor = paeth(left, up, upLeft);
          break;
        default:
          throw new Error(`uses an unknown row filter (${String(filter)})`);
      }
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }

  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const at = i * channels;
    const grey = channels <= 2;
    rgba[i * 4] = pixels[at] ?? 0;
    rgba[i * 4 + 1] = pixels[grey ? at : at + 1] ?? 0;
    rgba[i * 4 + 2] = pixels[grey ? at : at + 2] ?? 0;
    rgba[i * 4 + 3] = channels === 4 ? (pixels[at + 3] ?? 0) : channels === 2 ? (pixels[at + 1] ?? 0) : 255;
  }
  return { width, height, rgba };
}
