import { getContext, setContext } from 'svelte';
import { nameIn, paramsIn } from '#core/text/bilingual.ts';
import { ApiError } from '../api.ts';
import { en, type MessageKey, type Messages } from './en.ts';
import { zh } from './zh.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const DICTIONARIES: Record<Locale, Messages> = { 'zh-CN': zh, en };
const STORAGE_KEY = 'ordertrace.locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The language the portal speaks: a typed dictionary per locale, switchable at any time. */
export class I18n {
  locale = $state<Locale>(initialLocale());
  #messages = $derived(DICTIONARIES[this.locale]);

  constructor() {
    $effect.root(() => {
      $effect(() => {
        document.documentElement.lang = this.locale;
        document.title = this.t('app.title');
        localStorage.setItem(STORAGE_KEY, this.locale);
      });
    });
  }

  toggle = () => {
    this.locale = this.locale === 'en' ? 'zh-CN' : 'en';
  };

  t = (key: MessageKey, params: Record<string, string | number> = {}): string =>
    this.#messages[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );

  /**
   * A translated sentence for anything thrown. A validation refusal says what to fix in
   * plain words: a field the portal knows gets its own sentence ("A password has at least
   * 10 characters."), never the schema's path ("body.password: …"); a sentence the server
   * wrote for people (no path in front) is kept.
   */
  /**
   * A sentence the server wrote by key (core/api/messages.ts), in this language: a parameter
   * `x` with a Chinese form `xZh` shows that one on a Chinese screen. A key this portal does
   * not know yet (a newer server) shows the server's English sentence.
   */
  said = (
    messageKey: string | null | undefined,
    params: Record<string, string | number>,
    english: string,
  ): string => {
    if (!messageKey || !(messageKey in this.#messages)) return english;
    const shown = Object.fromEntries(
      Object.entries(params).map(([name, value]) => {
        const zh = params[`${name}Zh`];
        return [name, this.locale === 'zh-CN' && zh !== undefined && zh !== '' ? zh : value];
      }),
    );
    return this.t(messageKey as MessageKey, shown);
  };

  error = (error: unknown): string => {
    if (error instanceof ApiError && error.said)
      return this.said(error.said.messageKey, error.said.params, error.message);
    if (error instanceof ApiError) {
      const text = this.t(`err.${error.code}`);
      if (error.code !== 'OT_ERR_VALIDATION' || !error.message) return text;
      const field = /^(?:body|querystring|params|headers)\.([\w.]*?)(\w+)(?:\.\d+)*: (.*)$/s.exec(
        error.message,
      );
      if (!field) return `${text} (${error.message})`;
      const key = `err.field.${field[2]}`;
      return key in this.#messages
        ? `${text} ${this.t(key as MessageKey)}`
        : `${text} (${field[3]})`;
    }
    return this.t('err.OT_ERR_INTERNAL');
  };

  /** A name the data carries in both languages, in this one (else the other: never blank). */
  name = (en: string | null | undefined, zh: string | null | undefined): string =>
    nameIn(this.locale, en, zh);

  /**
   * A product attribute's label in this language: the catalogs' for the keys they know
   * (`attribute.material`), else the key as the planner typed it.
   */
  attributeLabel = (key: string): string => {
    const known = `attribute.${key}`;
    return known in this.#messages ? this.t(known as MessageKey) : key;
  };

  /** A product's attributes as `label: value` in this language (`x_zh` gives x's Chinese value). */
  attributes = (attributes: Readonly<Record<string, string | number>>): string =>
    Object.entries(paramsIn(this.locale, attributes))
      .map(([key, value]) =>
        this.t('products.attributePair', { label: this.attributeLabel(key), value }),
      )
      .join(' · ');

  time = (iso: string | null | undefined): string => {
    if (!iso) return this.t('common.never');
    return new Date(iso).toLocaleString(this.locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
  };
}

export { en, type MessageKey };

const KEY = Symbol('i18n');
export const setI18n = (i18n: I18n): I18n => setContext(KEY, i18n);
export const getI18n = (): I18n => getContext<I18n>(KEY);
