import type {
  CommandReply,
  Decision,
  LabelPreview,
  Message,
  StationCommandInput,
  StationCommandName,
  StationState,
} from '#core/api/station-api.ts';
import type { StationTransport } from '../transport/transport.ts';
import { I18n } from './i18n.svelte.ts';
import { playVerdict } from './sounds.ts';

/** The UI's view of the station: its last state, the verdict on screen, the last refusal. */
export class StationView {
  state = $state<StationState | null>(null);
  flash = $state<Decision | null>(null);
  notice = $state<{ ok: boolean; message: Message; detail?: string } | null>(null);
  screen = $state<'main' | 'settings'>('main');
  readonly i18n = new I18n();
  private flashTimer: ReturnType<typeof setTimeout> | undefined;
  private languageChosen = false;

  constructor(private readonly transport: StationTransport) {}

  connect(): () => void {
    return this.transport.subscribe((event) => {
      if (event.type === 'state') {
        this.state = event.state;
        if (!this.languageChosen) this.i18n.language = event.state.settings.language;
      } else if (event.type === 'notice') {
        // A scan refused before any decision (nobody logged in): said, not recorded.
        this.notice = { ok: false, message: event.message };
        playVerdict('wrong_state');
      } else this.show(event.decision);
    });
  }

  private show(decision: Decision): void {
    this.flash = decision;
    playVerdict(decision.verdict);
    clearTimeout(this.flashTimer);
    // Green goes by quickly so the next scan can follow; refusals stay long enough to read.
    const ms = decision.verdict === 'accepted' ? 1200 : 4000;
    this.flashTimer = setTimeout(() => (this.flash = null), ms);
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
      this.state = reply.state;
      this.notice = reply.note ? { ok: true, message: reply.note } : null;
    } else {
      this.notice = {
        ok: false,
        message: reply.error,
        ...(reply.error.detail ? { detail: reply.error.detail } : {}),
      };
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
