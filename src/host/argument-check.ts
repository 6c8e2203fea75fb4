/**
 * Checks the JS values passed to a component export against its WIT signature before the call,
 * so that a wrong argument is refused with a message naming the parameter (never a silent call
 * with missing arguments, nor jco's lowering error from inside the guest's call). The JS shapes
 * are jco's: u64/s64 as bigint, other numbers as number, records as camelCase objects, variants
 * `{ tag, val }`, enums strings, flags objects of booleans, option none as undefined.
 */
import { paramsText, witTypeText, type FuncSignature, type WitParam, type WitType } from '../runtime/component-types/index.js';
import { quoted } from '../otel/messages.js';
import { jsExportName as camelCase } from './export-names.js';

const INTEGER_RANGES: Record<string, [number, number]> = {
  s8: [-128, 127],
  u8: [0, 255],
  s16: [-32768, 32767],
  u16: [0, 65535],
  s32: [-(2 ** 31), 2 ** 31 - 1],
  u32: [0, 2 ** 32 - 1],
};
const BIGINT_RANGES: Record<string, [bigint, bigint]> = {
  s64: [-(2n ** 63n), 2n ** 63n - 1n],
  u64: [0n, 2n ** 64n - 1n],
};

/** Why `args` cannot be passed to a function of this signature, or undefined when they can. */
export function argumentProblem(name: string, signature: FuncSignature, args: readonly unknown[]): string | undefined {
  const { params } = signature;
  if (args.length !== params.length) return argumentCountProblem(name, params, args.length);
  for (const [index, param] of params.entries()) {
    const problem = valueProblem(param.type, args[index], param.name);
    if (problem) return `${name}: argument ${param.name} (${witTypeText(param.type)}): ${problem}`;
  }
  return undefined;
}

/** `spans takes 1 argument (n: u32), got 0` (the library's and `--invoke`'s words). */
export function argumentCountProblem(name: string, params: readonly WitParam[], got: number): string {
  const takes = params.length === 0 ? 'takes no arguments' : `takes ${params.length} argument${params.length === 1 ? '' : 's'} (${paramsText(params)})`;
  return `${name} ${takes}, got ${got}`;
}

/** Why `value` is not a JS value of `type`, or undefined. `path` names the place in the argument. */
function valueProblem(type: WitType, value: unknown, path: string): string | undefined {
  const at = (inner: string, problem: string | undefined): string | undefined => (problem === undefined ? undefined : problem.startsWith('at ') ? problem : `at ${inner}: ${problem}`);
  switch (type.kind) {
    case 'primitive':
      return primitiveProblem(type.primitive, value);
    case 'list': {
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return undefined;
      if (!Array.isArray(value)) return `expected a list, got ${describe(value)}`;
      for (const [index, item] of value.entries()) {
        const problem = valueProblem(type.element, item, `${path}[${index}]`);
        if (problem) return at(`${path}[${index}]`, problem);
      }
      return undefined;
    }
    case 'option':
      return value === undefined ? undefined : valueProblem(type.some, value, path);
    case 'tuple': {
      if (!Array.isArray(value) || value.length !== type.items.length) return `expected a tuple of ${type.items.length}, got ${describe(value)}`;
      for (const [index, item] of type.items.entries()) {
        const problem = valueProblem(item, value[index], `${path}[${index}]`);
        if (problem) return at(`${path}[${index}]`, problem);
      }
      return undefined;
    }
    case 'record': {
      if (!isObject(value)) return `expected a record (an object), got ${describe(value)}`;
      for (const field of type.fields) {
        const key = camelCase(field.name);
        const problem = valueProblem(field.type, value[key], `${path}.${key}`);
        if (problem) return at(`${path}.${key}`, value[key] === undefined && field.type.kind !== 'option' ? `missing field ${key}` : problem);
      }
      return undefined;
    }
    case 'variant': {
      if (!isObject(value) || typeof value.tag !== 'string') return `expected a variant ({ tag, val }), got ${describe(value)}`;
      const found = type.cases.find((c) => c.name === value.tag);
      if (!found) return `unknown case ${JSON.stringify(value.tag)} (cases: ${type.cases.map((c) => c.name).join(', ')})`;
      return found.type ? at(`${path}.val`, valueProblem(found.type, value.val, `${path}.val`)) : undefined;
    }
    case 'enum':
      return typeof value === 'string' && type.cases.includes(value) ? undefined : `expected one of ${type.cases.join(', ')}, got ${describe(value)}`;
    case 'flags':
      return isObject(value) ? undefined : `expected flags (an object of booleans), got ${describe(value)}`;
    case 'result':
      if (!isObject(value) || (value.tag !== 'ok' && value.tag !== 'err')) return `expected a result ({ tag: 'ok' | 'err', val }), got ${describe(value)}`;
      if (value.tag === 'ok') return type.ok ? valueProblem(type.ok, value.val, `${path}.val`) : undefined;
      return type.err ? valueProblem(type.err, value.val, `${path}.val`) : undefined;
    default:
      // resources and types this reader does not know: jco checks them
      return undefined;
  }
}

function primitiveProblem(primitive: string, value: unknown): string | undefined {
  if (primitive === 'bool') return typeof value === 'boolean' ? undefined : `expected a boolean, got ${describe(value)}`;
  if (primitive === 'string') return typeof value === 'string' ? undefined : `expected a string, got ${describe(value)}`;
  if (primitive === 'char') return typeof value === 'string' && [...value].length === 1 ? undefined : `expected one character, got ${describe(value)}`;
  if (primitive === 'f32' || primitive === 'f64') return typeof value === 'number' ? undefined : `expected a number, got ${describe(value)}`;
  const bigRange = BIGINT_RANGES[primitive];
  if (bigRange) {
    if (typeof value !== 'bigint') return `expected a BigInt (${primitive}), got ${describe(value)}`;
    return value >= bigRange[0] && value <= bigRange[1] ? undefined : `${value} is out of range for ${primitive}`;
  }
  const range = INTEGER_RANGES[primitive];
  if (range) {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `expected an integer (${primitive}), got ${describe(value)}`;
    return value >= range[0] && value <= range[1] ? undefined : `${value} is out of range for ${primitive}`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return quoted(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
