/*
 * An SSCC as a person or a scanner gives it: the 18 digits alone, as the element string
 * `00…`, in the human-readable form `(00)…`, or as a scanner sends GS1-128 with its AIM
 * symbology identifier (`]C1`, or `]d2`/`]Q3` from a 2D reader) in front.
 */
const SSCC_INPUT = /^(?:\][A-Za-z][0-9])?(?:\(00\)|00)?([0-9]{18})$/;

/** The 18 digits, when the text is written as an SSCC (its check digit is not judged here). */
export function ssccInput(text: string): string | undefined {
  return SSCC_INPUT.exec(text.trim())?.[1];
}
