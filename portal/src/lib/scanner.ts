/**
 * The camera as a barcode scanner: the browser's own BarcodeDetector where it exists
 * (Chrome on Android, Safari), otherwise @zxing/browser (loaded on first use). Either way
 * the caller gets each decoded text once per distinct read and a stop function.
 */
export interface CameraScan {
  stop(): void;
}

interface DetectorLike {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorConstructor = new (options: { formats: string[] }) => DetectorLike;

const FORMATS = ['code_128', 'qr_code', 'data_matrix', 'ean_13'];
const constraints: MediaStreamConstraints = {
  video: { facingMode: { ideal: 'environment' } },
  audio: false,
};

export const cameraAvailable = (): boolean =>
  typeof navigator.mediaDevices?.getUserMedia === 'function';

export async function startCameraScan(
  video: HTMLVideoElement,
  onText: (text: string) => void,
): Promise<CameraScan> {
  const Detector = (globalThis as { BarcodeDetector?: DetectorConstructor }).BarcodeDetector;
  if (Detector) return nativeScan(new Detector({ formats: FORMATS }), video, onText);
  const { BrowserMultiFormatReader } = await import('@zxing/browser');
  const reader = new BrowserMultiFormatReader();
  const controls = await reader.decodeFromConstraints(constraints, video, (result) => {
    if (result) onText(result.getText());
  });
  return { stop: () => controls.stop() };
}

async function nativeScan(
  detector: DetectorLike,
  video: HTMLVideoElement,
  onText: (text: string) => void,
): Promise<CameraScan> {
  const stream = await navigator.mediaDevices.getUserMedia(constraints);
  video.srcObject = stream;
  await video.play();
  let running = true;
  const tick = async () => {
    if (!running) return;
    try {
      const [first] = await detector.detect(video);
      if (first) onText(first.rawValue);
    } catch {
      // A frame that cannot be read (not ready yet, say) is simply the next frame's job.
    }
    setTimeout(tick, 150);
  };
  void tick();
  return {
    stop() {
      running = false;
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}
