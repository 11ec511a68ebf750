import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import type { Font, PathCommand } from 'fontkit';

/*
 * One font draws every label: Noto Sans CJK SC has Latin, digits and the CJK ideographs of
 * Chinese ship-to addresses. It is loaded once per process and every glyph's advance and
 * outline is cached by code point, because reading a glyph out of the 19 MB collection
 * costs far more than drawing it (see docs/decisions/0003-label-text-as-outlines.md).
 */
export const DEFAULT_FONT_PATH = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
export const DEFAULT_FONT_NAME = 'NotoSansCJKsc-Regular';

/** A glyph in em units (1 = font size), y up from the baseline as in the font. */
export interface GlyphShape {
  advance: number;
  commands: readonly PathCommand[];
}

export interface LabelFont {
  /** Distance from the top of a line box to the baseline, in em. */
  ascent: number;
  descent: number;
  covers(codePoint: number): boolean;
  glyph(codePoint: number): GlyphShape;
}

function loadFontkitFont(path: string, name: string): Font {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(
      `The label font ${path} cannot be read (${(error as Error).message}). ` +
        'Install Debian package fonts-noto-cjk or set ORDERTRACE_LABEL_FONT to a Noto Sans CJK file.',
    );
  }
  const loaded = fontkit.create(bytes, name);
  const font = 'fonts' in loaded ? loaded.getFont(name) : loaded;
  if (!font) throw new Error(`The label font ${path} has no face named ${name}.`);
  return font;
}

function wrap(font: Font): LabelFont {
  const unit = 1 / font.unitsPerEm;
  const shapes = new Map<number, GlyphShape>();
  const coverage = new Map<number, boolean>();
  // The typographic ascender and descender (0.88 and 0.12 em in Noto CJK) bound the
  // ideographic em box that lines are stacked by; hhea's ascent/descent add room for
  // accents and would make 1.2 line spacing look like overlap.
  const metrics = font['OS/2'];
  return {
    ascent: (metrics?.typoAscender ?? font.ascent) * unit,
    descent: -(metrics?.typoDescender ?? font.descent) * unit,
    covers(codePoint) {
      let known = coverage.get(codePoint);
      if (known === undefined) {
        known = font.hasGlyphForCodePoint(codePoint);
        coverage.set(codePoint, known);
      }
      return known;
    },
    glyph(codePoint) {
      let shape = shapes.get(codePoint);
      if (!shape) {
        const glyph = font.glyphForCodePoint(codePoint);
        shape = {
          advance: glyph.advanceWidth * unit,
          commands: glyph.path.commands.map(({ command, args }) => ({
            command,
            args: args.map((value) => value * unit),
          })),
        };
        shapes.set(codePoint, shape);
      }
      return shape;
    },
  };
}

let cached: LabelFont | undefined;

/** The label font of this process, loaded on first use. */
export function labelFont(): LabelFont {
  cached ??= wrap(
    loadFontkitFont(
      process.env.ORDERTRACE_LABEL_FONT ?? DEFAULT_FONT_PATH,
      process.env.ORDERTRACE_LABEL_FONT_NAME ?? DEFAULT_FONT_NAME,
    ),
  );
  return cached;
}
