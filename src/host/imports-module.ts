import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { oneLine } from './errors.js';

/**
 * The default export of an `--imports` module: interface names (unversioned, as jco reads them)
 * to their implementations. Returns what is wrong with it instead, as one line.
 */
export async function importsFrom(file: string): Promise<Record<string, unknown> | string> {
  const url = pathToFileURL(isAbsolute(file) ? file : resolve(file)).href;
  let module: { default?: unknown };
  try {
    module = (await import(url)) as { default?: unknown };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(file.replace(/^\.\//, ''))
      ? `--imports ${file}: no such file`
      : `--imports ${file}: cannot load it: ${oneLine(error)}`;
  }
  const imports = module.default;
  if (typeof imports !== 'object' || imports === null || Array.isArray(imports)) {
    return `--imports ${file}: its default export must be an object mapping interface names (e.g. "fermyon:spin/key-value") to their functions`;
  }
  const bad = Object.entries(imports).find(([name, value]) => !/^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/.test(name) || typeof value !== 'object' || value === null);
  if (bad) return `--imports ${file}: ${JSON.stringify(bad[0])} is not an unversioned interface name with an object of functions (e.g. "fermyon:spin/key-value": { Store })`;
  return imports as Record<string, unknown>;
}
