import { writeFileSync } from 'node:fs';
import bwipjs from 'bwip-js/node';

/**
 * A Y4M video of one frame showing `text` as a QR code, for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`): white 640×480, the symbol large in the middle.
 */
export function writeQrVideo(path: string, text: string): void {
  const [symbol] = bwipjs.raw('qrcode', text);
  if (!symbol) throw new Error('bwip-js drew nothing');
  const { pixs, pixx, pixy } = symbol as unknown as { pixs: number[]; pixx: number; pixy: number };
  const width = 640;
  const height = 480;
  const scale = Math.floor(360 / (pixx + 8));
  const left = Math.floor((width - pixx * scale) / 2);
  const top = Math.floor((height - pixy * scale) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < pixy; y++)
    for (let x = 0; x < pixx; x++)
      if (pixs[y * pixx + x])
        for (let dy = 0; dy < scale; dy++)
          luma.fill(
            16,
            (top + y * scale + dy) * width + left + x * scale,
            (top + y * scale + dy) * width + left + (x + 1) * scale,
          );
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\nFRAME\n`);
  writeFileSync(path, Buffer.concat([header, luma, chroma]));
}
