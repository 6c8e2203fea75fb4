/**
 * Which `wasi:observe` / `wasi:logging` functions a component imports, checked against the ones
 * this host serves (generated/shape-signatures.json, read from wit/wasi-observe). Both packages
 * are unversioned upstream; a component that names a version (wasmCloud's
 * `wasi:logging/logging@0.1.0-draft`) is served when its functions have the same structure,
 * since jco looks imports up by the unversioned name. A function the host does not serve, or one
 * with another signature, is refused with a message naming it, before instantiation (instead of
 * a failure inside jco's glue).
 */
import type { FuncSignature } from '../runtime/component-types/index.js';
import { signatureStructureHash, signatureText } from '../runtime/component-types/index.js';
import { servedSignatures } from '../runtime/served-signatures.js';

const OBSERVE_IMPORT = /^(wasi:(?:observe|logging)\/[^@]+)(?:@(.+))?$/;

/** What a component uses of the wasi:observe world. */
export interface ObserveUse {
  /** Imported interfaces, unversioned (`wasi:observe/tracer`, `wasi:logging/logging`), sorted. */
  interfaces: string[];
}

/** The wasi:observe world's part of a component's imports: what it uses, or a message naming what this host does not serve. */
export function observeUseOf(imports: Readonly<Record<string, Readonly<Record<string, FuncSignature>>>>): { use: ObserveUse | undefined } | { error: string } {
  const served = servedSignatures().observe;
  const interfaces: string[] = [];
  const problems: string[] = [];
  for (const [name, functions] of Object.entries(imports)) {
    const match = OBSERVE_IMPORT.exec(name);
    if (!match) continue;
    const iface = match[1]!;
    interfaces.push(iface);
    const known = served[iface];
    if (!known) {
      problems.push(`${name} (an interface this host does not serve)`);
      continue;
    }
    const unmatched = Object.entries(functions).filter(([fn, signature]) => known[fn]?.structure !== signatureStructureHash(signature));
    if (unmatched.length > 0) problems.push(`${name} with ${unmatched.map(([fn, signature]) => `${fn}: ${signatureText(signature)}`).join(', ')}`);
  }
  if (problems.length > 0) {
    return {
      error:
        `imports ${problems.join('; ')}, which ${problems.length === 1 ? 'does' : 'do'} not match what this host serves: ` +
        Object.keys(served).sort().join(' and ') +
        ' as in wit/wasi-observe',
    };
  }
  return { use: interfaces.length > 0 ? { interfaces: interfaces.sort() } : undefined };
}
