import { describe, expect, it } from 'vitest';
import { placeholderNames, renderContent } from '../src/domains/templates/render.ts';

const v = (name: string, required = true, defaultValue?: unknown) => ({ name, required, defaultValue });

describe('renderContent', () => {
  it('substitutes placeholders with optional spaces inside the braces', () => {
    const out = renderContent('Hi {{name}} and {{  other }}!', [v('name'), v('other')], { name: 'A', other: 'B' });
    expect(out.rendered).toBe('Hi A and B!');
    expect(out.usedVariables).toEqual(['name', 'other']);
  });

  it('substitutes in a single pass: a value containing a placeholder is left as written', () => {
    const out = renderContent('{{a}} {{b}}', [v('a'), v('b')], { a: '{{b}}', b: 'x' });
    expect(out.rendered).toBe('{{b}} x');
  });

  it('writes \\{{ as a literal {{ and does not treat it as a placeholder', () => {
    expect(placeholderNames('\\{{ x }} {{ y }}')).toEqual(['y']);
    expect(renderContent('\\{{ x }} {{ y }}', [v('y')], { y: 1 }).rendered).toBe('{{ x }} 1');
  });

  it('renders non-string values as JSON', () => {
    const out = renderContent('{{n}} {{o}} {{b}}', [v('n'), v('o'), v('b')], { n: 3, o: { k: [1, 'a'] }, b: false });
    expect(out.rendered).toBe('3 {"k":[1,"a"]} false');
  });

  it('fills absent optional variables from defaults and reports required ones missing', () => {
    const out = renderContent('{{a}}{{b}}{{c}}{{d}}', [v('a'), v('b'), v('c', false, 'dflt'), v('d', false)], {});
    expect(out.missingRequired).toEqual(['a', 'b']);
    expect(out.defaultedVariables).toEqual(['c']);
    expect(out.missingVariables).toEqual(['d']);
  });

  it('reports undeclared variables', () => {
    expect(renderContent('{{a}}', [v('a')], { a: 1, zz: 2 }).unknownVariables).toEqual(['zz']);
  });
});
