import {
  CHARSET_82,
  hasPredefinedLength,
  matchApplicationIdentifier,
  type AiDefinition,
} from './application-identifiers.ts';
import { hasValidGs1CheckDigit } from './check-digit.ts';

/** FNC1 as scanners transmit it: ASCII 29, Group Separator. */
export const GS = '\u001d';

export interface Gs1Element {
  ai: string;
  value: string;
}

export type Gs1Parse =
  | { valid: true; elements: Gs1Element[]; values: Record<string, string> }
  | { valid: false; error: string; elements: Gs1Element[] };

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function checkDate(value: string): string | undefined {
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  if (month < 1 || month > 12) return `month ${value.slice(2, 4)} does not exist`;
  // Day 00 means "the last day of the month" (§3.4.2 and following).
  if (day > (DAYS_IN_MONTH[month - 1] ?? 31))
    return `day ${value.slice(4, 6)} does not exist in that month`;
  return undefined;
}

function checkValue(definition: AiDefinition, value: string): string | undefined {
  const name = `AI (${definition.ai}) ${definition.title}`;
  if (definition.charset === 'N' && !/^[0-9]*$/.test(value))
    return `${name} takes digits only, got '${value}'`;
  if (!CHARSET_82.test(value)) return `${name} contains a character GS1 does not allow: '${value}'`;
  if ('max' in definition.length && value.length === 0) return `${name} is empty`;
  if (definition.checkDigit && !hasValidGs1CheckDigit(value)) {
    return `${name} ${value} fails its check digit: misread`;
  }
  if (definition.date) {
    const problem = checkDate(value);
    if (problem) return `${name} ${value} is not a date: ${problem}`;
  }
  return undefined;
}

/**
 * Parse a GS1 element string: AI, data, AI, data, … with GS after every variable-length
 * field that is not last (GS1 General Specifications §7.8.5). A GS in first position is the
 * FNC1 that marks GS1 data and is skipped.
 */
export function parseElementString(input: string): Gs1Parse {
  const elements: Gs1Element[] = [];
  let position = input.startsWith(GS) ? 1 : 0;
  if (position >= input.length) return { valid: false, error: 'The GS1 data is empty.', elements };

  while (position < input.length) {
    const rest = input.slice(position);
    const definition = matchApplicationIdentifier(rest);
    if (!definition) {
      const shown = rest.slice(0, 4).replaceAll(GS, '<GS>');
      return {
        valid: false,
        error: `Unknown GS1 application identifier at position ${position + 1} ('${shown}…').`,
        elements,
      };
    }
    const start = position + definition.ai.length;
    let value: string;
    if ('fixed' in definition.length) {
      value = input.slice(start, start + definition.length.fixed);
      if (value.length < definition.length.fixed || value.includes(GS)) {
        const got = value.split(GS)[0]?.length ?? 0;
        return {
          valid: false,
          error: `AI (${definition.ai}) ${definition.title} needs ${definition.length.fixed} characters, got ${got}: the scan is truncated.`,
          elements,
        };
      }
      position = start + value.length;
      // A GS after a fixed-length field is redundant but some encoders emit one.
      if (input[position] === GS) position++;
    } else {
      const end = input.indexOf(GS, start);
      value = input.slice(start, end === -1 ? undefined : end);
      if (value.length > definition.length.max) {
        return {
          valid: false,
          error: `AI (${definition.ai}) ${definition.title} allows at most ${definition.length.max} characters, got ${value.length}: a GS separator is probably missing.`,
          elements,
        };
      }
      position = end === -1 ? input.length : end + 1;
    }
    const problem = checkValue(definition, value);
    if (problem) return { valid: false, error: `${problem}.`, elements };
    if (elements.some((element) => element.ai === definition.ai)) {
      return { valid: false, error: `AI (${definition.ai}) appears twice.`, elements };
    }
    elements.push({ ai: definition.ai, value });
  }
  return {
    valid: true,
    elements,
    values: Object.fromEntries(elements.map((e) => [e.ai, e.value])),
  };
}

/**
 * Convert the human-readable form "(00)123…(10)ABC" to an element string with GS
 * separators. Only used when a person types what is printed under a symbol.
 */
export function fromHumanReadable(text: string): string | undefined {
  const parts = [...text.matchAll(/\((\d{2,4})\)([^()]*)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.map(([, ai, value]) => `${ai}${value}`).join(GS);
}

/**
 * Encode elements as a GS1 element string: a GS after every field whose length the
 * standard does not predefine, unless it is last. The leading FNC1 is the symbol's job.
 */
export function encodeElementString(elements: readonly Gs1Element[]): string {
  return elements
    .map(({ ai, value }, index) => {
      const last = index === elements.length - 1;
      return ai + value + (last || hasPredefinedLength(ai) ? '' : GS);
    })
    .join('');
}
