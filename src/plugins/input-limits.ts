import {
  defaultFieldResolver,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputObjectType,
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

const NOT_TEXT = new Set(['Int', 'Float', 'Boolean']);

/** Checks one (coerced) input value; throws a LIMIT_EXCEEDED error naming the field when it is over a limit. */
type Check = (value: unknown) => void;

/**
 * Builds the checks of input types once, when the schema is set up: each argument gets a function that knows its
 * type, its field name and its limit, so a request pays for the walk over its values and nothing else. A type
 * with nothing to bound (numbers, booleans, enums) gets no check at all.
 */
class CheckBuilder {
  readonly #limits: Limits;
  /** Input object types' checks; a type being built stands for itself through a forward reference (recursion). */
  readonly #objects = new Map<GraphQLInputObjectType, { check: Check | null; building: boolean }>();

  constructor(limits: Limits) {
    this.#limits = limits;
  }

  for(type: GraphQLInputType, where: string, long: boolean): Check | null {
    if (isNonNullType(type)) return this.for(type.ofType, where, long);
    if (isListType(type)) {
      const item = this.for(type.ofType, where, long);
      if (!item) return null;
      return (value) => {
        if (Array.isArray(value)) for (const v of value) if (v !== null && v !== undefined) item(v);
      };
    }
    if (isInputObjectType(type)) return this.#object(type);
    // Enums, and the scalars whose values are never strings, have nothing to bound.
    if (!isScalarType(type) || NOT_TEXT.has(type.name)) return null;
    return type.name === 'JSON' ? this.#json(where) : this.#string(where, long);
  }

  #string(where: string, long: boolean): Check {
    const [max, setting] = long
      ? [this.#limits.maxTextChars, 'INPUT_MAX_TEXT_CHARS']
      : [this.#limits.maxStringChars, 'INPUT_MAX_STRING_CHARS'];
    return (value) => {
      if (typeof value === 'string' && value.length > max) {
        throw limitExceeded(`${where} is ${value.length} characters, over the limit`, setting, max, { field: where });
      }
    };
  }

  #json(where: string): Check {
    const { maxJsonDepth, maxJsonBytes } = this.#limits;
    return (value) => {
      if (jsonDepth(value, maxJsonDepth) > maxJsonDepth) {
        throw limitExceeded(`${where} is nested too deeply`, 'INPUT_MAX_JSON_DEPTH', maxJsonDepth, { field: where });
      }
      const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
      if (bytes > maxJsonBytes) {
        throw limitExceeded(`${where} is ${bytes} bytes of JSON, over the limit`, 'INPUT_MAX_JSON_BYTES', maxJsonBytes, {
          field: where,
        });
      }
    };
  }

  #object(type: GraphQLInputObjectType): Check | null {
    const known = this.#objects.get(type);
    if (known) return known.building ? (value) => known.check?.(value) : known.check;
    const entry: { check: Check | null; building: boolean } = { check: null, building: true };
    this.#objects.set(type, entry);
    const fields: [string, Check][] = [];
    for (const f of Object.values(type.getFields())) {
      const check = this.for(f.type, `${type.name}.${f.name}`, isLongText(f));
      if (check) fields.push([f.name, check]);
    }
    entry.building = false;
    entry.check = fields.length
      ? (value) => {
          const obj = value as Record<string, unknown>;
          for (const [name, check] of fields) {
            const v = obj[name];
            if (v !== null && v !== undefined) check(v);
          }
        }
      : null;
    return entry.check;
  }
}

/**
 * Bounds every argument of every field in one place: strings (and IDs) by INPUT_MAX_STRING_CHARS, or by
 * INPUT_MAX_TEXT_CHARS where the schema marks them `@longText`; JSON values by size and depth. The check runs on
 * the coerced arguments, so literals and variables are treated alike, before the field's resolver. Fields added
 * later are covered without registering them. Mutates and returns the schema.
 */
export function applyInputLimits(schema: GraphQLSchema, limits: Limits): GraphQLSchema {
  const checks = new CheckBuilder(limits);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const args: [string, Check][] = [];
      for (const arg of field.args) {
        const check = checks.for(arg.type, `${type.name}.${field.name}(${arg.name})`, isLongText(arg));
        if (check) args.push([arg.name, check]);
      }
      // A field whose arguments have nothing to bound keeps its resolver as it is.
      if (!args.length) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, values, context, info) => {
        for (const [name, check] of args) {
          const v = values[name];
          if (v !== null && v !== undefined) check(v);
        }
        return resolve(source, values, context, info);
      };
    }
  }
  return schema;
}
