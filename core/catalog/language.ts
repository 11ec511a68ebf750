/*
 * The words of a request that belong to the language rather than to the catalog: function
 * words, intent ("instead of", 换成, 不要), comparisons and what a length measures. What the
 * catalog's own words mean (materials, colours, kinds, counters) is learnt from its data in
 * catalog-index.ts; these lists only say how people phrase a change.
 */

/** Words that carry no requirement: "the", "please", 的, 要. */
export const ENGLISH_FUNCTION_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but with in on of for to as at by from it its is are be was this that these ' +
    'those i we me my our us you your want wants would like need needs please thanks thank same ' +
    'similar just also too only very bit little slightly make made one version style model ' +
    'instead rather than change swap replace use using colour color size material finish ' +
    'have has get can could should will prefer preferably something ones kind type sort but'
  ).split(' '),
);

export const CHINESE_FUNCTION_WORDS: ReadonlySet<string> = new Set([
  '的',
  '要',
  '想要',
  '想',
  '我',
  '我们',
  '需要',
  '和',
  '与',
  '跟',
  '及',
  '类似',
  '相似',
  '一样',
  '同款',
  '同样',
  '款',
  '请',
  '麻烦',
  '谢谢',
  '一个',
  '个',
  '带',
  '有',
  '是',
  '用',
  '做',
  '做成',
  '这',
  '那',
  '这个',
  '那个',
  '一点',
  '一些',
  '稍微',
  '就',
  '也',
  '还',
  '吗',
  '呢',
  '吧',
  '了',
  '把',
  '都',
  '颜色',
  '尺寸',
  '材质',
  '材料',
  '子',
  '款式',
  '但是',
  '但',
  '不过',
  '可是',
  '而是',
]);

/** "Similar to X, but …": what comes before describes X, what follows is the change. */
export const BUT = /\bbut\b|但是|不过|可是|但/u;

/** Words after which, in the same clause, a value is refused: "not walnut", 不要胡桃木. */
export const ENGLISH_NEGATIONS: ReadonlySet<string> = new Set(['not', 'no', 'without', 'except']);
export const CHINESE_NEGATIONS: ReadonlySet<string> = new Set([
  '不要',
  '不是',
  '不用',
  '别',
  '而不是',
  '代替',
  '去掉',
  '除了',
]);

/** "oak instead of walnut", "rather than": the value after them is refused. */
export const ENGLISH_INSTEAD_OF: readonly (readonly string[])[] = [
  ['instead', 'of'],
  ['rather', 'than'],
  ['in', 'place', 'of'],
];

/** 把胡桃木换成橡木: what precedes them in the clause is replaced, so refused. */
export const CHINESE_CHANGE_TO: ReadonlySet<string> = new Set([
  '换成',
  '改成',
  '改为',
  '换为',
  '换',
  '改',
]);

/** Dimension words in both languages, by the dimension they name (`length_cm` → length). */
export const DIMENSION_WORDS: Readonly<Record<string, string>> = {
  long: 'length',
  length: 'length',
  wide: 'width',
  width: 'width',
  tall: 'height',
  high: 'height',
  height: 'height',
  deep: 'depth',
  depth: 'depth',
  长: 'length',
  长度: 'length',
  宽: 'width',
  宽度: 'width',
  高: 'height',
  高度: 'height',
  深: 'depth',
  深度: 'depth',
};

export type Direction = 'more' | 'less';

/** Comparison words by direction and the dimension they compare (`any`: none named). */
const COMPARATIVE_WORDS: Readonly<Record<Direction, Readonly<Record<string, readonly string[]>>>> =
  {
    more: {
      any: ['bigger', 'larger', '更大', '大一点', '大些'],
      length: ['longer', '更长', '长一点'],
      width: ['wider', '更宽', '宽一点'],
      height: ['taller', 'higher', '更高', '高一点'],
    },
    less: {
      any: ['smaller', '更小', '小一点', '小些'],
      length: ['shorter', '更短', '短一点'],
      width: ['narrower', '更窄', '窄一点'],
      height: ['lower', '更矮', '矮一点'],
    },
  };

/** Comparisons, with the dimension they compare when they name one. */
export const COMPARATIVES: Readonly<Record<string, { direction: Direction; dimension?: string }>> =
  Object.fromEntries(
    Object.entries(COMPARATIVE_WORDS).flatMap(([direction, byDimension]) =>
      Object.entries(byDimension).flatMap(([dimension, words]) =>
        words.map((word) => [
          word,
          dimension === 'any'
            ? { direction: direction as Direction }
            : { direction: direction as Direction, dimension },
        ]),
      ),
    ),
  );
