import type { ProductInput } from '#core/api/catalog.ts';

/** A small solid-wood furniture workshop: what the demo plant makes. */
export const DEMO_PRODUCTS: ProductInput[] = [
  {
    nameEn: 'Oak dining table 160',
    nameZh: '橡木餐桌 160',
    descriptionEn: 'Solid white oak, oiled, seats six.',
    descriptionZh: '白橡实木，木蜡油，六人座。',
    attributes: { material: 'oak', width_cm: 160, finish: 'oil' },
    bom: [
      {
        resourceType: 'panel',
        materialName: 'Oak top panel 160×90',
        quantityPerUnit: 1,
        step: 'assembly',
      },
      { resourceType: 'leg', materialName: 'Oak leg 72 cm', quantityPerUnit: 4, step: 'assembly' },
      {
        resourceType: 'hardware',
        materialName: 'Leg fitting kit',
        quantityPerUnit: 1,
        step: 'assembly',
      },
    ],
  },
  {
    nameEn: 'Walnut dining table 160',
    nameZh: '胡桃木餐桌 160',
    descriptionEn: 'Solid black walnut, oiled, seats six.',
    descriptionZh: '黑胡桃实木，木蜡油，六人座。',
    attributes: { material: 'walnut', width_cm: 160, finish: 'oil' },
    bom: [
      {
        resourceType: 'panel',
        materialName: 'Walnut top panel 160×90',
        quantityPerUnit: 1,
        step: 'assembly',
      },
      {
        resourceType: 'leg',
        materialName: 'Walnut leg 72 cm',
        quantityPerUnit: 4,
        step: 'assembly',
      },
      {
        resourceType: 'hardware',
        materialName: 'Leg fitting kit',
        quantityPerUnit: 1,
        step: 'assembly',
      },
    ],
  },
  {
    nameEn: 'Oak dining chair',
    nameZh: '橡木餐椅',
    descriptionEn: 'Solid oak frame, woven paper-cord seat.',
    descriptionZh: '橡木框架，纸绳编织座面。',
    attributes: { material: 'oak', seat: 'paper cord' },
    bom: [
      {
        resourceType: 'frame',
        materialName: 'Oak chair frame',
        quantityPerUnit: 1,
        step: 'assembly',
      },
      {
        resourceType: 'seat',
        materialName: 'Paper-cord seat',
        quantityPerUnit: 1,
        step: 'weaving',
      },
    ],
  },
  {
    nameEn: 'Three-seat linen sofa',
    nameZh: '三人亚麻沙发',
    descriptionEn: 'Beech frame, natural linen cover, feather cushions.',
    descriptionZh: '榉木框架，本色亚麻面料，羽绒坐垫。',
    attributes: { material: 'linen', seats: 3, colour: 'natural' },
    bom: [
      {
        resourceType: 'frame',
        materialName: 'Beech sofa frame 3-seat',
        quantityPerUnit: 1,
        step: 'frame',
      },
      {
        resourceType: 'fabric',
        materialName: 'Linen cover, natural',
        quantityPerUnit: 1,
        step: 'upholstery',
      },
      {
        resourceType: 'cushion',
        materialName: 'Feather seat cushion',
        quantityPerUnit: 3,
        step: 'upholstery',
      },
    ],
  },
  {
    nameEn: 'Ash bookshelf 5 tiers',
    nameZh: '白蜡木五层书架',
    descriptionEn: 'Solid ash, 180 cm tall, adjustable shelves.',
    descriptionZh: '白蜡木实木，高 180 厘米，层板可调。',
    attributes: { material: 'ash', height_cm: 180, tiers: 5 },
    bom: [
      {
        resourceType: 'side',
        materialName: 'Ash side panel 180 cm',
        quantityPerUnit: 2,
        step: 'assembly',
      },
      {
        resourceType: 'shelf',
        materialName: 'Ash shelf 80×30',
        quantityPerUnit: 5,
        step: 'assembly',
      },
    ],
  },
  {
    nameEn: 'Walnut bedside table',
    nameZh: '胡桃木床头柜',
    descriptionEn: 'One drawer, soft-close runners.',
    descriptionZh: '单抽屉，阻尼滑轨。',
    attributes: { material: 'walnut', drawers: 1 },
    bom: [
      {
        resourceType: 'carcass',
        materialName: 'Walnut carcass',
        quantityPerUnit: 1,
        step: 'assembly',
      },
      {
        resourceType: 'drawer',
        materialName: 'Walnut drawer box',
        quantityPerUnit: 1,
        step: 'assembly',
      },
      {
        resourceType: 'runner',
        materialName: 'Soft-close runner pair',
        quantityPerUnit: 1,
        step: 'assembly',
      },
    ],
  },
];
