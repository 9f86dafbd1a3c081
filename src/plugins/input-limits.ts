import {
  defaultFieldResolver,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Config } from '../config.ts';
import { limitExceeded } from '../errors.ts';

/** Marks an argument or input field as long text, bounded by INPUT_MAX_TEXT_CHARS instead of INPUT_MAX_STRING_CHARS. */
export const LONG_TEXT_DIRECTIVE = 'longText';

type Limits = Pick<Config['limits'], 'maxStringChars' | 'maxTextChars' | 'maxJsonBytes' | 'maxJsonDepth'>;

const isLongText = (def: GraphQLArgument | GraphQLInputField) =>
  def.astNode?.directives?.some((d) => d.name.value === LONG_TEXT_DIRECTIVE) ?? false;

/** The nesting depth of a JSON value, giving up (returning `> max`) as soon as it passes `max`. */
function jsonDepth(value: unknown, max: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > deepest) deepest = d + 1;
    if (deepest > max) return deepest;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}

function checkValue(value: unknown, type: GraphQLInputType, where: string, long: boolean, limits: Limits): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkValue(value, type.ofType, where, long, limits);
  if (isListType(type)) {
    if (Array.isArray(value)) for (const item of value) checkValue(item, type.ofType, where, long, limits);
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      const f = fields[name];
      if (f) checkValue(v, f.type, `${type.name}.${name}`, isLongText(f), limits);
    }
    return;
  }
  if (!isScalarType(type)) return;
  if (typeof value === 'string' && type.name !== 'JSON') {
    const [max, setting] = long ? [limits.maxTextChars, 'INPUT_MAX_TEXT_CHARS'] : [limits.maxStringChars, 'INPUT_MAX_STRING_CHARS'];
    if (value.length > max) throw limitExceeded(`${where} is ${value.length} characters, over the limit`, setting, max, { field: where });
    return;
  }
  if (type.name === 'JSON') {
    const depth = jsonDepth(value, limits.maxJsonDepth);
    if (depth > limits.maxJsonDepth) {
      throw limitExceeded(`${where} is nested too deeply`, 'INPUT_MAX_JSON_DEPTH', limits.maxJsonDepth, { field: where });
    }
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
    if (bytes > limits.maxJsonBytes) {
      throw limitExceeded(`${where} is ${bytes} bytes of JSON, over the limit`, 'INPUT_MAX_JSON_BYTES', limits.maxJsonBytes, {
        field: where,
      });
    }
  }
}

/**
 * Bounds every argument of every field in one place: strings (and IDs) by INPUT_MAX_STRING_CHARS, or by
 * INPUT_MAX_TEXT_CHARS where the schema marks them `@longText`; JSON values by size and depth. The check runs on
 * the coerced arguments, so literals and variables are treated alike, before the field's resolver. Fields added
 * later are covered without registering them. Mutates and returns the schema.
 */
export function applyInputLimits(schema: GraphQLSchema, limits: Limits): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.length) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const args = field.args;
      field.resolve = (source, values, context, info) => {
        for (const arg of args) {
          checkValue(values[arg.name], arg.type, `${type.name}.${field.name}(${arg.name})`, isLongText(arg), limits);
        }
        return resolve(source, values, context, info);
      };
    }
  }
  return schema;
}
