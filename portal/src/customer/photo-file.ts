/*
 * A photo the customer took or chose, made small enough to send (core/api/problems.ts
 * MAX_PROBLEM_PHOTO_BYTES): drawn onto a canvas at most LONGEST_SIDE pixels long and saved
 * as JPEG, which also drops what the camera wrote beside the picture (location and all).
 */
const LONGEST_SIDE = 1600;
const QUALITY = 0.8;

/** The photo as base64 JPEG, or null when the file is not a picture the browser can read. */
export async function photoForReport(file: File): Promise<string | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const dataUrl = canvas.toDataURL('image/jpeg', QUALITY);
  return dataUrl.slice(dataUrl.indexOf(',') + 1);
}
