import { describe, expect, it } from 'vitest';
import { SERVER_MESSAGE_KEYS } from '../../core/api/messages.ts';
import { LATIN_ALLOWED, latinWords } from './latin-words.ts';
import { en as PORTAL_EN } from '../../portal/src/lib/i18n/en.ts';
import { zh as PORTAL_ZH } from '../../portal/src/lib/i18n/zh.ts';
import { UI_EN as STATION_EN } from '../../renderer/src/lib/i18n-en.ts';
import { UI_ZH as STATION_ZH } from '../../renderer/src/lib/i18n-zh.ts';

/*
 * The screens' word catalogs (issue 16, "a check in npm test finds English words on Chinese
 * screens and untranslated keys"): every key of each language exists in the other, a
 * translation keeps its sentence's {placeholders}, and a Chinese text has no Latin words but
 * codes, units and names that are the same in every language (kept short, on purpose).
 */
export { LATIN_ALLOWED, latinWords };

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const CATALOGS = [
  { name: 'station (renderer/src/lib)', en: STATION_EN, zh: STATION_ZH },
  { name: 'portal and back office (portal/src/lib/i18n)', en: PORTAL_EN, zh: PORTAL_ZH },
] as const;

describe.each(CATALOGS)('the $name word catalogs', ({ en, zh }) => {
  const enText = en as Readonly<Record<string, string>>;
  const zhText = zh as Readonly<Record<string, string>>;

  it('have the same keys in English and Chinese (no untranslated key either way)', () => {
    expect(Object.keys(zhText).filter((key) => !(key in enText))).toEqual([]);
    expect(Object.keys(enText).filter((key) => !(key in zhText))).toEqual([]);
  });

  it('keep each sentence’s placeholders in the translation', () => {
    const differ = Object.keys(enText).filter(
      (key) =>
        JSON.stringify(placeholders(enText[key]!)) !==
        JSON.stringify(placeholders(zhText[key] ?? '')),
    );
    expect(differ).toEqual([]);
  });

  it('have no English words in Chinese texts, but codes, units and names', () => {
    const english = Object.entries(zhText).flatMap(([key, text]) =>
      latinWords(text)
        .filter((word) => !LATIN_ALLOWED.has(word))
        .map((word) => `${key}: ${word}`),
    );
    expect(english).toEqual([]);
  });

  it('have no empty text', () => {
    expect(Object.entries(zhText).filter(([, text]) => !text.trim())).toEqual([]);
    expect(Object.entries(enText).filter(([, text]) => !text.trim())).toEqual([]);
  });
});

describe('the sentences the server writes by key (core/api/messages.ts)', () => {
  it('are each in the portal catalogs, so the back office and the customer read them translated', () => {
    const portal = PORTAL_EN as Readonly<Record<string, string>>;
    expect(SERVER_MESSAGE_KEYS.filter((key) => !(key in portal))).toEqual([]);
  });
});

describe('the Latin-word check itself', () => {
  it('finds an English word left in a Chinese sentence and ignores placeholders and allowed names', () => {
    const found = (text: string) => latinWords(text).filter((w) => !LATIN_ALLOWED.has(w));
    expect(found('订单 {order}：assembly 可以使用')).toEqual(['assembly']);
    expect(found('Oak chair frame（组装）：可以使用')).toEqual(['Oak', 'chair', 'frame']);
    expect(found('打印 ZPL 标签（{count} 张）')).toEqual([]);
  });
});
