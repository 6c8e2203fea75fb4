/**
 * Validating a scenario file against components/expectations/schema.json (with Ajv, so the schema
 * file stays the one definition of the format), the first problem as one line: the field's path
 * (`spans[2].kind`) and what is wrong with it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const SCHEMA_FILE = fileURLToPath(new URL('../../components/expectations/schema.json', import.meta.url));

interface Schema {
  definitions: Record<string, object>;
}

let validator: ValidateFunction | undefined;
let schema: Schema | undefined;

function compiled(): ValidateFunction {
  schema ??= JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Schema;
  // verbose: errors carry the data and the (sub)schema they are about, for the message.
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).compile(schema);
  return validator;
}

/** undefined when `data` has the shape of a scenario, else the first problem in one line. */
export function validateScenarioShape(data: unknown): string | undefined {
  const validate = compiled();
  if (validate(data)) return undefined;
  return describeErrors(validate.errors ?? []);
}

/** `/spans/2/kind` -> `spans[2].kind` (the top level: `the file`). */
function fieldPath(pointer: string): string {
  if (pointer === '') return 'the file';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

function describeOne(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field "${String(params.additionalProperty)}"`;
    case 'required':
      return `missing field "${String(params.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(error.data)}`;
    case 'pattern':
      return `${JSON.stringify(error.data)} does not match ${String(params.pattern)}`;
    default:
      return `${error.message ?? error.keyword}${error.data !== undefined && typeof error.data !== 'object' ? `, got ${JSON.stringify(error.data)}` : ''}`;
  }
}

/**
 * The deepest field with a problem, and what it is. Where a field may take several forms (a value
 * or a host-specific marker), the errors of each form are folded into one line.
 */
function describeErrors(errors: ErrorObject[]): string {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const deepest = Math.max(...errors.map(depth));
  const at = errors.filter((e) => depth(e) === deepest);
  const path = at[0]!.instancePath;
  const own = at.filter((e) => e.keyword !== 'anyOf' && !isMarkerBranch(e));
  const distinct = [...new Set(own.map(describeOne))];
  const severalForms = errors.some((e) => e.keyword === 'anyOf' && e.instancePath === path);
  // A wrong enum value says what is allowed; a field of one form: its unknown or missing field;
  // a field of several forms: that it is none of them, unless only one form could apply.
  const enumError = own.find((e) => e.keyword === 'enum');
  const fieldError = own.find((e) => e.keyword === 'additionalProperties' || e.keyword === 'required');
  const what = enumError
    ? describeOne(enumError)
    : !severalForms && fieldError
      ? describeOne(fieldError)
      : distinct.length === 1
        ? distinct[0]!
        : `${JSON.stringify(truncated(at[0]!.data))} is none of the forms this field takes (see schema.json ${formsOf(errors, path)})`;
  return `${fieldPath(path)}: ${what}`;
}

/** Errors from trying a host-specific marker, which only confuse the message about the value itself. */
function isMarkerBranch(error: ErrorObject): boolean {
  return error.parentSchema === schema?.definitions.hostSpecific;
}

/** Where the forms of the field at `path` are defined: `#/definitions/value`, else the schema path. */
function formsOf(errors: ErrorObject[], path: string): string {
  const anyOf = errors.find((e) => e.keyword === 'anyOf' && e.instancePath === path);
  if (!anyOf) return 'definitions';
  const name = Object.entries(schema?.definitions ?? {}).find(([, definition]) => definition === anyOf.parentSchema)?.[0];
  return name ? `#/definitions/${name}` : anyOf.schemaPath.replace(/\/anyOf$/, '');
}

function truncated(data: unknown): unknown {
  const text = JSON.stringify(data) ?? String(data);
  return text.length > 40 ? `${text.slice(0, 37)}...` : data;
}
