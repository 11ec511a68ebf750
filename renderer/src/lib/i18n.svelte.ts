import type { Language, Message } from '#core/api/station-api.ts';
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
  message = (message: Message): string => this.t(`msg_${message.key}`, message.params);
}
