import {
  verdictTone,
  type CommandReply,
  type Decision,
  type LabelPreview,
  type Message,
  type StationCommandInput,
  type StationCommandName,
  type StationState,
} from '#core/api/station-api.ts';
import type { StationTransport } from '../transport/transport.ts';
import { I18n } from './i18n.svelte.ts';
import { ALARM_REPEAT_MS, playVerdict, watchAudio } from './sounds.ts';

/** How long good news (logged in, dispatched, cleared) stays on screen. */
const NOTICE_OK_MS = 6_000;

/** The UI's view of the station: its last state, the verdict on screen, the last refusal. */
export class StationView {
  state = $state<StationState | null>(null);
  flash = $state<Decision | null>(null);
  notice = $state<{ ok: boolean; message: Message; detail?: string } | null>(null);
  screen = $state<'main' | 'settings'>('main');
  /** Whether sound plays (the browser's audio unlocked by a tap); the hint shows until then. */
  soundOn = $state(false);
  /** Red alarms sounded during the current line stop (it repeats until the line is cleared). */
  alarms = $state(0);
  readonly i18n = new I18n();
  private flashTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private alarmTimer: ReturnType<typeof setInterval> | undefined;
  private languageChosen = false;

  constructor(private readonly transport: StationTransport) {}

  connect(): () => void {
    const unwatch = watchAudio((running) => (this.soundOn = running));
    const unsubscribe = this.transport.subscribe((event) => {
      if (event.type === 'state') {
        this.setState(event.state);
        if (!this.languageChosen) this.i18n.language = event.state.settings.language;
      } else if (event.type === 'notice') {
        // Good news (a badge logged in) or a refusal before any decision: said, not recorded.
        const ok = event.ok ?? false;
        this.say({ ok, message: event.message });
        if (!ok) playVerdict('wrong_state');
      } else this.show(event.decision);
    });
    return () => {
      unwatch();
      unsubscribe();
      this.alarm(false);
    };
  }

  /**
   * A new state. Leaving a line stop ends the alarm and any red verdict still on screen (it
   * would come back over the cleared line); entering one starts the alarm repeating.
   */
  private setState(next: StationState): void {
    const wasStopped = !!this.state?.lineStop;
    this.state = next;
    if (next.lineStop && !wasStopped) this.alarm(true);
    if (!next.lineStop && wasStopped) {
      this.alarm(false);
      if (this.flash && verdictTone(this.flash.verdict) === 'red') this.dismissFlash();
    }
  }

  private alarm(on: boolean): void {
    clearInterval(this.alarmTimer);
    this.alarmTimer = undefined;
    this.alarms = 0;
    if (!on) return;
    this.alarmTimer = setInterval(() => {
      playVerdict('line_stop');
      this.alarms += 1;
    }, ALARM_REPEAT_MS);
  }

  private show(decision: Decision): void {
    this.flash = decision;
    playVerdict(decision.verdict);
    clearTimeout(this.flashTimer);
    // Green goes by quickly so the next scan can follow; refusals stay long enough to read.
    const ms = decision.verdict === 'accepted' ? 1200 : 4000;
    this.flashTimer = setTimeout(() => (this.flash = null), ms);
  }

  /** Good news goes by itself after a while (it covers the bottom of the screen); refusals stay. */
  private say(notice: StationView['notice']): void {
    clearTimeout(this.noticeTimer);
    this.notice = notice;
    if (notice?.ok) this.noticeTimer = setTimeout(() => (this.notice = null), NOTICE_OK_MS);
  }

  dismissFlash(): void {
    clearTimeout(this.flashTimer);
    this.flash = null;
  }

  setLanguage(language: StationState['settings']['language']): void {
    this.languageChosen = true;
    this.i18n.language = language;
    void this.call('saveSettings', { language });
  }

  async call<K extends StationCommandName>(
    name: K,
    input: StationCommandInput<K>,
  ): Promise<CommandReply> {
    const reply = await this.transport.call(name, input);
    if (reply.ok) {
      this.setState(reply.state);
      this.say(reply.note ? { ok: true, message: reply.note } : null);
    } else {
      this.say({
        ok: false,
        message: reply.error,
        ...(reply.error.detail ? { detail: reply.error.detail } : {}),
      });
    }
    return reply;
  }

  /**
   * The image of the last label printed (asked for when state.lastLabel changes); it leaves
   * the notice on screen alone, unlike a command the operator gave.
   */
  async labelPreview(): Promise<LabelPreview | null> {
    const reply = await this.transport.call('labelPreview', {});
    return reply.ok ? (reply.preview ?? null) : null;
  }

  scan(text: string): Promise<CommandReply> {
    return this.call('scan', { text });
  }
}
