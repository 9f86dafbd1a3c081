import { badInput } from '../../errors.ts';
import { placeholderNames, VARIABLE_NAME } from './render.ts';
import type { TemplateVariable } from './templates.table.ts';

export const NAME_PATTERN = /^[a-z0-9_-]{1,100}$/;
export const MAX_DESCRIPTION_LENGTH = 2_000;
export const MAX_AUTHOR_LENGTH = 100;
export const MAX_VARIABLES = 100;
export const MAX_VARIABLE_DESCRIPTION_LENGTH = 1_000;

export interface TemplateLimits {
  categories: readonly string[];
  maxContentBytes: number;
}

export interface TemplateFields {
  name: string;
  description: string | null;
  category: string;
  content: string;
  variables: TemplateVariable[];
  createdBy: string | null;
}

/** Every problem with a template's fields, as messages; empty when valid. */
export function templateProblems(t: TemplateFields, limits: TemplateLimits): string[] {
  const problems: string[] = [];
  if (!NAME_PATTERN.test(t.name)) {
    problems.push(
      `name "${t.name.slice(0, 120)}" must be 1 to 100 characters of lowercase letters, digits, "_" and "-"`,
    );
  }
  if (!limits.categories.includes(t.category)) {
    problems.push(`category "${t.category.slice(0, 60)}" is not one of: ${limits.categories.join(', ')}`);
  }
  if (t.description !== null && t.description.length > MAX_DESCRIPTION_LENGTH) {
    problems.push(`description is longer than ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  if (t.createdBy !== null && t.createdBy.length > MAX_AUTHOR_LENGTH) {
    problems.push(`author is longer than ${MAX_AUTHOR_LENGTH} characters`);
  }
  const bytes = Buffer.byteLength(t.content, 'utf8');
  if (t.content.trim() === '') problems.push('content must not be empty');
  if (bytes > limits.maxContentBytes) {
    problems.push(`content is ${bytes} bytes, more than the limit of ${limits.maxContentBytes}`);
  }
  if (t.variables.length > MAX_VARIABLES) problems.push(`at most ${MAX_VARIABLES} variables may be declared`);
  const seen = new Set<string>();
  for (const v of t.variables) {
    if (!VARIABLE_NAME.test(v.name)) problems.push(`variable name "${v.name.slice(0, 60)}" must match ${VARIABLE_NAME.source}`);
    if (seen.has(v.name)) problems.push(`variable "${v.name}" is declared more than once`);
    seen.add(v.name);
    if (v.description && v.description.length > MAX_VARIABLE_DESCRIPTION_LENGTH) {
      problems.push(`variable "${v.name}" description is longer than ${MAX_VARIABLE_DESCRIPTION_LENGTH} characters`);
    }
  }
  const used = placeholderNames(t.content);
  const undeclared = used.filter((n) => !seen.has(n));
  const unused = [...seen].filter((n) => !used.includes(n));
  if (undeclared.length) problems.push(`placeholders not declared as variables: ${undeclared.join(', ')}`);
  if (unused.length) problems.push(`declared variables not used in content: ${unused.join(', ')}`);
  return problems;
}

/** Throws one BAD_USER_INPUT error naming every problem with the template's fields. */
export function assertValidTemplate(t: TemplateFields, limits: TemplateLimits): void {
  const problems = templateProblems(t, limits);
  if (problems.length) throw badInput(`Invalid template: ${problems.join('; ')}`, { problems });
}

/** Normalises variable input: `required` defaults to true, absent optional fields are dropped. */
export function normaliseVariables(
  input: ReadonlyArray<{ name: string; description?: string | null; required?: boolean | null; defaultValue?: unknown }>,
): TemplateVariable[] {
  return input.map((v) => {
    const out: TemplateVariable = { name: v.name, required: v.required ?? true };
    if (v.description != null) out.description = v.description;
    if (v.defaultValue !== undefined && v.defaultValue !== null) out.defaultValue = v.defaultValue;
    return out;
  });
}
