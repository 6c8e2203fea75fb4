import { print } from '@bytecodealliance/jco-transpile/wasm-tools';
import { readComponentTypes, type ComponentTypes } from './read-types.js';
import { withoutCoreCode } from './strip-code.js';

export type { ComponentTypes } from './read-types.js';
export * from './wit-type.js';

/** The imported interfaces and root exports of a component, with their function signatures. */
export async function componentTypesOf(component: Uint8Array): Promise<ComponentTypes> {
  return readComponentTypes(await print(withoutCoreCode(component)));
}
