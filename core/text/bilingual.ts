/*
 * Names that data carries in both languages (products, materials, steps; issue 16). A name
 * missing in one language (a row from before the Chinese names, a product typed in one
 * language only) shows in the other: never blank, never a crash.
 */

/** 'en' or a Chinese locale ('zh-CN', 'zh'): anything that starts with "zh" reads Chinese. */
export const readsChinese = (language: string): boolean => language.toLowerCase().startsWith('zh');

/** The name in `language`, else the other language's, else ''. */
export function nameIn(
  language: string,
  en: string | null | undefined,
  zh: string | null | undefined,
): string {
  const [first, second] = readsChinese(language) ? [zh, en] : [en, zh];
  return first?.trim() ? first : (second ?? '');
}

/**
 * Message parameters in `language`: a parameter `x` with a sibling `x_zh` (the station's
 * material and step names) reads the sibling on a Chinese screen when it is not empty; the
 * `_zh` siblings themselves are dropped.
 */
export function paramsIn(
  language: string,
  params: Readonly<Record<string, string | number>>,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (name.endsWith('_zh')) continue;
    const zh = params[`${name}_zh`];
    out[name] =
      typeof value === 'string' && typeof zh === 'string' ? nameIn(language, value, zh) : value;
  }
  return out;
}
