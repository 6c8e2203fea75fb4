/**
 * Reads the types of a component from its text form (as wasm-tools prints it): the functions of
 * every interface it imports and the signatures of its root function exports. The text is that
 * of the component without its core code (see strip-code.ts), so it stays small for any guest.
 */
import { parseSExpr, type SExpr, type SList } from './sexpr.js';
import { PRIMITIVES, type FuncSignature, type PrimitiveName, type WitType } from './wit-type.js';

/** What a component imports and exports, with the signatures of its functions. */
export interface ComponentTypes {
  /** Imported interfaces (versioned names, e.g. `wasi:otel/tracing@0.2.0-rc.2`) and the functions the component uses from each. */
  imports: Record<string, Record<string, FuncSignature>>;
  /** Root function exports by WIT name. */
  exports: Record<string, FuncSignature>;
}

type Entry =
  | { sort: 'value'; type: () => WitType }
  | { sort: 'func'; signature: () => FuncSignature }
  | { sort: 'instance'; exports: () => Map<string, Entry> }
  | { sort: 'other' };

type Sort = 'type' | 'func' | 'instance' | 'component';
const SORTS: readonly Sort[] = ['type', 'func', 'instance', 'component'];

/** One index space per sort, with `$name`s, and the enclosing scope for `alias outer`. */
class Scope {
  private readonly items = new Map<Sort, Map<number, Entry>>(SORTS.map((sort) => [sort, new Map()]));
  private readonly ids = new Map<Sort, Map<string, number>>(SORTS.map((sort) => [sort, new Map()]));
  private readonly next = new Map<Sort, number>(SORTS.map((sort) => [sort, 0]));

  constructor(readonly parent?: Scope) {}

  define(sort: Sort, header: { id?: string; index?: number }, entry: Entry): void {
    const index = header.index ?? this.next.get(sort)!;
    this.next.set(sort, index + 1);
    this.items.get(sort)!.set(index, entry);
    if (header.id !== undefined) this.ids.get(sort)!.set(header.id, index);
  }

  lookup(sort: Sort, ref: SExpr | undefined): Entry {
    if (ref?.kind !== 'atom') return { sort: 'other' };
    const index = ref.value.startsWith('$') ? this.ids.get(sort)!.get(ref.value) : Number(ref.value);
    return (index !== undefined && this.items.get(sort)!.get(index)) || { sort: 'other' };
  }

  outer(depth: number): Scope | undefined {
    let scope: Scope | undefined = this;
    for (let i = 0; i < depth && scope; i++) scope = scope.parent;
    return scope;
  }
}

export function readComponentTypes(wat: string): ComponentTypes {
  const top = parseSExpr(wat).items.find(isList);
  if (!top || keyword(top) !== 'component') throw new Error('not a component');
  const scope = new Scope();
  const types: ComponentTypes = { imports: {}, exports: {} };
  for (const decl of body(top, 1)) {
    const kind = keyword(decl);
    if (kind === 'import') readImport(decl, scope, types);
    else if (kind === 'export') readExport(decl, scope, types);
    else declare(decl, scope);
  }
  return types;
}

/** Declarations shared by components and instance types: type, alias, and (ignored) core items. */
function declare(decl: SList, scope: Scope): void {
  switch (keyword(decl)) {
    case 'type': {
      const header = headerOf(decl, 1);
      scope.define('type', header, typeEntry(decl.items[header.next], scope));
      return;
    }
    case 'alias':
      readAlias(decl, scope);
      return;
    case 'func': {
      const header = headerOf(decl, 1);
      const typeRef = decl.items.slice(header.next).filter(isList).find((item) => keyword(item) === 'type');
      const entry = typeRef ? scope.lookup('type', typeRef.items[1]) : ({ sort: 'other' } as const);
      scope.define('func', header, entry.sort === 'func' ? entry : { sort: 'other' });
      return;
    }
    case 'instance':
    case 'component':
      scope.define(keyword(decl) as Sort, headerOf(decl, 1), { sort: 'other' });
      return;
  }
}

function readImport(decl: SList, scope: Scope, types: ComponentTypes): void {
  const name = stringAt(decl, 1);
  const clause = decl.items.slice(2).find(isList);
  if (name === undefined || !clause) return;
  const sort = keyword(clause);
  const header = headerOf(clause, 1);
  const entry = externEntry(clause, header.next, scope);
  if (sort === 'instance' && entry.sort === 'instance') {
    const functions: Record<string, FuncSignature> = {};
    for (const [exported, item] of entry.exports()) if (item.sort === 'func') functions[exported] = item.signature();
    types.imports[name] = functions;
  }
  if (SORTS.includes(sort as Sort)) scope.define(sort as Sort, header, entry);
}

function readExport(decl: SList, scope: Scope, types: ComponentTypes): void {
  const header = headerOf(decl, 1);
  const name = stringAt(decl, header.next);
  const clauses = decl.items.slice(header.next + 1).filter(isList);
  const [item, ascribed] = clauses;
  if (name === undefined || !item) return;
  const sort = keyword(item);
  // (export "f" (func 3) (func (type 7))): the ascribed type wins; else the item's own.
  let entry: Entry = ascribed ? externEntry(ascribed, headerOf(ascribed, 1).next, scope) : scope.lookup(sort as Sort, item.items[1]);
  if (entry.sort === 'value') {
    const target = entry.type;
    entry = { sort: 'value', type: memo(() => ({ ...target(), name })) };
  }
  if (sort === 'func' && entry.sort === 'func') types.exports[name] = entry.signature();
  if (SORTS.includes(sort as Sort)) scope.define(sort as Sort, header, entry);
}

function readAlias(decl: SList, scope: Scope): void {
  const target = decl.items[1];
  const clause = decl.items.slice(2).find(isList);
  if (target?.kind !== 'atom' || !clause || !SORTS.includes(keyword(clause) as Sort)) return;
  const sort = keyword(clause) as Sort;
  let entry: Entry = { sort: 'other' };
  if (target.value === 'export') {
    const instance = scope.lookup('instance', decl.items[2]);
    const name = stringAt(decl, 3);
    if (instance.sort === 'instance' && name !== undefined) {
      const exports = instance.exports;
      entry = lazyEntry(sort, () => exports().get(name) ?? { sort: 'other' });
    }
  } else if (target.value === 'outer') {
    const depth = decl.items[2]?.kind === 'atom' ? Number(decl.items[2].value) : NaN;
    const outer = scope.outer(depth);
    if (outer) entry = outer.lookup(sort, decl.items[3]);
  }
  scope.define(sort, headerOf(clause, 1), entry);
}

/** The entry for an extern description: `(instance (type T))`, `(instance decls...)`, `(func (type T))`, `(type (eq T))`, `(type (sub resource))`. */
function externEntry(clause: SList, from: number, scope: Scope): Entry {
  const rest = clause.items.slice(from).filter(isList);
  const first = rest[0];
  if (keyword(clause) === 'type') {
    if (first && keyword(first) === 'eq') return scope.lookup('type', first.items[1]);
    if (first && keyword(first) === 'sub') return { sort: 'value', type: () => ({ kind: 'resource' }) };
    return { sort: 'other' };
  }
  if (first && keyword(first) === 'type') return scope.lookup('type', first.items[1]);
  if (keyword(clause) === 'instance') return instanceTypeEntry(rest, scope);
  if (keyword(clause) === 'func') return funcTypeEntry(clause, scope);
  return { sort: 'other' };
}

function typeEntry(def: SExpr | undefined, scope: Scope): Entry {
  if (!def) return { sort: 'other' };
  if (isList(def)) {
    switch (keyword(def)) {
      case 'instance':
        return instanceTypeEntry(body(def, 1), scope);
      case 'func':
        return funcTypeEntry(def, scope);
      case 'component':
        return { sort: 'other' };
      case 'sub':
      case 'resource':
        return { sort: 'value', type: () => ({ kind: 'resource' }) };
    }
  }
  return { sort: 'value', type: memo(() => valType(def, scope)) };
}

function instanceTypeEntry(decls: SList[], parent: Scope): Entry {
  return {
    sort: 'instance',
    exports: memo(() => {
      const scope = new Scope(parent);
      const exports = new Map<string, Entry>();
      for (const decl of decls) {
        if (keyword(decl) !== 'export') {
          declare(decl, scope);
          continue;
        }
        const header = headerOf(decl, 1);
        const name = stringAt(decl, header.next);
        const clause = decl.items.slice(header.next + 1).find(isList);
        if (name === undefined || !clause) continue;
        const sort = keyword(clause) as Sort;
        let entry = externEntry(clause, headerOf(clause, 1).next, scope);
        if (entry.sort === 'value') {
          const target = entry.type;
          entry = { sort: 'value', type: memo(() => (target().kind === 'resource' ? { kind: 'resource', name } : { ...target(), name })) };
        }
        exports.set(name, entry);
        if (SORTS.includes(sort)) scope.define(sort, headerOf(clause, 1), entry);
      }
      return exports;
    }),
  };
}

function funcTypeEntry(def: SList, scope: Scope): Entry {
  return {
    sort: 'func',
    signature: memo(() => {
      const signature: FuncSignature = { params: [] };
      for (const part of def.items.filter(isList)) {
        if (keyword(part) === 'param') signature.params.push({ name: stringAt(part, 1) ?? '', type: valType(part.items[2], scope) });
        else if (keyword(part) === 'result') signature.result = valType(part.items[part.items.length - 1], scope);
      }
      return signature;
    }),
  };
}

/** A value type: a primitive, a reference to a type index, or an inline definition. */
function valType(expr: SExpr | undefined, scope: Scope): WitType {
  if (!expr) return { kind: 'unknown', what: 'missing type' };
  if (expr.kind === 'atom') {
    if ((PRIMITIVES as readonly string[]).includes(expr.value)) return { kind: 'primitive', primitive: expr.value as PrimitiveName };
    const entry = scope.lookup('type', expr);
    return entry.sort === 'value' ? entry.type() : { kind: 'unknown', what: `type ${expr.value}` };
  }
  if (!isList(expr)) return { kind: 'unknown', what: 'type' };
  const parts = expr.items.slice(1);
  const lists = parts.filter(isList);
  switch (keyword(expr)) {
    case 'record':
      return { kind: 'record', fields: lists.map((field) => ({ name: stringAt(field, 1) ?? '', type: valType(field.items[2], scope) })) };
    case 'variant':
      return {
        kind: 'variant',
        cases: lists.map((c) => {
          const payload = c.items.slice(2).find((item) => item.kind === 'atom' || (isList(item) && keyword(item) !== 'refines'));
          return payload ? { name: stringAt(c, 1) ?? '', type: valType(payload, scope) } : { name: stringAt(c, 1) ?? '' };
        }),
      };
    case 'enum':
      return { kind: 'enum', cases: parts.flatMap((part) => (part.kind === 'string' ? [part.value] : [])) };
    case 'flags':
      return { kind: 'flags', flags: parts.flatMap((part) => (part.kind === 'string' ? [part.value] : [])) };
    case 'list':
      return { kind: 'list', element: valType(parts[0], scope) };
    case 'option':
      return { kind: 'option', some: valType(parts[0], scope) };
    case 'tuple':
      return { kind: 'tuple', items: parts.map((part) => valType(part, scope)) };
    case 'result': {
      const result: WitType = { kind: 'result' };
      for (const part of parts) {
        if (isList(part) && keyword(part) === 'error') result.err = valType(part.items[1], scope);
        else result.ok = valType(part, scope);
      }
      return result;
    }
    case 'own':
    case 'borrow': {
      const resource = valType(parts[0], scope);
      return { kind: 'handle', own: keyword(expr) === 'own', resource: resource.name ?? 'resource' };
    }
    default:
      return { kind: 'unknown', what: keyword(expr) ?? 'type' };
  }
}

/** An alias of another item's export, resolved when first used. */
function lazyEntry(sort: Sort, resolve: () => Entry): Entry {
  const entry = memo(resolve);
  if (sort === 'type') return { sort: 'value', type: memo(() => { const e = entry(); return e.sort === 'value' ? e.type() : { kind: 'unknown', what: 'type' }; }) };
  if (sort === 'func') return { sort: 'func', signature: memo(() => { const e = entry(); return e.sort === 'func' ? e.signature() : { params: [] }; }) };
  if (sort === 'instance') return { sort: 'instance', exports: memo(() => { const e = entry(); return e.sort === 'instance' ? e.exports() : new Map(); }) };
  return { sort: 'other' };
}

/** `$id` and `(;N;)` after a keyword, and where the rest begins. */
function headerOf(list: SList, from: number): { id?: string; index?: number; next: number } {
  const header: { id?: string; index?: number; next: number } = { next: from };
  for (let at = from; at < list.items.length; at++) {
    const item = list.items[at]!;
    if (item.kind === 'atom' && item.value.startsWith('$')) header.id = item.value;
    else if (item.kind === 'index') header.index = item.value;
    else if (isList(item) && keyword(item)?.startsWith('@')) continue;
    else return { ...header, next: at };
    header.next = at + 1;
  }
  return header;
}

function body(list: SList, from: number): SList[] {
  return list.items.slice(from).filter(isList).filter((item) => !keyword(item)?.startsWith('@'));
}

function keyword(expr: SExpr): string | undefined {
  const first = isList(expr) ? expr.items[0] : undefined;
  return first?.kind === 'atom' ? first.value : undefined;
}

function stringAt(list: SList, at: number): string | undefined {
  const item = list.items[at];
  return item?.kind === 'string' ? item.value : undefined;
}

function isList(expr: SExpr): expr is SList {
  return expr.kind === 'list';
}

function memo<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}
