import { verdictTone } from '#core/api/station-api.ts';
import type { Verdict } from '#core/events/station-events.ts';

/*
 * One sound per tone, distinct enough to tell apart without looking: green a short high
 * beep, amber two middle beeps, red a low falling alarm repeated.
 *
 * A browser starts an AudioContext suspended until the page gets a user gesture (a click,
 * a touch, a key). A scan from a serial or USB scanner is no gesture, so the first alarms
 * of a shift would play on a suspended context, silently. `unlockAudio` is called on the
 * first gesture anywhere on the page; until the context runs, the screen shows a "tap to
 * enable sound" hint (Header.svelte).
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

/** How often the red alarm sounds again while the line stays stopped. */
export const ALARM_REPEAT_MS = 6_000;

/** Quiet after the last key before a key's gesture resumes the sound. */
const KEY_SETTLE_MS = 500;

let context: AudioContext | undefined;

function audio(): AudioContext | undefined {
  try {
    context ??= new AudioContext();
  } catch {
    // No audio in this browser: the screen still shows every verdict.
  }
  return context;
}

/** Whether sound can play now: the context exists and runs (unlocked by a gesture). */
export const audioRunning = (): boolean => context?.state === 'running';

/**
 * Resume the context (call it from a user gesture). `onChange` hears every change of the
 * context's state, so the hint goes as soon as sound works and comes back if it stops.
 */
export function watchAudio(onChange: (running: boolean) => void): () => void {
  const ctx = audio();
  if (!ctx) return () => undefined;
  const changed = () => onChange(ctx.state === 'running');
  ctx.addEventListener('statechange', changed);
  // One resume at a time: a wedge scanner's burst of keys must not queue one per key.
  let resuming = false;
  const unlock = () => {
    if (ctx.state === 'running' || resuming) return;
    resuming = true;
    void ctx
      .resume()
      .catch(() => undefined)
      .finally(() => {
        resuming = false;
        changed();
      });
  };
  // A key may be a keyboard-wedge scanner's burst: resume once it is over, so the screen
  // does not change (the hint going) while the burst's keys are still being timed. The
  // page keeps its user activation, so the later resume is allowed.
  let keyTimer: ReturnType<typeof setTimeout> | undefined;
  const afterKeys = () => {
    clearTimeout(keyTimer);
    if (ctx.state !== 'running') keyTimer = setTimeout(unlock, KEY_SETTLE_MS);
  };
  const gestures = ['pointerdown', 'touchstart'] as const;
  for (const gesture of gestures) window.addEventListener(gesture, unlock, { capture: true });
  window.addEventListener('keydown', afterKeys, { capture: true });
  changed();
  return () => {
    clearTimeout(keyTimer);
    ctx.removeEventListener('statechange', changed);
    for (const gesture of gestures) window.removeEventListener(gesture, unlock, { capture: true });
    window.removeEventListener('keydown', afterKeys, { capture: true });
  };
}

export function playVerdict(verdict: Verdict): void {
  try {
    const ctx = audio();
    if (!ctx) return;
    let at = ctx.currentTime;
    for (const { hz, ms, wave } of PATTERNS[verdictTone(verdict)]) {
      if (hz > 0) {
        const oscillator = ctx.createOscillator();
        const gain = ctx.createGain();
        oscillator.type = wave;
        oscillator.frequency.value = hz;
        gain.gain.value = 0.2;
        oscillator.connect(gain).connect(ctx.destination);
        oscillator.start(at);
        oscillator.stop(at + ms / 1000);
      }
      at += ms / 1000;
    }
  } catch {
    // No audio device: the screen still shows the verdict.
  }
}
