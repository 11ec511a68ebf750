import type { ProductInput } from '#core/api/catalog.ts';

/** A small furniture catalog in Chinese and English. */
/** A six-seat dining table in one wood: oak and walnut are the same product otherwise. */
const diningTable = (wood: string, woodZh: string): ProductInput => ({
  nameEn: `${wood} dining table`,
  nameZh: `${woodZh}餐桌`,
  descriptionEn: `Solid ${wood.toLowerCase()}, seats six.`,
  descriptionZh: `实木${woodZh}，六人座。`,
  attributes: { material: wood.toLowerCase(), width_cm: 160, finish: 'oil' },
  bom: [
    {
      resourceType: 'panel',
      materialName: `${wood} top panel 160×90`,
      quantityPerUnit: 1,
      step: 'assembly',
    },
    {
      resourceType: 'leg',
      materialName: `${wood} leg 72 cm`,
      quantityPerUnit: 4,
      step: 'assembly',
    },
  ],
});

export const OAK_TABLE = diningTable('Oak', '橡木');
export const WALNUT_TABLE = diningTable('Walnut', '胡桃木');

export const LINEN_SOFA: ProductInput = {
  nameEn: 'Three-seat linen sofa',
  nameZh: '三人亚麻沙发',
  descriptionEn: 'Beech frame, linen cover.',
  descriptionZh: '榉木框架，亚麻面料。',
  attributes: { material: 'linen', seats: 3 },
  bom: [
    { resourceType: 'frame', materialName: 'Beech sofa frame', quantityPerUnit: 1, step: 'frame' },
    {
      resourceType: 'fabric',
      materialName: 'Linen cover, natural',
      quantityPerUnit: 1,
      step: 'upholstery',
    },
  ],
};
