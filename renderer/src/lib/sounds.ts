import { verdictTone } from '#core/api/station-api.ts';
import type { Verdict } from '#core/events/station-events.ts';

/*
 * One sound per tone, distinct enough to tell apart without looking: green a short high
 * beep, amber two middle beeps, red a low falling alarm repeated.
 */
const PATTERNS: Readonly<
  Record<'green' | 'amber' | 'red', { hz: number; ms: number; wave: OscillatorType }[]>
> = {
  green: [{ hz: 1320, ms: 120, wave: 'sine' }],
  amber: [
    { hz: 660, ms: 150, wave: 'square' },
    { hz: 0, ms: 80, wave: 'sine' },
    { hz: 660, ms: 150, wave: 'square' },
  ],
  red: [0, 1, 2].flatMap(() => [
    { hz: 440, ms: 250, wave: 'sawtooth' as const },
    { hz: 220, ms: 350, wave: 'sawtooth' as const },
  ]),
};

let context: AudioContext | undefined;

export function playVerdict(verdict: Verdict): void {
  try {
    context ??= new AudioContext();
    let at = context.currentTime;
    for (const { hz, ms, wave } of PATTERNS[verdictTone(verdict)]) {
      if (hz > 0) {
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.type = wave;
        oscillator.frequency.value = hz;
        gain.gain.value = 0.2;
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(at);
        oscillator.stop(at + ms / 1000);
      }
      at += ms / 1000;
    }
  } catch {
    // No audio device (or autoplay refused): the screen still shows the verdict.
  }
}
