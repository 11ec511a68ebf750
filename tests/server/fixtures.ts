import type { ProductInput } from '#core/api/catalog.ts';

/** A small furniture catalog in Chinese and English. */
export const OAK_TABLE: ProductInput = {
  nameEn: 'Oak dining table',
  nameZh: '橡木餐桌',
  descriptionEn: 'Solid oak, seats six.',
  descriptionZh: '实木橡木，六人座。',
  attributes: { material: 'oak', width_cm: 160, finish: 'oil' },
  bom: [
    {
      resourceType: 'panel',
      materialName: 'Oak top panel 160×90',
      quantityPerUnit: 1,
      step: 'assembly',
    },
    { resourceType: 'leg', materialName: 'Oak leg 72 cm', quantityPerUnit: 4, step: 'assembly' },
  ],
};

export const WALNUT_TABLE: ProductInput = {
  nameEn: 'Walnut dining table',
  nameZh: '胡桃木餐桌',
  descriptionEn: 'Solid walnut, seats six.',
  descriptionZh: '实木胡桃木，六人座。',
  attributes: { material: 'walnut', width_cm: 160, finish: 'oil' },
  bom: [
    {
      resourceType: 'panel',
      materialName: 'Walnut top panel 160×90',
      quantityPerUnit: 1,
      step: 'assembly',
    },
    { resourceType: 'leg', materialName: 'Walnut leg 72 cm', quantityPerUnit: 4, step: 'assembly' },
  ],
};

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
