/**
 * Validating a scenario file against components/expectations/schema.json (with Ajv, so the schema
 * file stays the one definition of the format), the first problem as one line: the field's path
 * (`spans[2].kind`) and what is wrong with it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const SCHEMA_FILE = fileURLToPath(new URL('../../components/expectations/schema.json', import.meta.url));

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
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
  // An unknown or missing field is the most useful thing to say, then a wrong enum value.
  const preferred = at.find((e) => e.keyword === 'additionalProperties' && !isMarkerBranch(e)) ?? at.find((e) => e.keyword === 'enum');
  const own = at.filter((e) => e.keyword !== 'anyOf' && !isMarkerBranch(e));
  const distinct = [...new Set(own.map(describeOne))];
  const what = preferred ? describeOne(preferred) : distinct.length === 1 ? distinct[0]! : `${JSON.stringify(truncated(at[0]!.data))} is none of the forms this field takes (see schema.json ${formsOf(errors, path)})`;
  return `${fieldPath(path)}: ${what}`;
}

/** Errors from trying a host-specific marker, which only confuse the message about the value itself. */
function isMarkerBranch(error: ErrorObject): boolean {
  return error.schemaPath.startsWith('#/definitions/hostSpecific');
}

function formsOf(errors: ErrorObject[], path: string): string {
  const anyOf = errors.find((e) => e.keyword === 'anyOf' && e.instancePath === path);
  return anyOf ? anyOf.schemaPath.replace(/\/anyOf$/, '') : 'definitions';
}

function truncated(data: unknown): unknown {
  const text = JSON.stringify(data) ?? String(data);
  return text.length > 40 ? `${text.slice(0, 37)}...` : data;
}
