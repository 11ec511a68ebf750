import { z } from 'zod';

/*
 * Text that people typed or a device sent, as every schema takes it: no control characters.
 * PostgreSQL cannot store NUL at all, and the others (bell, escape, backspace…) only ever
 * arrive by accident or malice; refusing them at the schema gives one clear 400 on SQLite
 * and PostgreSQL alike instead of a 500 on one engine and stored garbage on the other.
 * Line breaks are allowed only where a schema says multi-line text is expected.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- as above, with line breaks and tabs too
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f]/;

/** The first control character in `text`, as U+XXXX, or null. */
export function controlCharacterIn(text: string, allowLineBreaks = false): string | null {
  const match = (allowLineBreaks ? CONTROL : CONTROL_OR_BREAK).exec(text);
  if (!match) return null;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A single-line string without control characters. */
export function plainText(options: { multiline?: boolean } = {}) {
  return z.string().superRefine((text, context) => {
    const found = controlCharacterIn(text, options.multiline ?? false);
    if (found) {
      context.addIssue({
        code: 'custom',
        message: `control character ${found} at position ${text.search(options.multiline ? CONTROL : CONTROL_OR_BREAK) + 1} is not allowed`,
      });
    }
  });
}

/**
 * Raw device text made printable for the audit trail: GS (FNC1) as `<GS>`, as docs and the
 * CLI write it, and any other control character as `<U+XXXX>`, so what was read is kept
 * without putting control characters into storage.
 */
export function visibleText(text: string): string {
  // eslint-disable-next-line no-control-regex -- see above
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (character) =>
    character === '\u001d'
      ? '<GS>'
      : `<U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`,
  );
}
