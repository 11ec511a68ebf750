import { PREFIXES } from '#core/codes/formats.ts';
import type { Page } from 'playwright-core';
import { LATIN_ALLOWED, latinWords } from '../lint/latin-words.ts';

/*
 * English left on a Chinese screen (issue 16: "a new user finds no English on Chinese
 * screens"). What a person reads — the page's text, and the placeholders, titles and labels
 * of its controls — less what is the same in every language: codes (anything with a digit:
 * order, product and package codes, SSCCs, station and line names like P1 or L1), e-mail
 * addresses, units, and the catalog check's short allow-list of names and standards
 * (tests/lint/latin-words.ts). `alsoAllowed` adds a screen's own data that is a name (a
 * customer called "Wang Fang", a carrier).
 */
const CODE = new RegExp(`\\b(${Object.values(PREFIXES).join('|')})[0-9A-Z]{6,}\\b`, 'g');
/** The browser's own date and time fields: Chromium draws their placeholder and value. */
const NATIVE_DATE_FIELDS = ['date', 'datetime-local', 'time', 'month', 'week']
  .map((type) => `input[type="${type}"]`)
  .join(', ');

/** The DevTools protocol's node type of text (the DOM's Node.TEXT_NODE, not defined in Node.js). */
const TEXT_NODE = 3;

interface DomNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string;
  backendNodeId: number;
  children?: DomNode[];
  shadowRoots?: (DomNode & { shadowRootType?: string })[];
}

/**
 * What the visible native date and time fields show (mm/dd/yyyy, 01/02/2026, 08:00 AM, or
 * 年/月/日): Chromium draws it in the field's own shadow tree, in the browser's interface
 * language, out of the page's reach; the DevTools protocol reads it.
 */
export async function nativeFieldTexts(page: Page): Promise<string[]> {
  if ((await page.locator(NATIVE_DATE_FIELDS).count()) === 0) return [];
  const session = await page.context().newCDPSession(page);
  try {
    const { root } = (await session.send('DOM.getDocument', { depth: -1, pierce: true })) as {
      root: DomNode;
    };
    const textOf = (node: DomNode): string =>
      node.nodeType === TEXT_NODE
        ? node.nodeValue
        : [...(node.children ?? []), ...(node.shadowRoots ?? [])].map(textOf).join('');
    const fields: DomNode[] = [];
    const visit = (node: DomNode) => {
      if (node.nodeName === 'INPUT') fields.push(node);
      for (const child of node.children ?? []) visit(child);
      // The page's own shadow trees, not the browser's inside its controls.
      for (const shadow of node.shadowRoots ?? [])
        if (shadow.shadowRootType !== 'user-agent') visit(shadow);
    };
    visit(root);
    const texts: string[] = [];
    for (const field of fields) {
      const { object } = await session.send('DOM.resolveNode', {
        backendNodeId: field.backendNodeId,
      });
      const { result } = await session.send('Runtime.callFunctionOn', {
        objectId: object.objectId!,
        functionDeclaration: `function (selector) {
          return this.matches(selector) && this.offsetParent !== null;
        }`,
        arguments: [{ value: NATIVE_DATE_FIELDS }],
        returnByValue: true,
      });
      if (result.value === true) texts.push((field.shadowRoots ?? []).map(textOf).join(''));
    }
    return texts;
  } finally {
    await session.detach();
  }
}

const UNITS = new Set(['mm', 'cm', 'm', 'kg', 'g', 'ms', 's', 'h', 'MiB', 'KiB', 'kB', 'dpi']);

/**
 * The Latin words a person reads on the page (its native date fields' too) that are neither
 * codes nor allowed, with where.
 */
export async function latinOnScreen(
  page: Page,
  alsoAllowed: ReadonlySet<string> = new Set(),
): Promise<{ word: string; line: string }[]> {
  const texts = await page.evaluate(() => {
    const visible = (el: Element | null) =>
      el !== null && (el as HTMLElement).offsetParent !== null;
    // Text marked as English on purpose (lang="en": a product's other name, say) is not left over.
    const english = (el: Element | null) => el?.closest('[lang]')?.getAttribute('lang') === 'en';
    const lines: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!visible(parent) || english(parent)) continue;
      if (parent && ['SCRIPT', 'STYLE'].includes(parent.tagName)) continue;
      lines.push(node.textContent ?? '');
    }
    for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]'))
      if (visible(el) && !english(el))
        for (const name of ['placeholder', 'title', 'aria-label'])
          lines.push(el.getAttribute(name) ?? '');
    return lines;
  });
  texts.push(...(await nativeFieldTexts(page)));
  const found = new Map<string, string>();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const plain = line
        .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ') // e-mail addresses
        .replace(/https?:\/\/\S+/g, ' ')
        .replace(/(^|\s|\()\/\S+/g, ' ') // file paths (a device's port)
        .replace(/\b(Code 128|QR)\b/g, ' ') // symbologies, named alike in every language
        .replace(/\b[a-z]+(\.[a-z_]+)+\b/g, ' ') // identifiers of the API (order.state_changed)
        .replace(CODE, ' ') // order, product, package… codes, digits or none
        .replace(/[A-Za-z0-9-]*\d[A-Za-z0-9-]*/g, ' '); // codes: anything with a digit
      for (const word of latinWords(plain))
        if (
          !LATIN_ALLOWED.has(word) &&
          !UNITS.has(word) &&
          !alsoAllowed.has(word) &&
          !found.has(word)
        )
          found.set(word, line.trim().slice(0, 100));
    }
  }
  return [...found].map(([word, line]) => ({ word, line }));
}
