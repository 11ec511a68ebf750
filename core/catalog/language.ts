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

/** Comparisons, with the dimension they compare when they name one. */
export const COMPARATIVES: Readonly<Record<string, { direction: Direction; dimension?: string }>> =
  {
    bigger: { direction: 'more' },
    larger: { direction: 'more' },
    longer: { direction: 'more', dimension: 'length' },
    wider: { direction: 'more', dimension: 'width' },
    taller: { direction: 'more', dimension: 'height' },
    higher: { direction: 'more', dimension: 'height' },
    smaller: { direction: 'less' },
    shorter: { direction: 'less', dimension: 'length' },
    narrower: { direction: 'less', dimension: 'width' },
    lower: { direction: 'less', dimension: 'height' },
    更大: { direction: 'more' },
    大一点: { direction: 'more' },
    大些: { direction: 'more' },
    更长: { direction: 'more', dimension: 'length' },
    长一点: { direction: 'more', dimension: 'length' },
    更宽: { direction: 'more', dimension: 'width' },
    宽一点: { direction: 'more', dimension: 'width' },
    更高: { direction: 'more', dimension: 'height' },
    高一点: { direction: 'more', dimension: 'height' },
    更小: { direction: 'less' },
    小一点: { direction: 'less' },
    小些: { direction: 'less' },
    更短: { direction: 'less', dimension: 'length' },
    短一点: { direction: 'less', dimension: 'length' },
    更窄: { direction: 'less', dimension: 'width' },
    窄一点: { direction: 'less', dimension: 'width' },
    更矮: { direction: 'less', dimension: 'height' },
    矮一点: { direction: 'less', dimension: 'height' },
  };
