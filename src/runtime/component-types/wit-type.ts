/**
 * The types of a component's functions as its WIT declares them, and how they read in messages
 * (`n: u32`, `list<string>`, `span-context`).
 */
import { createHash } from 'node:crypto';

export const PRIMITIVES = ['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char', 'string', 'error-context'] as const;
export type PrimitiveName = (typeof PRIMITIVES)[number];

/** A WIT value type; `name` is the name it was declared under (`span-context`), if any. */
export type WitType = (
  | { kind: 'primitive'; primitive: PrimitiveName }
  | { kind: 'record'; fields: { name: string; type: WitType }[] }
  | { kind: 'variant'; cases: { name: string; type?: WitType }[] }
  | { kind: 'enum'; cases: string[] }
  | { kind: 'flags'; flags: string[] }
  | { kind: 'list'; element: WitType }
  | { kind: 'option'; some: WitType }
  | { kind: 'result'; ok?: WitType; err?: WitType }
  | { kind: 'tuple'; items: WitType[] }
  | { kind: 'handle'; own: boolean; resource: string }
  | { kind: 'resource' }
  | { kind: 'unknown'; what: string }
) & { name?: string };

export interface WitParam {
  name: string;
  type: WitType;
}

/** A function's signature: named parameters and an optional result. */
export interface FuncSignature {
  params: WitParam[];
  result?: WitType;
}

/** How the type reads in WIT: its name if it has one, else its structure (`list<u8>`). */
export function witTypeText(type: WitType): string {
  if (type.name !== undefined) return type.name;
  switch (type.kind) {
    case 'primitive':
      return type.primitive;
    case 'list':
      return `list<${witTypeText(type.element)}>`;
    case 'option':
      return `option<${witTypeText(type.some)}>`;
    case 'result':
      if (!type.ok && !type.err) return 'result';
      return `result<${type.ok ? witTypeText(type.ok) : '_'}${type.err ? `, ${witTypeText(type.err)}` : ''}>`;
    case 'tuple':
      return `tuple<${type.items.map(witTypeText).join(', ')}>`;
    case 'handle':
      return type.own ? type.resource : `borrow<${type.resource}>`;
    case 'unknown':
      return type.what;
    default:
      return type.kind;
  }
}

/** `n: u32, name: string` */
export function paramsText(params: readonly WitParam[]): string {
  return params.map((param) => `${param.name}: ${witTypeText(param.type)}`).join(', ');
}

/** `func(n: u32) -> string` */
export function signatureText(signature: FuncSignature): string {
  return `func(${paramsText(signature.params)})${signature.result ? ` -> ${witTypeText(signature.result)}` : ''}`;
}

/**
 * The structure of a type without its names (the ABI a guest was built against): two types with
 * the same structure lift and lower the same way. Field and case names are part of it.
 */
export function structureOf(type: WitType): string {
  switch (type.kind) {
    case 'primitive':
      return type.primitive;
    case 'record':
      return `record{${type.fields.map((field) => `${field.name}:${structureOf(field.type)}`).join(',')}}`;
    case 'variant':
      return `variant{${type.cases.map((c) => (c.type ? `${c.name}(${structureOf(c.type)})` : c.name)).join(',')}}`;
    case 'enum':
      return `enum{${type.cases.join(',')}}`;
    case 'flags':
      return `flags{${type.flags.join(',')}}`;
    case 'list':
      return `list<${structureOf(type.element)}>`;
    case 'option':
      return `option<${structureOf(type.some)}>`;
    case 'result':
      return `result<${type.ok ? structureOf(type.ok) : '_'},${type.err ? structureOf(type.err) : '_'}>`;
    case 'tuple':
      return `tuple<${type.items.map(structureOf).join(',')}>`;
    case 'handle':
      return `${type.own ? 'own' : 'borrow'}<${type.resource}>`;
    case 'resource':
      return 'resource';
    case 'unknown':
      return `?${type.what}`;
  }
}

/** The structure of a function: parameter names and types, result type. */
export function signatureStructure(signature: FuncSignature): string {
  return `(${signature.params.map((param) => `${param.name}:${structureOf(param.type)}`).join(',')})->${signature.result ? structureOf(signature.result) : '_'}`;
}

/** A short hash of signatureStructure (what generated/shape-signatures.json records). */
export function signatureStructureHash(signature: FuncSignature): string {
  return createHash('sha256').update(signatureStructure(signature)).digest('hex').slice(0, 16);
}
