import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '#core/labels/default-templates.ts';
import { labelFieldValues, parseLabelRequest } from '#core/labels/label-data.ts';
import { mmToPoints } from '#core/labels/label-sizes.ts';
import { layoutLabel } from './layout.ts';
import { renderPdf } from './render-pdf.ts';
import { renderSvg } from './render-svg.ts';
import { sampleLabel } from '#core/labels/sample-data.ts';

const mediaBoxes = (pdf: Buffer) =>
  [...pdf.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);

describe('renderPdf', () => {
  it.each(DEFAULT_TEMPLATES.map((t) => [t.id, t] as const))(
    'makes the page of %s exactly the label media',
    async (_id, template) => {
      const layout = layoutLabel(
        template,
        labelFieldValues(parseLabelRequest(sampleLabel(template.kind))),
      );
      const pdf = await renderPdf([layout]);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const [[width, height] = []] = mediaBoxes(pdf);
      expect(width).toBeCloseTo(mmToPoints(template.widthMm), 2);
      expect(height).toBeCloseTo(mmToPoints(template.heightMm), 2);
    },
  );

  it('puts one label on each page of a batch', async () => {
    const template = DEFAULT_TEMPLATES.find((t) => t.id === 'resource-50x30mm');
    if (!template) throw new Error('no resource template');
    const layout = layoutLabel(
      template,
      labelFieldValues(parseLabelRequest(sampleLabel('resource'))),
    );
    const pdf = await renderPdf([layout, layout, layout]);
    expect(mediaBoxes(pdf)).toHaveLength(3);
  });

  it('refuses an empty batch', async () => {
    await expect(renderPdf([])).rejects.toThrow(/at least one label/);
  });
});

describe('renderSvg', () => {
  it('is sized in millimetres and carries no text elements or fonts (outlines only)', () => {
    const template = DEFAULT_TEMPLATES[0];
    if (!template) throw new Error('no template');
    const svg = renderSvg(
      layoutLabel(template, labelFieldValues(parseLabelRequest(sampleLabel('package')))),
    );
    expect(svg).toMatch(/^<svg [^>]*width="100mm" height="150mm" viewBox="0 0 100 150"/);
    expect(svg).not.toMatch(/<text|font-family/);
  });
});
