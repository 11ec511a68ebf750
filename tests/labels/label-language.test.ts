import { describe, expect, it } from 'vitest';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { mintSscc } from '#core/gs1/check-digit.ts';
import { DEFAULT_TEMPLATES } from '#core/labels/default-templates.ts';
import { labelTemplateSchema } from '#core/labels/template-schema.ts';
import { layoutFor, renderLabel } from '#labels/render-label.ts';
import { decodeImage, rasterise, withTempDir } from './zbar.ts';

/*
 * A label's captions in the label's language (issue 16): "SHIP TO", "ORDER", "PACKAGE",
 * "CONTENTS" on an English label, 收货地址, 订单, 箱号, 内容 on a Chinese one; the data and
 * the barcodes are the same in both.
 */
const order = mintOrderCode();
const sscc = mintSscc('9521234', 7);
const packageCode = mintOrderScopedCode('package', order, 1);
const input = {
  kind: 'package' as const,
  data: {
    orderCode: order,
    packageNumber: 1,
    packageCount: 3,
    sscc,
    shipTo: '上海市浦东新区张江路 88 号\n张伟 收',
    contents: '2 × 橡木餐椅 Oak dining chair',
    customerReference: 'PO-42',
  },
};

/** Every line of text the label prints, top to bottom. */
const printed = (language: string) =>
  layoutFor(input, { language }).items.flatMap((item) =>
    item.type === 'text' ? item.lines.map((line) => line.text) : [],
  );

describe('label captions in the label’s language', () => {
  it('prints the package label’s captions in Chinese on a Chinese label, in English otherwise', () => {
    const zh = printed('zh-CN');
    expect(zh).toEqual(
      expect.arrayContaining(['收货地址', '订单', '箱号', '内容', '客户参考号 PO-42']),
    );
    expect(zh).toContain('第 1 / 3 箱');
    for (const english of ['SHIP TO', 'ORDER', 'PACKAGE', 'CONTENTS', 'Customer ref. PO-42'])
      expect(zh).not.toContain(english);
    const en = printed('en');
    expect(en).toEqual(
      expect.arrayContaining(['SHIP TO', 'ORDER', 'PACKAGE', 'CONTENTS', '1 of 3']),
    );
    expect(en.join('\n')).not.toMatch(/收货地址|箱号/);
    // No language given: English, as labels printed before languages.
    expect(printed(undefined as unknown as string)).toEqual(en);
  });

  it('every default template’s Chinese text uses only fields its kind has', () => {
    for (const template of DEFAULT_TEMPLATES) {
      expect(labelTemplateSchema.safeParse(template).success).toBe(true);
      const bad = {
        ...template,
        elements: template.elements.map((element) =>
          element.type === 'text' && element.textZh ? { ...element, textZh: '{nope}' } : element,
        ),
      };
      if (template.elements.some((element) => element.type === 'text' && element.textZh))
        expect(labelTemplateSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('the Chinese label still scans: poppler renders it, zbar reads all three symbols', async () => {
    const pdf = await renderLabel(input, 'pdf', { language: 'zh-CN' });
    const decoded = await withTempDir(async (dir) => {
      const [page] = await rasterise(pdf, dir);
      return decodeImage(page!);
    });
    expect(decoded.map((d) => d.data).sort()).toEqual(
      [`00${sscc}`, packageCode, packageCode].sort(),
    );
  });
});
