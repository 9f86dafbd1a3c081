import { limitExceeded } from '../../errors.ts';
import type { TemplateVariable } from './templates.table.ts';

/** `\{{` is a literal `{{`; `{{ name }}` is a placeholder. Anything else is text. */
const TOKEN = /\\\{\{|\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The distinct placeholder names in a template's content, in order of first appearance. */
export function placeholderNames(content: string): string[] {
  const names = new Set<string>();
  for (const m of content.matchAll(TOKEN)) if (m[1]) names.add(m[1]);
  return [...names];
}

export interface RenderOutcome {
  rendered: string;
  usedVariables: string[];
  defaultedVariables: string[];
  missingVariables: string[];
  unknownVariables: string[];
  /** Required variables with neither a value nor a default: rendering is refused when non-empty. */
  missingRequired: string[];
}

function toText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Substitutes variables in one pass over the content, so a substituted value is never scanned again.
 * A value that is absent or null takes the declared default; a required variable without either is reported
 * in `missingRequired`; non-string values are written as JSON. Output over `maxOutputBytes` is refused with
 * LIMIT_EXCEEDED as soon as it is known to be too large, before it is built.
 */
export function renderContent(
  content: string,
  declared: readonly TemplateVariable[],
  values: Record<string, unknown>,
  maxOutputBytes = Infinity,
): RenderOutcome {
  const resolved = new Map<string, string>();
  const usedVariables: string[] = [];
  const defaultedVariables: string[] = [];
  const missingVariables: string[] = [];
  const missingRequired: string[] = [];
  for (const v of declared) {
    const given = Object.hasOwn(values, v.name) ? values[v.name] : undefined;
    if (given !== undefined && given !== null) {
      resolved.set(v.name, toText(given));
      usedVariables.push(v.name);
    } else if (v.defaultValue !== undefined && v.defaultValue !== null) {
      resolved.set(v.name, toText(v.defaultValue));
      defaultedVariables.push(v.name);
    } else if (v.required) {
      missingRequired.push(v.name);
    } else {
      resolved.set(v.name, '');
      missingVariables.push(v.name);
    }
  }
  const declaredNames = new Set(declared.map((v) => v.name));
  const unknownVariables = Object.keys(values).filter((k) => !declaredNames.has(k));
  if (Number.isFinite(maxOutputBytes)) assertOutputSize(content, resolved, maxOutputBytes);
  const rendered = content.replace(TOKEN, (whole, name: string | undefined) => {
    if (name === undefined) return '{{';
    return resolved.get(name) ?? whole;
  });
  return { rendered, usedVariables, defaultedVariables, missingVariables, unknownVariables, missingRequired };
}

/** Sums the output's size placeholder by placeholder (without building it); throws once it passes `max`. */
function assertOutputSize(content: string, resolved: ReadonlyMap<string, string>, max: number): void {
  const sizes = new Map<string, number>();
  let total = Buffer.byteLength(content, 'utf8');
  for (const m of content.matchAll(TOKEN)) {
    const name = m[1];
    const value = name === undefined ? '{{' : resolved.get(name);
    if (value === undefined) continue;
    let size = name === undefined ? 2 : sizes.get(name);
    if (size === undefined) {
      size = Buffer.byteLength(value, 'utf8');
      sizes.set(name as string, size);
    }
    total += size - Buffer.byteLength(m[0], 'utf8');
    if (total > max) throw limitExceeded('The rendered output would be too large', 'RENDER_MAX_OUTPUT_BYTES', max);
  }
}
