/**
 * WAVE values read as and written from the JS values jco passes to and returns from a component
 * export, directed by the WIT type: `u64` 7 is `7n`, `{trace-id: "..."}` is `{ traceId: "..." }`,
 * `some(1)` is 1 and `none` undefined, `red` an enum string, `circle(2.5)` `{ tag: 'circle', val: 2.5 }`.
 */
import { witTypeText, type WitType } from '../../runtime/component-types/index.js';
import { jsExportName as camelCase } from '../export-names.js';
import type { WaveNode } from './wave-syntax.js';

export class WaveValueError extends Error {}

const INTEGER_BITS: Record<string, { signed: boolean; bits: number }> = {
  s8: { signed: true, bits: 8 },
  u8: { signed: false, bits: 8 },
  s16: { signed: true, bits: 16 },
  u16: { signed: false, bits: 16 },
  s32: { signed: true, bits: 32 },
  u32: { signed: false, bits: 32 },
  s64: { signed: true, bits: 64 },
  u64: { signed: false, bits: 64 },
};

/** The JS value of `node` read as `type`; throws WaveValueError saying what did not fit. */
export function fromWave(node: WaveNode, type: WitType): unknown {
  const fail = (expected: string): never => {
    throw new WaveValueError(`expected ${expected}, got ${shown(node)}`);
  };
  switch (type.kind) {
    case 'primitive': {
      const p = type.primitive;
      if (p === 'bool') return node.kind === 'label' && !node.payload && (node.name === 'true' || node.name === 'false') ? node.name === 'true' : fail('true or false');
      if (p === 'string') return node.kind === 'string' ? node.value : fail('a "string"');
      if (p === 'char') return node.kind === 'char' ? node.value : fail("a 'c'har");
      if (p === 'f32' || p === 'f64') {
        if (node.kind !== 'number') return fail('a number');
        const text = node.text.replace(/^\+/, '');
        return text === 'inf' ? Infinity : text === '-inf' ? -Infinity : /^-?nan$/.test(text) ? NaN : Number(text);
      }
      const integer = INTEGER_BITS[p];
      if (integer) {
        if (node.kind !== 'number' || !/^[-+]?\d+$/.test(node.text)) return fail(`an integer (${p})`);
        const value = BigInt(node.text);
        const min = integer.signed ? -(2n ** BigInt(integer.bits - 1)) : 0n;
        const max = (integer.signed ? 2n ** BigInt(integer.bits - 1) : 2n ** BigInt(integer.bits)) - 1n;
        if (value < min || value > max) throw new WaveValueError(`${node.text} is out of range for ${p} (${min} to ${max})`);
        return integer.bits === 64 ? value : Number(value);
      }
      throw new WaveValueError(`a ${p} cannot be given on the command line`);
    }
    case 'list':
      if (node.kind !== 'list') return fail('a [list]');
      return node.items.map((item, index) => within(`[${index}]`, () => fromWave(item, type.element)));
    case 'tuple':
      if (node.kind !== 'tuple' || node.items.length !== type.items.length) return fail(`a tuple of ${type.items.length} (${type.items.map(witTypeText).join(', ')})`);
      return type.items.map((item, index) => within(`.${index}`, () => fromWave(node.items[index]!, item)));
    case 'option':
      if (node.kind === 'label' && node.name === 'none' && !node.payload) return undefined;
      if (node.kind === 'label' && node.name === 'some' && node.payload) return fromWave(node.payload, type.some);
      return fromWave(node, type.some); // the shorthand: a bare value is some(value)
    case 'result': {
      if (node.kind !== 'label' || (node.name !== 'ok' && node.name !== 'err')) return fail('ok, ok(...), err or err(...)');
      const payloadType = node.name === 'ok' ? type.ok : type.err;
      if (!payloadType !== !node.payload) return fail(payloadType ? `${node.name}(${witTypeText(payloadType)})` : `${node.name} without a value`);
      return { tag: node.name, val: payloadType && node.payload ? within(`.${node.name}`, () => fromWave(node.payload!, payloadType)) : undefined };
    }
    case 'enum': {
      const name = labelName(node);
      return name !== undefined && type.cases.includes(name) ? name : fail(`one of ${type.cases.join(', ')}`);
    }
    case 'variant': {
      const name = node.kind === 'label' ? node.name : labelName(node);
      const found = type.cases.find((c) => c.name === name);
      if (!found) return fail(`one of ${type.cases.map((c) => (c.type ? `${c.name}(...)` : c.name)).join(', ')}`);
      const payload = node.kind === 'label' ? node.payload : undefined;
      if (!found.type !== !payload) return fail(found.type ? `${found.name}(${witTypeText(found.type)})` : `${found.name} without a value`);
      return found.type && payload ? { tag: found.name, val: within(`.${found.name}`, () => fromWave(payload, found.type!)) } : { tag: found.name };
    }
    case 'flags': {
      if (node.kind !== 'braces' || node.entries.some((e) => e.value !== undefined)) return fail(`{flags} (${type.flags.join(', ')})`);
      const set = new Set(node.entries.map((e) => e.name));
      const unknown = [...set].filter((name) => !type.flags.includes(name));
      if (unknown.length > 0) throw new WaveValueError(`unknown flag ${unknown[0]} (flags: ${type.flags.join(', ')})`);
      return Object.fromEntries(type.flags.map((flag) => [camelCase(flag), set.has(flag)]));
    }
    case 'record': {
      if (node.kind !== 'braces' || node.entries.some((e) => e.value === undefined)) return fail(`a {record} with fields ${type.fields.map((f) => f.name).join(', ')}`);
      const given = new Map(node.entries.map((e) => [e.name, e.value!]));
      const unknown = [...given.keys()].filter((name) => !type.fields.some((f) => f.name === name));
      if (unknown.length > 0) throw new WaveValueError(`unknown field ${unknown[0]} (fields: ${type.fields.map((f) => f.name).join(', ')})`);
      const out: Record<string, unknown> = {};
      for (const field of type.fields) {
        const value = given.get(field.name);
        if (value === undefined) {
          if (field.type.kind === 'option') out[camelCase(field.name)] = undefined;
          else throw new WaveValueError(`missing field ${field.name}`);
        } else {
          out[camelCase(field.name)] = within(`.${field.name}`, () => fromWave(value, field.type));
        }
      }
      return out;
    }
    default:
      throw new WaveValueError(`a ${witTypeText(type)} cannot be given on the command line`);
  }
}

/** `value` (as jco returns it) written as WAVE text. */
export function toWave(value: unknown, type: WitType): string {
  switch (type.kind) {
    case 'primitive': {
      if (type.primitive === 'string' || type.primitive === 'char') return quote(String(value), type.primitive === 'char' ? "'" : '"');
      if (type.primitive === 'f32' || type.primitive === 'f64') {
        const n = Number(value);
        return Number.isNaN(n) ? 'nan' : n === Infinity ? 'inf' : n === -Infinity ? '-inf' : String(n);
      }
      return String(value);
    }
    case 'list':
      return `[${Array.from(value as ArrayLike<unknown>, (item) => toWave(item, type.element)).join(', ')}]`;
    case 'tuple':
      return `(${type.items.map((item, index) => toWave((value as unknown[])[index], item)).join(', ')})`;
    case 'option':
      return value === undefined || value === null ? 'none' : `some(${toWave(value, type.some)})`;
    case 'result': {
      // jco returns an export's ok payload (an err is thrown); a result inside a value is { tag, val }.
      const tagged = isTagged(value) && (value.tag === 'ok' || value.tag === 'err') ? value : { tag: 'ok', val: value };
      const payload = tagged.tag === 'ok' ? type.ok : type.err;
      return payload ? `${tagged.tag}(${toWave(tagged.val, payload)})` : tagged.tag;
    }
    case 'enum':
      return label(String(value));
    case 'variant': {
      const tagged = value as { tag: string; val?: unknown };
      const found = type.cases.find((c) => c.name === tagged.tag);
      return found?.type ? `${label(tagged.tag)}(${toWave(tagged.val, found.type)})` : label(String(tagged.tag));
    }
    case 'flags': {
      const set = value as Record<string, boolean>;
      return `{${type.flags.filter((flag) => set[camelCase(flag)]).map(label).join(', ')}}`;
    }
    case 'record': {
      const record = value as Record<string, unknown>;
      const fields = type.fields.filter((field) => !(field.type.kind === 'option' && record[camelCase(field.name)] === undefined));
      return `{${fields.map((field) => `${label(field.name)}: ${toWave(record[camelCase(field.name)], field.type)}`).join(', ')}}`;
    }
    default:
      return `<${witTypeText(type)}>`;
  }
}

const KEYWORDS = new Set(['true', 'false', 'some', 'none', 'ok', 'err', 'inf', 'nan']);

function label(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

function quote(text: string, mark: string): string {
  let out = mark;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === mark) out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (char === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += char;
  }
  return out + mark;
}

function labelName(node: WaveNode): string | undefined {
  if (node.kind === 'label' && !node.payload) return node.name;
  if (node.kind === 'number' && /^(inf|nan)$/.test(node.text)) return node.text;
  return undefined;
}

function within<T>(place: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof WaveValueError) {
      const message = error.message.startsWith('at ') ? `at ${place}${error.message.slice(3)}` : `at ${place}: ${error.message}`;
      throw new WaveValueError(message);
    }
    throw error;
  }
}

function shown(node: WaveNode): string {
  switch (node.kind) {
    case 'number':
      return node.text;
    case 'string':
      return quote(node.value, '"');
    case 'char':
      return quote(node.value, "'");
    case 'label':
      return node.payload ? `${node.name}(...)` : node.name;
    case 'list':
      return `a list of ${node.items.length}`;
    case 'tuple':
      return `a tuple of ${node.items.length}`;
    case 'braces':
      return node.entries.every((e) => e.value === undefined) ? '{flags}' : 'a {record}';
  }
}

function isTagged(value: unknown): value is { tag: string; val?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { tag?: unknown }).tag === 'string';
}
