import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameIn, paramsIn } from './bilingual.ts';

describe('bilingual names', () => {
  it('reads the asked language and falls back to the other when it is empty', () => {
    expect(nameIn('zh-CN', 'Oak chair frame', '橡木椅架')).toBe('橡木椅架');
    expect(nameIn('en', 'Oak chair frame', '橡木椅架')).toBe('Oak chair frame');
    expect(nameIn('zh-CN', 'Oak chair frame', '')).toBe('Oak chair frame');
    expect(nameIn('zh', 'Oak chair frame', undefined)).toBe('Oak chair frame');
    expect(nameIn('en', '', '橡木椅架')).toBe('橡木椅架');
    expect(nameIn('en', null, null)).toBe('');
  });

  it('never answers blank while either name has text', () => {
    fc.assert(
      fc.property(fc.constantFrom('en', 'zh-CN', 'zh'), fc.string(), fc.string(), (l, en, zh) => {
        const name = nameIn(l, en, zh);
        if (en.trim() || zh.trim()) expect(name.trim()).not.toBe('');
        expect([en, zh]).toContain(name);
      }),
    );
  });

  it('message parameters take their _zh sibling on a Chinese screen', () => {
    const params = {
      material: 'Oak chair frame',
      material_zh: '橡木椅架',
      step: 'assembly',
      step_zh: '',
      count: 2,
    };
    expect(paramsIn('zh-CN', params)).toEqual({ material: '橡木椅架', step: 'assembly', count: 2 });
    expect(paramsIn('en', params)).toEqual({
      material: 'Oak chair frame',
      step: 'assembly',
      count: 2,
    });
  });
});
