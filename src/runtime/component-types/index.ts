import { readComponentTypes, type ComponentTypes } from './read-types.js';
import { withoutCoreCode } from './strip-code.js';

export type { ComponentTypes } from './read-types.js';
export * from './wit-type.js';

/** The imported interfaces and root exports of a component, with their function signatures. */
export async function componentTypesOf(component: Uint8Array): Promise<ComponentTypes> {
  // jco's wasm-tools is loaded only when a component's types are read (not for a cached one).
  const { print } = await import('@bytecodealliance/jco-transpile/wasm-tools');
  return readComponentTypes(await print(withoutCoreCode(component)));
}
