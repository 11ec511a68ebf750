import type { ProductInput } from '#core/api/catalog.ts';

/*
 * A small solid-wood furniture workshop: what the demo plant makes. Attribute values are
 * English; `<key>_zh` carries the Chinese word for a string value (screens show the reader's
 * one, core/text/bilingual.ts), so the matcher learns both languages' vocabulary from the catalog itself (docs/decisions/0005-similar-matching.md).
 * The first six keep their order: the demo seed picks them by position.
 */
/** The woods' Chinese names, for the materials made of them. */
const WOOD_ZH: Record<string, string> = { Oak: '橡木', Walnut: '胡桃木' };
const leg = (wood: string) => ({
  resourceType: 'leg',
  resourceTypeZh: '腿',
  materialName: `${wood} leg 72 cm`,
  materialNameZh: `${WOOD_ZH[wood] ?? wood}腿 72 厘米`,
  quantityPerUnit: 4,
  step: 'assembly',
  stepZh: '组装',
});
const fittings = {
  resourceType: 'hardware',
  resourceTypeZh: '五金件',
  materialName: 'Leg fitting kit',
  materialNameZh: '桌腿连接件套装',
  quantityPerUnit: 1,
  step: 'assembly',
  stepZh: '组装',
};
const top = (wood: string, size: string) => ({
  resourceType: 'panel',
  resourceTypeZh: '板材',
  materialName: `${wood} top panel ${size}`,
  materialNameZh: `${WOOD_ZH[wood] ?? wood}桌面 ${size}`,
  quantityPerUnit: 1,
  step: 'assembly',
  stepZh: '组装',
});
const oak = { material: 'oak', material_zh: '橡木' };
const walnut = { material: 'walnut', material_zh: '胡桃木' };
const ash = { material: 'ash', material_zh: '白蜡木' };
const linen = { material: 'linen', material_zh: '亚麻' };
const diningTable = { type: 'dining table', type_zh: '餐桌' };
const diningChair = { type: 'dining chair', type_zh: '餐椅' };
const sofa = { type: 'sofa', type_zh: '沙发' };
const bookshelf = { type: 'bookshelf', type_zh: '书架' };
const bedsideTable = { type: 'bedside table', type_zh: '床头柜' };
const coffeeTable = { type: 'coffee table', type_zh: '茶几' };

const TABLE_WOODS = {
  oak: { name: 'Oak', zh: '橡木', solid: 'Solid white oak', solidZh: '白橡实木', ...oak },
  walnut: {
    name: 'Walnut',
    zh: '胡桃木',
    solid: 'Solid black walnut',
    solidZh: '黑胡桃实木',
    ...walnut,
  },
};
const SEATS = { 4: ['four', '四'], 6: ['six', '六'], 8: ['eight', '八'] } as const;

/** The dining tables differ only by wood, length (and top) and how many they seat. */
const diningTableOf = (
  wood: keyof typeof TABLE_WOODS,
  lengthCm: number,
  topSize: string,
  seats: keyof typeof SEATS,
): ProductInput => {
  const { name, zh, solid, solidZh, material, material_zh } = TABLE_WOODS[wood];
  const [seatsEn, seatsZh] = SEATS[seats];
  return {
    nameEn: `${name} dining table ${lengthCm}`,
    nameZh: `${zh}餐桌 ${lengthCm}`,
    descriptionEn: `${solid}, oiled, seats ${seatsEn}.`,
    descriptionZh: `${solidZh}，木蜡油，${seatsZh}人座。`,
    attributes: {
      ...diningTable,
      material,
      material_zh,
      length_cm: lengthCm,
      seats,
      finish: 'oil',
      finish_zh: '木蜡油',
    },
    bom: [top(name, topSize), leg(name), fittings],
  };
};

export const DEMO_PRODUCTS: ProductInput[] = [
  diningTableOf('oak', 160, '160×90', 6),
  diningTableOf('walnut', 160, '160×90', 6),
  {
    nameEn: 'Oak dining chair',
    nameZh: '橡木餐椅',
    descriptionEn: 'Solid oak frame, woven paper-cord seat.',
    descriptionZh: '橡木框架，纸绳编织座面。',
    attributes: { ...diningChair, ...oak, seat: 'paper cord', seat_zh: '纸绳' },
    bom: [
      {
        resourceType: 'frame',
        resourceTypeZh: '框架',
        materialName: 'Oak chair frame',
        materialNameZh: '橡木椅架',
        quantityPerUnit: 1,
        step: 'assembly',
        stepZh: '组装',
      },
      {
        resourceType: 'seat',
        resourceTypeZh: '座面',
        materialName: 'Paper-cord seat',
        materialNameZh: '纸绳座面',
        quantityPerUnit: 1,
        step: 'weaving',
        stepZh: '编织',
      },
    ],
  },
  {
    nameEn: 'Three-seat linen sofa',
    nameZh: '三人亚麻沙发',
    descriptionEn: 'Beech frame, natural linen cover, feather cushions.',
    descriptionZh: '榉木框架，本色亚麻面料，羽绒坐垫。',
    attributes: { ...sofa, ...linen, seats: 3, colour: 'natural', colour_zh: '本色' },
    bom: [
      {
        resourceType: 'frame',
        resourceTypeZh: '框架',
        materialName: 'Beech sofa frame 3-seat',
        materialNameZh: '三人位榉木沙发框架',
        quantityPerUnit: 1,
        step: 'frame',
        stepZh: '框架',
      },
      {
        resourceType: 'fabric',
        resourceTypeZh: '面料',
        materialName: 'Linen cover, natural',
        materialNameZh: '本色亚麻沙发套',
        quantityPerUnit: 1,
        step: 'upholstery',
        stepZh: '软包',
      },
      {
        resourceType: 'cushion',
        resourceTypeZh: '坐垫',
        materialName: 'Feather seat cushion',
        materialNameZh: '羽绒坐垫',
        quantityPerUnit: 3,
        step: 'upholstery',
        stepZh: '软包',
      },
    ],
  },
  {
    nameEn: 'Ash bookshelf 5 tiers',
    nameZh: '白蜡木五层书架',
    descriptionEn: 'Solid ash, 180 cm tall, adjustable shelves.',
    descriptionZh: '白蜡木实木，高 180 厘米，层板可调。',
    attributes: {
      ...bookshelf,
      ...ash,
      height_cm: 180,
      tiers: 5,
      colour: 'natural',
      colour_zh: '本色',
    },
    bom: [
      {
        resourceType: 'side',
        resourceTypeZh: '侧板',
        materialName: 'Ash side panel 180 cm',
        materialNameZh: '白蜡木侧板 180 厘米',
        quantityPerUnit: 2,
        step: 'assembly',
        stepZh: '组装',
      },
      {
        resourceType: 'shelf',
        resourceTypeZh: '层板',
        materialName: 'Ash shelf 80×30',
        materialNameZh: '白蜡木层板 80×30',
        quantityPerUnit: 5,
        step: 'assembly',
        stepZh: '组装',
      },
    ],
  },
  {
    nameEn: 'Walnut bedside table',
    nameZh: '胡桃木床头柜',
    descriptionEn: 'One drawer, soft-close runners.',
    descriptionZh: '单抽屉，阻尼滑轨。',
    attributes: { ...bedsideTable, ...walnut, drawers: 1 },
    bom: [
      {
        resourceType: 'carcass',
        resourceTypeZh: '柜体',
        materialName: 'Walnut carcass',
        materialNameZh: '胡桃木柜体',
        quantityPerUnit: 1,
        step: 'assembly',
        stepZh: '组装',
      },
      {
        resourceType: 'drawer',
        resourceTypeZh: '抽屉',
        materialName: 'Walnut drawer box',
        materialNameZh: '胡桃木抽屉',
        quantityPerUnit: 1,
        step: 'assembly',
        stepZh: '组装',
      },
      {
        resourceType: 'runner',
        resourceTypeZh: '滑轨',
        materialName: 'Soft-close runner pair',
        materialNameZh: '阻尼滑轨（一对）',
        quantityPerUnit: 1,
        step: 'assembly',
        stepZh: '组装',
      },
    ],
  },
  diningTableOf('oak', 120, '120×80', 4),
  diningTableOf('walnut', 200, '200×100', 8),
  {
    nameEn: 'Walnut coffee table 120',
    nameZh: '胡桃木茶几 120',
    descriptionEn: 'Low table in solid walnut, one open shelf.',
    descriptionZh: '黑胡桃实木矮桌，带一层开放隔板。',
    attributes: { ...coffeeTable, ...walnut, length_cm: 120, finish: 'oil', finish_zh: '木蜡油' },
    bom: [
      top('Walnut', '120×60'),
      {
        resourceType: 'leg',
        resourceTypeZh: '腿',
        materialName: 'Walnut leg 40 cm',
        materialNameZh: '胡桃木腿 40 厘米',
        quantityPerUnit: 4,
        step: 'assembly',
        stepZh: '组装',
      },
    ],
  },
  {
    nameEn: 'Walnut dining chair',
    nameZh: '胡桃木餐椅',
    descriptionEn: 'Solid walnut frame, leather seat.',
    descriptionZh: '胡桃木框架，皮革座面。',
    attributes: { ...diningChair, ...walnut, seat: 'leather', seat_zh: '皮革' },
    bom: [
      {
        resourceType: 'frame',
        resourceTypeZh: '框架',
        materialName: 'Walnut chair frame',
        materialNameZh: '胡桃木椅架',
        quantityPerUnit: 1,
        step: 'assembly',
        stepZh: '组装',
      },
      {
        resourceType: 'seat',
        resourceTypeZh: '座面',
        materialName: 'Leather seat pad',
        materialNameZh: '皮革座垫',
        quantityPerUnit: 1,
        step: 'upholstery',
        stepZh: '软包',
      },
    ],
  },
  {
    nameEn: 'Two-seat grey linen sofa',
    nameZh: '两人灰色亚麻沙发',
    descriptionEn: 'Beech frame, grey linen cover.',
    descriptionZh: '榉木框架，灰色亚麻面料。',
    attributes: { ...sofa, ...linen, seats: 2, colour: 'grey', colour_zh: '灰色' },
    bom: [
      {
        resourceType: 'frame',
        resourceTypeZh: '框架',
        materialName: 'Beech sofa frame 2-seat',
        materialNameZh: '双人位榉木沙发框架',
        quantityPerUnit: 1,
        step: 'frame',
        stepZh: '框架',
      },
      {
        resourceType: 'fabric',
        resourceTypeZh: '面料',
        materialName: 'Linen cover, grey',
        materialNameZh: '灰色亚麻沙发套',
        quantityPerUnit: 1,
        step: 'upholstery',
        stepZh: '软包',
      },
    ],
  },
  {
    nameEn: 'Three-seat leather sofa',
    nameZh: '三人真皮沙发',
    descriptionEn: 'Beech frame, brown full-grain leather.',
    descriptionZh: '榉木框架，棕色头层牛皮。',
    attributes: {
      ...sofa,
      material: 'leather',
      material_zh: '真皮',
      seats: 3,
      colour: 'brown',
      colour_zh: '棕色',
    },
    bom: [
      {
        resourceType: 'frame',
        resourceTypeZh: '框架',
        materialName: 'Beech sofa frame 3-seat',
        materialNameZh: '三人位榉木沙发框架',
        quantityPerUnit: 1,
        step: 'frame',
        stepZh: '框架',
      },
      {
        resourceType: 'cover',
        resourceTypeZh: '沙发套',
        materialName: 'Leather cover, brown',
        materialNameZh: '棕色皮革沙发套',
        quantityPerUnit: 1,
        step: 'upholstery',
        stepZh: '软包',
      },
    ],
  },
  {
    nameEn: 'Black ash bookshelf 5 tiers',
    nameZh: '黑色白蜡木五层书架',
    descriptionEn: 'Solid ash stained black, 180 cm tall.',
    descriptionZh: '白蜡木实木染黑，高 180 厘米。',
    attributes: {
      ...bookshelf,
      ...ash,
      height_cm: 180,
      tiers: 5,
      colour: 'black',
      colour_zh: '黑色',
    },
    bom: [
      {
        resourceType: 'side',
        resourceTypeZh: '侧板',
        materialName: 'Ash side panel 180 cm, black',
        materialNameZh: '黑色白蜡木侧板 180 厘米',
        quantityPerUnit: 2,
        step: 'assembly',
        stepZh: '组装',
      },
      {
        resourceType: 'shelf',
        resourceTypeZh: '层板',
        materialName: 'Ash shelf 80×30, black',
        materialNameZh: '黑色白蜡木层板 80×30',
        quantityPerUnit: 5,
        step: 'assembly',
        stepZh: '组装',
      },
    ],
  },
  {
    nameEn: 'Oak bookshelf 3 tiers',
    nameZh: '橡木三层书架',
    descriptionEn: 'Solid oak, 100 cm tall.',
    descriptionZh: '橡木实木，高 100 厘米。',
    attributes: {
      ...bookshelf,
      ...oak,
      height_cm: 100,
      tiers: 3,
      colour: 'natural',
      colour_zh: '本色',
    },
    bom: [
      {
        resourceType: 'side',
        resourceTypeZh: '侧板',
        materialName: 'Oak side panel 100 cm',
        materialNameZh: '橡木侧板 100 厘米',
        quantityPerUnit: 2,
        step: 'assembly',
        stepZh: '组装',
      },
      {
        resourceType: 'shelf',
        resourceTypeZh: '层板',
        materialName: 'Oak shelf 80×30',
        materialNameZh: '橡木层板 80×30',
        quantityPerUnit: 3,
        step: 'assembly',
        stepZh: '组装',
      },
    ],
  },
  {
    nameEn: 'Oak bedside table 2 drawers',
    nameZh: '橡木两抽床头柜',
    descriptionEn: 'Two drawers, soft-close runners.',
    descriptionZh: '两个抽屉，阻尼滑轨。',
    attributes: { ...bedsideTable, ...oak, drawers: 2 },
    bom: [
      {
        resourceType: 'carcass',
        resourceTypeZh: '柜体',
        materialName: 'Oak carcass',
        materialNameZh: '橡木柜体',
        quantityPerUnit: 1,
        step: 'assembly',
        stepZh: '组装',
      },
      {
        resourceType: 'drawer',
        resourceTypeZh: '抽屉',
        materialName: 'Oak drawer box',
        materialNameZh: '橡木抽屉',
        quantityPerUnit: 2,
        step: 'assembly',
        stepZh: '组装',
      },
      {
        resourceType: 'runner',
        resourceTypeZh: '滑轨',
        materialName: 'Soft-close runner pair',
        materialNameZh: '阻尼滑轨（一对）',
        quantityPerUnit: 2,
        step: 'assembly',
        stepZh: '组装',
      },
    ],
  },
];
