// Draws the app icon (a white upload arrow over a tray on blue) as PNGs, with no image library.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function icon(size) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const u = x / size, v = y / size;
      const arrowStem = Math.abs(u - 0.5) < 0.07 && v > 0.3 && v < 0.62;
      const arrowHead = v > 0.16 && v < 0.36 && Math.abs(u - 0.5) < (v - 0.16) * 1.1;
      const tray = (v > 0.68 && v < 0.78 && u > 0.22 && u < 0.78) || (v > 0.52 && v < 0.78 && ((u > 0.22 && u < 0.3) || (u > 0.7 && u < 0.78)));
      const white = arrowStem || arrowHead || tray;
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = white ? 255 : 11; raw[o + 1] = white ? 255 : 83; raw[o + 2] = white ? 255 : 148; raw[o + 3] = 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

for (const size of [192, 512]) writeFileSync(`web/public/icons/icon-${size}.png`, icon(size));
