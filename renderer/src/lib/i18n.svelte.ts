import {
  DEVICE_STATUS_KEYS,
  type DeviceStatus,
  type DeviceStatusKey,
  type Language,
  type LabelTitle,
  type Message,
} from '#core/api/station-api.ts';
import { FINISHED_STEP } from '#core/orders/completeness.ts';
import { nameIn, paramsIn } from '#core/text/bilingual.ts';
import { UI_EN, type UiKey } from './i18n-en.ts';
import { UI_ZH } from './i18n-zh.ts';

const TABLES: Readonly<Record<Language, Readonly<Record<UiKey, string>>>> = {
  en: UI_EN,
  'zh-CN': UI_ZH,
};

const fill = (text: string, params: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));

/** The UI language: what the station's settings say until someone switches it here. */
export class I18n {
  language = $state<Language>('zh-CN');

  t = (key: UiKey, params: Record<string, string | number> = {}): string =>
    fill(TABLES[this.language][key], params);

  /** A station message (a verdict's reason, a refusal) in the current language. */
  message = (message: Message): string => {
    // Material and step names come in both languages (`material`, `material_zh`).
    const params = paramsIn(this.language, message.params);
    if (typeof params.state === 'string') params.state = this.state(params.state);
    // The finished step is every order's, not a bill's: named by this table, not by the data.
    if (params.step === FINISHED_STEP) params.step = this.t('finished');
    if (typeof params.kind === 'string')
      params.kind = this.term(`kind_${params.kind}`, params.kind);
    // A failed device test names the device's status: said in this language, not the driver's.
    const status = params.status;
    if (typeof status === 'string' && (DEVICE_STATUS_KEYS as readonly string[]).includes(status))
      params.detail = this.said(status as DeviceStatusKey, params);
    return this.t(`msg_${message.key}`, params);
  };

  /**
   * A device's status in the current language: its kind, its error's code and its stack
   * light's signal in words (a code this UI does not know reads as "an unexpected error").
   */
  device = (status: DeviceStatus): string => this.said(status.said.key, status.said.params);

  private said(key: DeviceStatusKey, said: Record<string, string | number>): string {
    const params = { ...said };
    const word = (prefix: string, value: string | number | undefined, unknown: string) =>
      this.term(`${prefix}${String(value).replaceAll('-', '_')}`, unknown);
    if (params.device !== undefined)
      params.device = word('device_', params.device, String(params.device));
    if (params.problem !== undefined)
      params.problem = word('problem_', params.problem, this.t('problem_unknown'));
    if (params.signal !== undefined)
      params.signal = word('signal_', params.signal, String(params.signal));
    return this.t(`dev_${key}`, params);
  }

  /** A printed label's title (package n of m, a unit) in the current language. */
  labelTitle = (title: LabelTitle): string => this.t(title.key, title.params);

  /** A name the data carries in both languages, in the current one (else the other). */
  name = (en: string | null | undefined, zh: string | null | undefined): string =>
    nameIn(this.language, en, zh);

  /** An order state in words (a state this UI does not know yet shows as sent). */
  state = (state: string): string => this.term(`state_${state}`, state);

  private term(key: string, fallback: string): string {
    return key in UI_EN ? this.t(key as UiKey) : fallback;
  }
}
